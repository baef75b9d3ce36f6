"""The plumbing an OpenAI-compatible chat provider needs, shared by the OpenAI and OpenRouter providers.

:class:`OpenAICompatibleClient` holds the base URL, the headers and one ``httpx.AsyncClient`` (injected, or
made on first use and closed by :meth:`aclose`), and implements ``chat``, ``chat_stream``, ``generate`` and
``generate_stream`` (through chat completions, the prompt as one user message) and ``list_models``.
A provider subclasses it, sets ``name``/``reasoning_dialect``/``supported_parameters`` and adds its own
capabilities.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Mapping, Sequence
from contextlib import aclosing
from typing import Any, ClassVar

import httpx

from ratatoskr.errors import EmptyResponse, ModelNotAvailable, ModelNotFound
from ratatoskr.generate_via_chat import generate_stream_via_chat, generate_via_chat
from ratatoskr.providers import PRIORITY_REMOTE
from ratatoskr.types import (
    ChatEvent,
    ChatOptions,
    ChatResponse,
    GenerateEvent,
    GenerateOptions,
    GenerateResponse,
    Message,
    ModelCapability,
    ModelInfo,
    ModelStatus,
    ModelStatusKind,
    ToolDefinition,
)
from ratatoskr.wire.client import OwnedClient
from ratatoskr.wire.http import send_json, stream_bytes
from ratatoskr.wire.openai_chat import ChunkDecoder, ReasoningDialect, build_request, chat_events, parse_response

__all__ = ["CHAT_PARAMETERS", "GENERATE_PARAMETERS", "OpenAICompatibleClient", "default_timeout"]

#: Every chat option the OpenAI codec can encode.
CHAT_PARAMETERS = frozenset(
    {
        "temperature", "max_tokens", "top_p", "top_k", "stop", "frequency_penalty", "presence_penalty", "seed",
        "tool_choice", "parallel_tool_calls", "response_format", "reasoning", "cache_prompt",
    }
)  # fmt: skip
#: The generate options (a subset of the chat ones).
GENERATE_PARAMETERS = frozenset(
    {
        "temperature",
        "max_tokens",
        "top_p",
        "top_k",
        "stop",
        "frequency_penalty",
        "presence_penalty",
        "seed",
        "reasoning",
    }
)


def default_timeout(read: float = 300.0) -> httpx.Timeout:
    """Generous read timeout (long generations stream slowly), short connect timeout."""
    return httpx.Timeout(connect=10.0, read=read, write=30.0, pool=30.0)


class OpenAICompatibleClient:
    """Chat and generate over ``POST {base_url}/chat/completions``; models from ``GET {base_url}/models``."""

    name: str = "openai"
    reasoning_dialect: ClassVar[ReasoningDialect] = "openai"
    supports_tools = True
    #: An endpoint serving a subset of the world's models says 404 for the others: "not served here"
    #: (ModelNotAvailable, the chain moves on) rather than "does not exist" (ModelNotFound, it stops).
    not_found_means_not_served: ClassVar[bool] = False

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str | None = None,
        client: httpx.AsyncClient | None = None,
        name: str | None = None,
        priority: int = PRIORITY_REMOTE,
        models: Sequence[str] | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: httpx.Timeout | None = None,
        supported_parameters: frozenset[str] = CHAT_PARAMETERS - {"cache_prompt"},
        max_tokens_field: str = "max_tokens",
        stream_usage: bool = True,
    ) -> None:
        if name is not None:
            self.name = name
        self.base_url = base_url.rstrip("/")
        self.priority = priority
        self.models: frozenset[str] | None = frozenset(models) if models is not None else None
        self.supported_parameters = supported_parameters
        self.max_tokens_field = max_tokens_field
        self.stream_usage = stream_usage
        self._headers = {"accept": "application/json", **(headers or {})}
        if api_key:
            self._headers["authorization"] = f"Bearer {api_key}"
        self._http = OwnedClient(client, timeout or default_timeout())

    # plumbing ---------------------------------------------------------------------------------------------

    @property
    def client(self) -> httpx.AsyncClient:
        return self._http.get()

    def url(self, path: str) -> str:
        return f"{self.base_url}/{path.lstrip('/')}"

    @property
    def headers(self) -> dict[str, str]:
        return self._headers

    def check_model(self, model: str) -> None:
        if self.models is not None and model not in self.models:
            raise ModelNotAvailable(model, provider=self.name, reason="not in this provider's `models` list")

    def chat_body(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolDefinition] | None,
        options: ChatOptions,
        *,
        stream: bool,
    ) -> dict[str, Any]:
        return build_request(
            messages, tools, options, stream=stream, supported=self.supported_parameters,
            reasoning_dialect=self.reasoning_dialect, max_tokens_field=self.max_tokens_field,
            stream_usage=self.stream_usage, provider=self.name,
        )  # fmt: skip

    @staticmethod
    def _exclude_reasoning(options: ChatOptions) -> bool:
        return bool(options.reasoning and options.reasoning.exclude_from_output)

    def not_found(self, exc: ModelNotFound, model: str) -> ModelNotFound | ModelNotAvailable:
        """The error for a 404 model (see ``not_found_means_not_served``)."""
        if self.not_found_means_not_served:
            return ModelNotAvailable(model, provider=self.name, reason=str(exc))
        return exc

    async def aclose(self) -> None:
        await self._http.aclose()

    # chat -----------------------------------------------------------------------------------------------

    async def chat(
        self, messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
    ) -> ChatResponse:
        self.check_model(options.model)
        body = self.chat_body(messages, tools, options, stream=False)
        try:
            answer = await send_json(
                self.client, "POST", self.url("chat/completions"), json=body, headers=self._headers,
                provider=self.name, model=options.model,
            )  # fmt: skip
        except ModelNotFound as exc:
            raise self.not_found(exc, options.model) from exc
        return parse_response(answer, provider=self.name, exclude_reasoning=self._exclude_reasoning(options))

    async def chat_stream(
        self, messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
    ) -> AsyncGenerator[ChatEvent, None]:
        self.check_model(options.model)
        body = self.chat_body(messages, tools, options, stream=True)
        decoder = ChunkDecoder(
            provider=self.name, model=options.model, exclude_reasoning=self._exclude_reasoning(options)
        )
        body_chunks = stream_bytes(
            self.client, "POST", self.url("chat/completions"), json=body, headers=self._headers,
            provider=self.name, model=options.model,
        )  # fmt: skip
        try:
            async with aclosing(chat_events(body_chunks, decoder)) as events:
                async for event in events:
                    yield event
        except ModelNotFound as exc:
            raise self.not_found(exc, options.model) from exc

    # generate (through chat completions) ----------------------------------------------------------------

    async def generate(self, prompt: str, options: GenerateOptions) -> GenerateResponse:
        return await generate_via_chat(self, prompt, options)

    def generate_stream(self, prompt: str, options: GenerateOptions) -> AsyncIterator[GenerateEvent]:
        return generate_stream_via_chat(self, prompt, options)

    # introspection ----------------------------------------------------------------------------------------

    async def fetch_models(self) -> list[dict[str, Any]]:
        """The raw ``data`` list of ``GET /models``."""
        answer = await send_json(self.client, "GET", self.url("models"), headers=self._headers, provider=self.name)
        data = answer.get("data") if isinstance(answer, dict) else answer
        if not isinstance(data, list):
            raise EmptyResponse(f"{self.name}: /models returned no model list", provider=self.name)
        return [item for item in data if isinstance(item, dict) and item.get("id")]

    async def list_models(self) -> list[ModelInfo]:
        caps = (ModelCapability.CHAT, ModelCapability.CHAT_STREAMING, ModelCapability.GENERATE)
        return [
            ModelInfo(item["id"], self.name, caps, item.get("context_length") or item.get("max_model_len"))
            for item in await self.fetch_models()
            if self.models is None or item["id"] in self.models
        ]

    async def model_status(self, model: str) -> ModelStatus:
        served = {info.id for info in await self.list_models()}
        if model in served:
            return ModelStatus(ModelStatusKind.AVAILABLE, None, self.name)
        return ModelStatus(ModelStatusKind.UNAVAILABLE, f"{model} is not listed by {self.base_url}/models", self.name)
