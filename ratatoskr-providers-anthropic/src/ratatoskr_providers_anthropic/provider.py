"""The Anthropic provider: chat, generate and token counting over the Messages API.

The codec lives in :mod:`._wire` and :mod:`._stream`; HTTP, deadlines and size caps in one
:class:`~ratatoskr.wire.endpoint.Endpoint`, whose errors :func:`._wire.classify_error` types. Building the
provider (every CLI start does) imports no httpx.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Iterable, Sequence
from contextlib import aclosing
from typing import TYPE_CHECKING

from ratatoskr.errors import ModelNotAvailable, ModelNotFound, RatatoskrError, ResponseFormatError, StreamError
from ratatoskr.generate_via_chat import generate_stream_via_chat, generate_via_chat
from ratatoskr.providers import PRIORITY_REMOTE
from ratatoskr.types.capability import Capability
from ratatoskr.types.chat import CHAT_PARAMETERS, ChatEvent, ChatOptions, ChatResponse, Message, ToolDefinition
from ratatoskr.types.generate import GenerateEvent, GenerateOptions, GenerateResponse
from ratatoskr.types.inference import Token
from ratatoskr.types.model import ModelInfo, ModelStatus, ModelStatusKind
from ratatoskr.wire.base import HttpProvider
from ratatoskr.wire.endpoint import Limits
from ratatoskr.wire.http import decode_json

from ratatoskr_providers_anthropic._constraints import parameter_problems
from ratatoskr_providers_anthropic._stream import AnthropicStreamDecoder
from ratatoskr_providers_anthropic._wire import (
    API_VERSION,
    DEFAULT_BASE_URL,
    DEFAULT_MAX_TOKENS,
    NAME,
    NOT_IN_MESSAGES_API,
    build_count_tokens_body,
    build_messages_body,
    classify_error,
    parse_message,
)

if TYPE_CHECKING:
    import httpx

__all__ = ["AnthropicProvider"]

#: Seconds to wait for an answer; long generations should stream. Connecting gets 10 s.
DEFAULT_TIMEOUT = 600.0
_CHAT_CAPABILITIES = (
    Capability.CHAT,
    Capability.CHAT_STREAMING,
    Capability.GENERATE,
    Capability.TOOL_USE,
    Capability.TOKENIZE,
)


class AnthropicProvider(HttpProvider):
    """Chat, generate and count_tokens through ``POST /v1/messages`` and ``/v1/messages/count_tokens``.

    One ``httpx.AsyncClient`` serves every call (pass ``client=`` to inject one, e.g. in tests; an injected
    client is not closed by :meth:`aclose`).
    """

    name = NAME
    supports_tools = True
    #: Anthropic has no seed, frequency/presence penalty or response_format: the gateway reports them.
    supported_parameters = CHAT_PARAMETERS - frozenset(NOT_IN_MESSAGES_API)

    def __init__(
        self,
        api_key: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        default_max_tokens: int = DEFAULT_MAX_TOKENS,
        timeout: float | None = None,
        limits: Limits | None = None,
        priority: int = PRIORITY_REMOTE,
        models: Iterable[str] | None = None,
        betas: Iterable[str] = (),
        client: httpx.AsyncClient | None = None,
    ) -> None:
        #: Beta features turned on with the ``anthropic-beta`` header (e.g. interleaved-thinking-2025-05-14).
        self.betas = tuple(betas)
        self.default_max_tokens = default_max_tokens
        self._api_key = api_key
        headers = {"x-api-key": api_key, "anthropic-version": API_VERSION, "content-type": "application/json"}
        if self.betas:
            headers["anthropic-beta"] = ",".join(self.betas)
        if timeout is None and limits is None:
            timeout = DEFAULT_TIMEOUT  # a given ``limits`` carries its own timeout
        super().__init__(
            base_url, headers=headers, classify=classify_error, client=client, timeout=timeout, limits=limits,
            priority=priority, models=models,
        )  # fmt: skip

    #: The values it cannot take (temperature above 1, a forced tool_choice with thinking), for the validation stage.
    parameter_problems = staticmethod(parameter_problems)

    # ---- chat ------------------------------------------------------------------------------------------

    async def chat(
        self, messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
    ) -> ChatResponse:
        body, plan = build_messages_body(messages, tools, options, default_max_tokens=self.default_max_tokens)
        obj = await self.endpoint.post_json("v1/messages", body, model=options.model)
        return parse_message(obj, model=options.model, hide_reasoning=plan.hide)

    async def chat_stream(
        self, messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
    ) -> AsyncGenerator[ChatEvent, None]:
        body, plan = build_messages_body(
            messages, tools, options, default_max_tokens=self.default_max_tokens, stream=True
        )
        model = options.model
        decoder = AnthropicStreamDecoder(
            model, hide_reasoning=plan.hide, on_error=lambda obj: self.endpoint.stream_error(obj, model=model)
        )
        async with aclosing(self.endpoint.stream_sse("v1/messages", body, model=model)) as events:
            async for sse in events:
                # Read on after message_stop (nothing should follow) so the body is consumed and the
                # connection closes cleanly; the decoder ignores anything late.
                for event in decoder.feed(decode_json(sse.data, provider=NAME, what="stream event data")):
                    yield event
        if not decoder.finished:
            raise StreamError("Anthropic stream ended before message_stop", provider=NAME)

    # ---- generate (a one-message chat) -----------------------------------------------------------------

    async def generate(self, prompt: str, options: GenerateOptions) -> GenerateResponse:
        return await generate_via_chat(self, prompt, options)

    def generate_stream(self, prompt: str, options: GenerateOptions) -> AsyncIterator[GenerateEvent]:
        return generate_stream_via_chat(self, prompt, options)

    # ---- tokens ----------------------------------------------------------------------------------------

    async def count_tokens(self, text: str, model: str) -> int:
        """Exact input token count from ``POST /v1/messages/count_tokens`` (the text as one user message)."""
        obj = await self.endpoint.post_json(
            "v1/messages/count_tokens", build_count_tokens_body(text, model), model=model
        )
        count = obj.get("input_tokens") if isinstance(obj, dict) else None
        if not isinstance(count, int):
            raise ResponseFormatError(f"count_tokens answer has no input_tokens: {str(obj)[:200]}", provider=NAME)
        return count

    async def tokenize(self, text: str, model: str) -> list[Token]:
        """Not offered by the API (no token ids or offsets): the chain moves on to a local tokenizer."""
        raise ModelNotAvailable(
            model,
            provider=NAME,
            reason="the Anthropic API counts tokens but returns no token ids or offsets; "
            "a local tokenizer serves tokenize",
        )

    # ---- introspection ---------------------------------------------------------------------------------

    async def list_models(self) -> list[ModelInfo]:
        """The models of ``GET /v1/models`` (first page of up to 1000), or the configured list."""
        if self.models is not None:
            return [_info(m) for m in sorted(self.models)]
        obj = await self.endpoint.get_json("v1/models?limit=1000")
        data = obj.get("data") if isinstance(obj, dict) else None
        return [_info(str(item["id"])) for item in data or [] if isinstance(item, dict) and item.get("id")]

    async def model_status(self, model: str) -> ModelStatus:
        """``GET /v1/models/{model}``: available when Anthropic knows the model."""
        if self.models is not None and model not in self.models:
            return ModelStatus(ModelStatusKind.UNAVAILABLE, "not in providers.anthropic.models", NAME)
        try:
            await self.endpoint.get_json(f"v1/models/{model}", model=model)
        except (ModelNotAvailable, ModelNotFound):
            return ModelStatus(ModelStatusKind.UNAVAILABLE, "Anthropic does not know this model", NAME)
        except RatatoskrError as exc:
            return ModelStatus(ModelStatusKind.UNAVAILABLE, str(exc), NAME)
        return ModelStatus(ModelStatusKind.AVAILABLE, None, NAME)


def _info(model: str) -> ModelInfo:
    return ModelInfo(model, NAME, _CHAT_CAPABILITIES)
