"""The OpenAI-compatible provider: chat, generate and embeddings against any OpenAI-style endpoint.

OpenAI itself, vLLM, llama.cpp's server, LM Studio, LocalAI, …: ``base_url`` says where (default
``https://api.openai.com/v1``); the key is optional (local servers need none). API reference:
https://platform.openai.com/docs/api-reference/chat, .../completions, .../embeddings, .../models.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from contextlib import aclosing
from typing import TYPE_CHECKING, Any, ClassVar, Literal, cast
from urllib.parse import urlsplit

from ratatoskr.errors import InvalidInput, ResponseFormatError
from ratatoskr.providers import PRIORITY_REMOTE
from ratatoskr.types.generate import GenerateDone, GenerateEvent, GenerateOptions, GenerateResponse, TextEvent
from ratatoskr.types.inference import Embedding
from ratatoskr.wire.endpoint import Endpoint, Limits
from ratatoskr.wire.http import decode_json
from ratatoskr.wire.openai_chat import finish_reason, usage_from
from ratatoskr.wire.openai_client import CHAT_PARAMETERS, GENERATE_PARAMETERS, OpenAICompatibleClient

from ratatoskr_providers_openai._wire import (
    completions_request,
    completions_response,
    completions_text,
    embeddings_request,
    embeddings_values,
)

if TYPE_CHECKING:
    import httpx

__all__ = ["DEFAULT_BASE_URL", "OpenAIProvider"]

DEFAULT_BASE_URL = "https://api.openai.com/v1"
DEFAULT_EMBED_BATCH = 512


def _is_openai(base_url: str) -> bool:
    return urlsplit(base_url).hostname == "api.openai.com"


class OpenAIProvider(OpenAICompatibleClient):
    """One OpenAI-compatible endpoint. Several can be configured, each with its own ``name``.

    A 404 for a model means "not served here" (:class:`ModelNotAvailable`, the chain moves on): such an
    endpoint serves a subset of the models in the world.
    """

    not_found_means_not_served: ClassVar[bool] = True

    def __init__(
        self,
        *,
        base_url: str = DEFAULT_BASE_URL,
        api_key: str | None = None,
        client: httpx.AsyncClient | None = None,
        name: str = "openai",
        priority: int = PRIORITY_REMOTE,
        models: Sequence[str] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | httpx.Timeout | None = None,
        limits: Limits | None = None,
        supported_parameters: frozenset[str] | None = None,
        max_tokens_field: str | None = None,
        generate_endpoint: Literal["chat", "completions"] = "chat",
        embed_batch_size: int = DEFAULT_EMBED_BATCH,
        embed_dimensions: int | None = None,
        stream_usage: bool = True,
    ) -> None:
        official = _is_openai(base_url)
        if supported_parameters is None:
            # OpenAI rejects top_k; vLLM, llama.cpp and LM Studio take it. Nobody here takes cache_prompt.
            supported_parameters = CHAT_PARAMETERS - {"cache_prompt"} - ({"top_k"} if official else set())
        if generate_endpoint not in ("chat", "completions"):
            raise InvalidInput(f"generate_endpoint must be 'chat' or 'completions', got {generate_endpoint!r}")
        if embed_batch_size < 1:
            raise InvalidInput(f"embed_batch_size must be at least 1, got {embed_batch_size}")
        super().__init__(
            base_url=base_url, api_key=api_key, client=client, name=name, priority=priority, models=models,
            headers=headers, timeout=timeout, limits=limits, supported_parameters=supported_parameters,
            # OpenAI's reasoning models take only max_completion_tokens; most other servers only max_tokens.
            max_tokens_field=max_tokens_field or ("max_completion_tokens" if official else "max_tokens"),
            stream_usage=stream_usage,
        )  # fmt: skip
        self.generate_endpoint = generate_endpoint
        self.embed_batch_size = embed_batch_size
        self.embed_dimensions = embed_dimensions
        #: What generate takes (the dispatcher's validation reads it): the /completions endpoint has no reasoning.
        self.generate_parameters = GENERATE_PARAMETERS & supported_parameters - (
            {"reasoning"} if generate_endpoint == "completions" else set()
        )

    # generate: chat completions, or the legacy /completions endpoint --------------------------------------

    def _completions_body(self, prompt: str, options: GenerateOptions, *, stream: bool) -> dict[str, Any]:
        """The legacy ``/completions`` request body, once the model is known to be served here."""
        self.check_model(options.model)
        return completions_request(
            prompt,
            options,
            stream=stream,
            provider=self.name,
            stream_usage=self.stream_usage,
        )

    async def generate(self, prompt: str, options: GenerateOptions) -> GenerateResponse:
        if self.generate_endpoint == "chat":
            return await super().generate(prompt, options)
        body = self._completions_body(prompt, options, stream=False)
        answer = await self.endpoint.post_json("completions", body, model=options.model)
        return completions_response(answer, provider=self.name)

    async def generate_stream(self, prompt: str, options: GenerateOptions) -> AsyncGenerator[GenerateEvent, None]:
        if self.generate_endpoint == "chat":
            # The base returns an async generator typed as the protocol's AsyncIterator; aclosing needs its aclose().
            chat_events = cast("AsyncGenerator[GenerateEvent, None]", super().generate_stream(prompt, options))
            async with aclosing(chat_events) as events:
                async for event in events:
                    yield event
            return
        body = self._completions_body(prompt, options, stream=True)
        reason, usage, model, done = None, None, options.model, False
        sse = self.endpoint.stream_sse("completions", body, model=options.model)
        async with aclosing(sse) as server_events:
            async for server_event in server_events:
                if done or server_event.data == "[DONE]":
                    done = True  # read on to the end of the body (see ratatoskr.wire.openai_chat.chat_events)
                    continue
                chunk = _json_chunk(server_event.data, self.endpoint)
                model = chunk.get("model") or model
                usage = usage_from(chunk.get("usage")) or usage
                text, chunk_reason = completions_text(chunk, self.name)
                reason = chunk_reason or reason
                if text:
                    yield TextEvent(text)
        yield GenerateDone(reason or finish_reason("stop"), usage, model, self.name)

    # embeddings --------------------------------------------------------------------------------------------

    async def embed(self, text: str, model: str) -> Embedding:
        (embedding,) = await self.embed_batch([text], model)
        return embedding

    async def embed_batch(self, texts: Sequence[str], model: str) -> list[Embedding]:
        """Embeds in batches of ``embed_batch_size`` inputs, one request each, keeping the input order."""
        self.check_model(model)
        out: list[Embedding] = []
        for start in range(0, len(texts), self.embed_batch_size):
            batch = list(texts[start : start + self.embed_batch_size])
            body = embeddings_request(batch, model, self.embed_dimensions)
            answer = await self.endpoint.post_json("embeddings", body, model=model)
            out += embeddings_values(answer, expected=len(batch), model=model, provider=self.name)
        return out


def _json_chunk(data: str, endpoint: Endpoint) -> dict[str, Any]:
    provider = endpoint.provider
    chunk = decode_json(data, provider=provider, what="stream chunk")
    if not isinstance(chunk, dict):
        raise ResponseFormatError(f"{provider}: stream chunk is not an object: {data[:200]!r}", provider=provider)
    if chunk.get("error") is not None:
        raise endpoint.stream_error(chunk)
    return chunk
