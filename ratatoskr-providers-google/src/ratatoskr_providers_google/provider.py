"""The Google Gemini provider: chat, generate, embeddings, token counting and model metadata over the native
Gemini API (``generativelanguage.googleapis.com/v1beta``), not its OpenAI-compatibility layer.

It talks through one :class:`~ratatoskr.wire.endpoint.Endpoint` (httpx is imported on first use, so building the
provider stays cheap); errors are classified by :func:`._wire.classify_error`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Sequence
from contextlib import aclosing
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from ratatoskr.errors import (
    ModelNotAvailable,
    ModelNotFound,
    RatatoskrError,
    ResponseFormatError,
    StreamError,
)
from ratatoskr.generate_via_chat import generate_stream_via_chat, generate_via_chat
from ratatoskr.providers import PRIORITY_REMOTE
from ratatoskr.types.chat import CHAT_PARAMETERS, ChatEvent, ChatOptions, ChatResponse, Message, ToolDefinition
from ratatoskr.types.generate import GenerateEvent, GenerateOptions, GenerateResponse
from ratatoskr.types.inference import Embedding, Token
from ratatoskr.types.model import ModelInfo, ModelMetadata, ModelStatus, ModelStatusKind
from ratatoskr.wire.base import HttpProvider
from ratatoskr.wire.endpoint import Limits
from ratatoskr.wire.http import decode_json

from ratatoskr_providers_google._models import model_id, model_info, model_metadata
from ratatoskr_providers_google._stream import GeminiStreamDecoder
from ratatoskr_providers_google._wire import (
    API_VERSION,
    DEFAULT_BASE_URL,
    NAME,
    build_body,
    classify_error,
    parse_response,
)

if TYPE_CHECKING:
    import httpx

__all__ = ["GoogleProvider"]

DEFAULT_TIMEOUT = 600.0


def _model_path(model: str, method: str) -> str:
    return f"{API_VERSION}/models/{quote(model_id(model), safe='.-_')}:{method}"


class GoogleProvider(HttpProvider):
    """Chat and generate (``generateContent``, ``streamGenerateContent?alt=sse``), embeddings (``embedContent``,
    ``batchEmbedContents``), ``countTokens`` and the models list, with the key in the ``x-goog-api-key`` header.

    One ``httpx.AsyncClient`` serves every call (pass ``client=`` to inject one; an injected client is not
    closed by :meth:`aclose`).
    """

    name = NAME
    supports_tools = True
    #: Gemini has no parallel-tool-calls switch and no explicit prompt caching flag: the gateway reports them.
    supported_parameters = CHAT_PARAMETERS - frozenset({"cache_prompt", "parallel_tool_calls"})

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = DEFAULT_TIMEOUT,
        limits: Limits | None = None,
        priority: int = PRIORITY_REMOTE,
        models: Iterable[str] | None = None,
        embed_task_type: str | None = None,
        embed_dimensions: int | None = None,
        embed_batch_size: int = 100,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.embed_task_type = embed_task_type
        self.embed_dimensions = embed_dimensions
        self.embed_batch_size = embed_batch_size
        headers = {"x-goog-api-key": api_key, "content-type": "application/json"}
        super().__init__(
            base_url, headers=headers, classify=classify_error, client=client, timeout=timeout, limits=limits,
            priority=priority, models=models,
        )  # fmt: skip

    # ---- chat ------------------------------------------------------------------------------------------

    async def chat(
        self, messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
    ) -> ChatResponse:
        body = build_body(messages, tools, options)
        obj = await self.endpoint.post_json(_model_path(options.model, "generateContent"), body, model=options.model)
        return parse_response(obj, model=options.model)

    async def chat_stream(
        self, messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
    ) -> AsyncGenerator[ChatEvent, None]:
        body = build_body(messages, tools, options)
        model = options.model
        decoder = GeminiStreamDecoder(model, on_error=lambda obj: self.endpoint.stream_error(obj, model=model))
        path = _model_path(model, "streamGenerateContent") + "?alt=sse"
        async with aclosing(self.endpoint.stream_sse(path, body, model=model)) as events:
            async for sse in events:
                for event in decoder.feed(decode_json(sse.data, provider=NAME, what="stream chunk")):
                    yield event
        if not decoder.finished:
            raise StreamError("Gemini stream ended before a finish reason", provider=NAME)
        for event in decoder.close():
            yield event

    # ---- generate (a one-message chat) -----------------------------------------------------------------

    async def generate(self, prompt: str, options: GenerateOptions) -> GenerateResponse:
        return await generate_via_chat(self, prompt, options)

    def generate_stream(self, prompt: str, options: GenerateOptions) -> AsyncIterator[GenerateEvent]:
        return generate_stream_via_chat(self, prompt, options)

    # ---- embeddings ------------------------------------------------------------------------------------

    def _embed_request(self, text: str, model: str) -> dict[str, Any]:
        request: dict[str, Any] = {"model": f"models/{model_id(model)}", "content": {"parts": [{"text": text}]}}
        if self.embed_task_type is not None:
            request["taskType"] = self.embed_task_type
        if self.embed_dimensions is not None:
            request["outputDimensionality"] = self.embed_dimensions
        return request

    async def embed(self, text: str, model: str) -> Embedding:
        """``POST /v1beta/models/{model}:embedContent``."""
        obj = await self.endpoint.post_json(_model_path(model, "embedContent"), self._embed_request(text, model))
        values = (obj.get("embedding") or {}).get("values") if isinstance(obj, dict) else None
        if not isinstance(values, list):
            raise ResponseFormatError(f"embedContent answer has no embedding values: {str(obj)[:200]}", provider=NAME)
        return Embedding(values, model_id(model), NAME)

    async def embed_batch(self, texts: Sequence[str], model: str) -> list[Embedding]:
        """``POST /v1beta/models/{model}:batchEmbedContents``, ``embed_batch_size`` texts per request."""
        out: list[Embedding] = []
        for start in range(0, len(texts), self.embed_batch_size):
            batch = texts[start : start + self.embed_batch_size]
            body = {"requests": [self._embed_request(text, model) for text in batch]}
            obj = await self.endpoint.post_json(_model_path(model, "batchEmbedContents"), body, model=model)
            found = obj.get("embeddings") if isinstance(obj, dict) else None
            if not isinstance(found, list) or len(found) != len(batch):
                got = len(found) if isinstance(found, list) else "no"
                raise ResponseFormatError(f"Gemini returned {got} embeddings for {len(batch)} texts", provider=NAME)
            for item in found:
                values = item.get("values") if isinstance(item, dict) else None
                if not isinstance(values, list):
                    raise ResponseFormatError(
                        "batchEmbedContents answer has an embedding without values", provider=NAME
                    )
                out.append(Embedding(values, model_id(model), NAME))
        return out

    # ---- tokens ----------------------------------------------------------------------------------------

    async def count_tokens(self, text: str, model: str) -> int:
        """Exact token count from ``POST /v1beta/models/{model}:countTokens`` (the text as one user turn)."""
        body = {"contents": [{"role": "user", "parts": [{"text": text}]}]}
        obj = await self.endpoint.post_json(_model_path(model, "countTokens"), body, model=model)
        count = obj.get("totalTokens") if isinstance(obj, dict) else None
        if not isinstance(count, int) or isinstance(count, bool):
            raise ResponseFormatError(f"countTokens answer has no totalTokens: {str(obj)[:200]}", provider=NAME)
        return count

    async def tokenize(self, text: str, model: str) -> list[Token]:
        """Not offered by the API (no token ids or offsets): the chain moves on to a local tokenizer."""
        raise ModelNotAvailable(
            model, provider=NAME, reason="the Gemini API counts tokens but returns no token ids or offsets"
        )

    # ---- introspection ---------------------------------------------------------------------------------

    async def _models(self) -> list[dict[str, Any]]:
        found: list[dict[str, Any]] = []
        token = ""
        for _ in range(50):  # pages of 1000; a bound, not an expectation
            page = f"{API_VERSION}/models?pageSize=1000" + (f"&pageToken={quote(token)}" if token else "")
            obj = await self.endpoint.get_json(page)
            models = obj.get("models") if isinstance(obj, dict) else None
            if not isinstance(models, list):
                raise ResponseFormatError(f"models list has no models: {str(obj)[:200]}", provider=NAME)
            found += [m for m in models if isinstance(m, dict) and m.get("name")]
            token = obj.get("nextPageToken") or ""
            if not token:
                break
        return found

    async def list_models(self) -> list[ModelInfo]:
        """The models of ``GET /v1beta/models`` (every page), or the configured list."""
        if self.models is not None:
            return [ModelInfo(m, NAME) for m in sorted(self.models)]
        return [model_info(raw) for raw in await self._models()]

    async def fetch_metadata(self, model: str) -> ModelMetadata:
        """``GET /v1beta/models/{model}``: limits and sampling defaults (the API states no prices)."""
        if self.models is not None and model not in self.models:
            raise ModelNotAvailable(model, provider=NAME, reason="not in providers.google.models")
        obj = await self.endpoint.get_json(f"{API_VERSION}/models/{quote(model_id(model), safe='.-_')}", model=model)
        if not isinstance(obj, dict) or not obj.get("name"):
            raise ResponseFormatError(f"model answer has no name: {str(obj)[:200]}", provider=NAME)
        return model_metadata(obj)

    async def model_status(self, model: str) -> ModelStatus:
        """Available when ``GET /v1beta/models/{model}`` knows the model."""
        try:
            await self.fetch_metadata(model)
        except (ModelNotAvailable, ModelNotFound):
            return ModelStatus(ModelStatusKind.UNAVAILABLE, "Gemini does not serve this model", NAME)
        except RatatoskrError as exc:
            return ModelStatus(ModelStatusKind.UNAVAILABLE, str(exc), NAME)
        return ModelStatus(ModelStatusKind.AVAILABLE, None, NAME)
