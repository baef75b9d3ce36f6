"""The Ollama provider: chat, generate, embeddings and model listing over Ollama's native API.

It talks through one :class:`~ratatoskr.wire.endpoint.Endpoint` (which imports httpx only on first use, so
building the provider, which every CLI start does, stays cheap); errors are classified by
:func:`._wire.classify_error`.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Sequence
from contextlib import aclosing
from functools import partial
from typing import TYPE_CHECKING, Any

from ratatoskr.errors import RatatoskrError, ResponseFormatError, StreamError
from ratatoskr.providers import PRIORITY_REMOTE
from ratatoskr.types.capability import Capability
from ratatoskr.types.chat import CHAT_PARAMETERS, ChatEvent, ChatOptions, ChatResponse, Message, ToolDefinition
from ratatoskr.types.generate import GenerateDone, GenerateEvent, GenerateOptions, GenerateResponse, TextEvent
from ratatoskr.types.inference import Embedding
from ratatoskr.types.model import ModelInfo, ModelStatus, ModelStatusKind
from ratatoskr.wire.base import HttpProvider
from ratatoskr.wire.endpoint import Limits

from ratatoskr_providers_ollama._stream import OllamaChatDecoder
from ratatoskr_providers_ollama._wire import (
    DEFAULT_BASE_URL,
    NAME,
    build_chat_body,
    build_embed_body,
    build_generate_body,
    classify_error,
    finish_reason,
    parse_chat,
    usage_from,
)

if TYPE_CHECKING:
    import httpx

__all__ = ["OllamaProvider"]

#: Seconds to wait for an answer (a first call may load the model from disk). Connecting gets 10 s.
DEFAULT_TIMEOUT = 600.0
DEFAULT_EMBED_BATCH = 64
_CHAT = (
    Capability.CHAT,
    Capability.CHAT_STREAMING,
    Capability.GENERATE,
    Capability.LOCAL_INFERENCE,
)
_EMBED = (Capability.EMBED, Capability.LOCAL_INFERENCE)


def _same_model(a: str, b: str) -> bool:
    """``llama3`` and ``llama3:latest`` name the same model."""
    return (a if ":" in a else a + ":latest") == (b if ":" in b else b + ":latest")


class OllamaProvider(HttpProvider):
    """Chat, generate, embeddings and model listing from one Ollama server.

    A model that is not pulled on the server raises ModelNotAvailable (naming ``ollama pull MODEL``), so the
    request moves on to the next provider. One ``httpx.AsyncClient`` serves every call (``client=`` injects
    one; an injected client is not closed by :meth:`aclose`).
    """

    name = NAME
    supports_tools = True
    #: Ollama has no tool_choice, parallel_tool_calls switch or prompt cache flag: the gateway reports them.
    supported_parameters = CHAT_PARAMETERS - frozenset({"cache_prompt", "tool_choice", "parallel_tool_calls"})

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        keep_alive: str | int | None = None,
        timeout: float | None = None,
        limits: Limits | None = None,
        embed_batch_size: int = DEFAULT_EMBED_BATCH,
        priority: int = PRIORITY_REMOTE,
        models: Iterable[str] | None = None,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.keep_alive = keep_alive
        self.embed_batch_size = embed_batch_size
        classify = partial(classify_error, base_url=base_url.rstrip("/"))
        if timeout is None and limits is None:
            timeout = DEFAULT_TIMEOUT  # a given ``limits`` carries its own timeout
        super().__init__(
            base_url, classify=classify, client=client, timeout=timeout, limits=limits, priority=priority, models=models
        )

    async def _stream(self, path: str, body: dict[str, Any], model: str) -> AsyncGenerator[Any, None]:
        """The NDJSON objects of a streamed answer; an ``{"error": ...}`` object raises the typed error."""
        async with aclosing(self.endpoint.stream_ndjson(path, body, model=model)) as objects:
            async for obj in objects:
                if isinstance(obj, dict) and "error" in obj:
                    raise self.endpoint.stream_error(obj, model=model)
                yield obj

    # ---- chat -----------------------------------------------------------------------------------------------

    def _hide(self, options: ChatOptions | GenerateOptions) -> bool:
        return bool(options.reasoning and options.reasoning.exclude_from_output)

    async def chat(
        self, messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
    ) -> ChatResponse:
        body = build_chat_body(messages, tools, options, keep_alive=self.keep_alive)
        obj = await self.endpoint.post_json("api/chat", body, model=options.model)
        return parse_chat(obj, model=options.model, hide_reasoning=self._hide(options))

    async def chat_stream(
        self, messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
    ) -> AsyncGenerator[ChatEvent, None]:
        body = build_chat_body(messages, tools, options, keep_alive=self.keep_alive, stream=True)
        decoder = OllamaChatDecoder(options.model, hide_reasoning=self._hide(options))
        async with aclosing(self._stream("api/chat", body, options.model)) as objects:
            async for obj in objects:  # read to the end (done is last) so the connection closes cleanly
                for event in decoder.feed(obj):
                    yield event
        if not decoder.finished:
            raise StreamError("Ollama stream ended before its done object", provider=NAME)

    # ---- generate -------------------------------------------------------------------------------------------

    async def generate(self, prompt: str, options: GenerateOptions) -> GenerateResponse:
        body = build_generate_body(prompt, options, keep_alive=self.keep_alive)
        obj = await self.endpoint.post_json("api/generate", body, model=options.model)
        if not isinstance(obj, dict) or not isinstance(obj.get("response", ""), str):
            raise ResponseFormatError(f"Ollama generate answer has no response text: {str(obj)[:200]}", provider=NAME)
        return GenerateResponse(
            obj.get("response", ""),
            usage_from(obj),
            finish_reason(obj.get("done_reason"), False),
            obj.get("model") or options.model,
            NAME,
        )

    async def generate_stream(self, prompt: str, options: GenerateOptions) -> AsyncIterator[GenerateEvent]:
        body = build_generate_body(prompt, options, keep_alive=self.keep_alive, stream=True)
        done: GenerateDone | None = None
        async with aclosing(self._stream("api/generate", body, options.model)) as objects:
            async for obj in objects:  # read to the end (done is last) so the connection closes cleanly
                if done is not None:
                    continue
                if not isinstance(obj, dict):
                    raise ResponseFormatError(
                        f"Ollama stream object is not a JSON object: {str(obj)[:200]}", provider=NAME
                    )
                if obj.get("response"):
                    yield TextEvent(str(obj["response"]))
                if obj.get("done"):
                    reason = finish_reason(obj.get("done_reason"), False)
                    done = GenerateDone(reason, usage_from(obj), obj.get("model") or options.model, NAME)
        if done is None:
            raise StreamError("Ollama stream ended before its done object", provider=NAME)
        yield done

    # ---- embeddings ---------------------------------------------------------------------------------------

    async def embed(self, text: str, model: str) -> Embedding:
        return (await self.embed_batch([text], model))[0]

    async def embed_batch(self, texts: Sequence[str], model: str) -> list[Embedding]:
        """``POST /api/embed`` in batches of ``embed_batch_size`` inputs."""
        out: list[Embedding] = []
        for start in range(0, len(texts), self.embed_batch_size):
            batch = texts[start : start + self.embed_batch_size]
            body = build_embed_body(batch, model, keep_alive=self.keep_alive)
            obj = await self.endpoint.post_json("api/embed", body, model=model)
            vectors = obj.get("embeddings") if isinstance(obj, dict) else None
            if not isinstance(vectors, list) or len(vectors) != len(batch):
                raise ResponseFormatError(
                    f"Ollama returned {len(vectors) if isinstance(vectors, list) else 'no'} embeddings for "
                    f"{len(batch)} inputs",
                    provider=NAME,
                )
            # prompt_eval_count counts the whole request: one input's count only when the batch had one input
            count = obj.get("prompt_eval_count") if len(batch) == 1 else None
            tokens = count if isinstance(count, int) and not isinstance(count, bool) and count >= 0 else None
            out += [Embedding(v, model, NAME, input_tokens=tokens) for v in vectors]
        return out

    # ---- introspection --------------------------------------------------------------------------------------

    async def _tags(self) -> list[dict[str, Any]]:
        obj = await self.endpoint.get_json("api/tags")
        models = obj.get("models") if isinstance(obj, dict) else None
        if not isinstance(models, list):
            raise ResponseFormatError(f"/api/tags answer has no models list: {str(obj)[:200]}", provider=NAME)
        return [m for m in models if isinstance(m, dict) and (m.get("name") or m.get("model"))]

    async def list_models(self) -> list[ModelInfo]:
        """The models pulled on the server (``GET /api/tags``). Models of a BERT family are listed as
        embedding models, the others as chat models (the tag list says no more)."""
        infos: list[ModelInfo] = []
        for entry in await self._tags():
            details = entry.get("details") or {}
            families = [details.get("family"), *(details.get("families") or [])]
            embedder = any(isinstance(f, str) and "bert" in f for f in families)
            caps = _EMBED if embedder else _CHAT
            infos.append(ModelInfo(str(entry.get("name") or entry["model"]), NAME, caps))
        return infos

    async def model_status(self, model: str) -> ModelStatus:
        """Available when pulled; unavailable (with the reason) when not pulled or the server is unreachable."""
        try:
            entries = await self._tags()
        except RatatoskrError as exc:
            return ModelStatus(ModelStatusKind.UNAVAILABLE, f"Ollama at {self.base_url}: {exc}", NAME)
        if any(_same_model(model, str(e.get("name") or e.get("model"))) for e in entries):
            return ModelStatus(ModelStatusKind.AVAILABLE, None, NAME)
        return ModelStatus(ModelStatusKind.UNAVAILABLE, f"not pulled (run `ollama pull {model}`)", NAME)
