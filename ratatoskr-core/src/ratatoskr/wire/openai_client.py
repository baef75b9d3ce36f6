"""The plumbing an OpenAI-compatible chat provider needs, shared by the OpenAI and OpenRouter providers.

:class:`OpenAICompatibleClient` talks through one :class:`~ratatoskr.wire.endpoint.Endpoint` (base URL,
headers, client, deadlines, and :meth:`~OpenAICompatibleClient.classify_error` as its error classifier) and
implements ``chat``, ``chat_stream``, ``generate`` and ``generate_stream`` (through chat completions, the
prompt as one user message) and ``list_models``. A provider subclasses it, sets ``name``/``reasoning_dialect``/
``supported_parameters`` and adds its own capabilities.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Mapping, Sequence
from contextlib import aclosing
from typing import TYPE_CHECKING, Any, ClassVar

import attrs

from ratatoskr.errors import EmptyResponse, ModelNotAvailable, ModelNotFound, RatatoskrError
from ratatoskr.generate_via_chat import generate_stream_via_chat, generate_via_chat
from ratatoskr.providers import PRIORITY_REMOTE
from ratatoskr.types.capability import Capability
from ratatoskr.types.chat import CHAT_PARAMETERS as _CHAT_PARAMETERS
from ratatoskr.types.chat import ChatEvent, ChatOptions, ChatResponse, Message, SamplingOptions, ToolDefinition
from ratatoskr.types.generate import GENERATE_PARAMETERS as _GENERATE_PARAMETERS
from ratatoskr.types.generate import GenerateEvent, GenerateOptions, GenerateResponse
from ratatoskr.types.model import ModelInfo, ModelStatus, ModelStatusKind
from ratatoskr.types.parameter import ParameterProblem
from ratatoskr.wire.base import HttpProvider
from ratatoskr.wire.endpoint import Limits
from ratatoskr.wire.failure import HttpFailure, generic_error
from ratatoskr.wire.openai_chat import ChunkDecoder, ReasoningDialect, SSEChatReader, build_request, parse_response
from ratatoskr.wire.openai_errors import classify_openai_error

if TYPE_CHECKING:
    import httpx

__all__ = ["CHAT_PARAMETERS", "GENERATE_PARAMETERS", "OpenAICompatibleClient"]

#: Every chat option the OpenAI codec can encode, and the generate ones (from the option classes' fields).
CHAT_PARAMETERS = _CHAT_PARAMETERS
GENERATE_PARAMETERS = _GENERATE_PARAMETERS


def _seconds(timeout: float | httpx.Timeout | None) -> float | None:
    """Seconds from a number or (older callers) an ``httpx.Timeout``, whose read value becomes the deadline."""
    if timeout is None or isinstance(timeout, int | float):
        return timeout
    return timeout.read


class OpenAICompatibleClient(HttpProvider):
    """Chat and generate over ``POST {base_url}/chat/completions``; models from ``GET {base_url}/models``."""

    name = "openai"
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
        timeout: float | httpx.Timeout | None = None,
        limits: Limits | None = None,
        supported_parameters: frozenset[str] = CHAT_PARAMETERS - {"cache_prompt"},
        max_tokens_field: str = "max_tokens",
        stream_usage: bool = True,
    ) -> None:
        self.supported_parameters = supported_parameters
        self.max_tokens_field = max_tokens_field
        self.stream_usage = stream_usage
        all_headers = {"accept": "application/json", **(headers or {})}
        if api_key:
            all_headers["authorization"] = f"Bearer {api_key}"
        super().__init__(
            base_url, headers=all_headers, classify=self.classify_error, client=client, timeout=_seconds(timeout),
            limits=limits, priority=priority, models=models, name=name,
        )  # fmt: skip

    def classify_error(self, failure: HttpFailure) -> RatatoskrError:
        """This server's error for a failure: the OpenAI codes and messages, then the status; a missing model
        is "not served here" when ``not_found_means_not_served``. Subclasses add their service's own cases."""
        error = classify_openai_error(failure) or generic_error(failure)
        if self.not_found_means_not_served and isinstance(error, ModelNotFound) and failure.model:
            return ModelNotAvailable(failure.model, provider=self.name, reason=str(error))
        return error

    def parameter_problems(self, options: SamplingOptions) -> list[ParameterProblem]:
        """The reasoning configs this server cannot take (the validation stage applies the policy): an
        OpenAI-compatible server has no reasoning token budget (only ``reasoning_effort``); OpenRouter takes an
        effort or a budget, not both. Under ``warn`` the effort is kept and the budget dropped."""
        config = options.reasoning
        if config is None or config.max_tokens is None:
            return []
        if self.reasoning_dialect == "openrouter":
            if config.effort is None:
                return []
            reason = "OpenRouter takes a reasoning effort or max_tokens, not both"
        else:
            reason = "an OpenAI-compatible server takes reasoning_effort, not a token budget"
        kept = attrs.evolve(config, max_tokens=None) if config.effort is not None else None
        return [ParameterProblem("reasoning", reason, kept)]

    # plumbing ---------------------------------------------------------------------------------------------

    @property
    def headers(self) -> dict[str, str]:
        """The headers sent with every request."""
        return self.endpoint.headers

    def chat_body(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolDefinition] | None,
        options: ChatOptions,
        *,
        stream: bool,
    ) -> dict[str, Any]:
        return build_request(
            messages, tools, options, stream=stream,
            reasoning_dialect=self.reasoning_dialect, max_tokens_field=self.max_tokens_field,
            stream_usage=self.stream_usage,
        )  # fmt: skip

    @staticmethod
    def _exclude_reasoning(options: ChatOptions) -> bool:
        return bool(options.reasoning and options.reasoning.exclude_from_output)

    # chat -----------------------------------------------------------------------------------------------

    async def chat(
        self, messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
    ) -> ChatResponse:
        self.check_model(options.model)
        body = self.chat_body(messages, tools, options, stream=False)
        answer = await self.endpoint.post_json("chat/completions", body, model=options.model)
        hide = self._exclude_reasoning(options)
        return parse_response(answer, provider=self.name, exclude_reasoning=hide, classifier=self.classify_error)

    async def chat_stream(
        self, messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
    ) -> AsyncGenerator[ChatEvent, None]:
        self.check_model(options.model)
        body = self.chat_body(messages, tools, options, stream=True)
        decoder = ChunkDecoder(
            provider=self.name, model=options.model, exclude_reasoning=self._exclude_reasoning(options),
            classifier=self.classify_error,
        )  # fmt: skip
        # sse_chat_events, inline: one generator layer per event fewer on the hot path (bench/bench_chat.py).
        reader = SSEChatReader(decoder)
        async with aclosing(self.endpoint.stream_sse("chat/completions", body, model=options.model)) as events:
            async for event in events:
                for item in reader.items(event):
                    yield item
        for item in reader.finish():
            yield item

    # generate (through chat completions) ----------------------------------------------------------------

    async def generate(self, prompt: str, options: GenerateOptions) -> GenerateResponse:
        return await generate_via_chat(self, prompt, options)

    def generate_stream(self, prompt: str, options: GenerateOptions) -> AsyncIterator[GenerateEvent]:
        return generate_stream_via_chat(self, prompt, options)

    # introspection ----------------------------------------------------------------------------------------

    async def fetch_models(self) -> list[dict[str, Any]]:
        """The raw ``data`` list of ``GET /models``."""
        answer = await self.endpoint.get_json("models")
        data = answer.get("data") if isinstance(answer, dict) else answer
        if not isinstance(data, list):
            raise EmptyResponse(f"{self.name}: /models returned no model list", provider=self.name)
        return [item for item in data if isinstance(item, dict) and item.get("id")]

    async def list_models(self) -> list[ModelInfo]:
        caps = (Capability.CHAT, Capability.CHAT_STREAMING, Capability.GENERATE)
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
