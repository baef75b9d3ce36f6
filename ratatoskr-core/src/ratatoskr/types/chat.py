"""Chat types: messages, tools, options, responses and stream events."""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable
from typing import Any, Self, TypeAlias

import attrs
from attrs import field, frozen

from ratatoskr.errors import InvalidInput
from ratatoskr.types import _convert
from ratatoskr.types._validate import in_range, non_empty_str
from ratatoskr.types.model import Cost
from ratatoskr.types.parameter import ParameterName

__all__ = [
    "CHAT_PARAMETERS",
    "ChatEvent",
    "ChatOptions",
    "ChatResponse",
    "ContentEvent",
    "DoneEvent",
    "FinishReason",
    "Message",
    "ReasoningConfig",
    "ReasoningBlock",
    "ReasoningEffort",
    "ReasoningEvent",
    "ResponseFormat",
    "Role",
    "SamplingOptions",
    "ToolCall",
    "ToolCallDelta",
    "ToolCallEnd",
    "ToolCallStart",
    "ToolChoice",
    "ToolDefinition",
    "Usage",
    "UsageEvent",
]


class Role(enum.StrEnum):
    """Who wrote a message."""

    SYSTEM = "system"
    USER = "user"
    ASSISTANT = "assistant"
    TOOL = "tool"


class FinishReason(enum.StrEnum):
    """Why the model stopped."""

    STOP = "stop"
    LENGTH = "length"
    TOOL_CALLS = "tool_calls"
    CONTENT_FILTER = "content_filter"


class ReasoningEffort(enum.StrEnum):
    """How hard a reasoning model should think."""

    NONE = "none"
    MINIMAL = "minimal"
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    XHIGH = "xhigh"


@frozen
class ToolCall:
    """A call the model asked for; ``arguments`` is the raw JSON text the model produced."""

    id: str
    name: str
    arguments: str = "{}"

    def parse_arguments(self) -> Any:
        """The arguments decoded from JSON (raises InvalidInput when the model sent invalid JSON)."""
        try:
            return json.loads(self.arguments or "{}")
        except json.JSONDecodeError as exc:
            raise InvalidInput(f"tool call {self.id} ({self.name}) has invalid JSON arguments: {exc}") from exc

    def stream_events(self, index: int) -> list[ChatEvent]:
        """The events a stream carries for this call, known whole, as call ``index``: start, one delta, end."""
        return [ToolCallStart(index, self.id, self.name), ToolCallDelta(index, self.arguments), ToolCallEnd(index)]


@frozen
class ReasoningBlock:
    """One block of model reasoning, kept so it can be sent back on the next turn.

    Some providers (Anthropic extended thinking, OpenRouter ``reasoning_details``) require the reasoning of an
    assistant turn that called tools to be returned verbatim, with its ``signature``; ``redacted`` holds the
    opaque data of a block the provider encrypted. ``provider`` names who produced it: blocks are only sent back to
    the same provider.
    """

    text: str = ""
    signature: str | None = None
    redacted: str | None = None
    provider: str | None = None


@frozen
class Message:
    """One chat message. ``tool_call_id`` is set on ``tool`` messages (the id of the call answered);
    ``reasoning`` carries an assistant turn's reasoning blocks back to the provider that wrote them."""

    role: Role = field(converter=Role)
    content: str = ""
    tool_calls: tuple[ToolCall, ...] = field(default=(), converter=_convert.tool_calls)
    name: str | None = None
    tool_call_id: str | None = None
    reasoning: tuple[ReasoningBlock, ...] = field(default=(), converter=_convert.reasoning_blocks)

    def __attrs_post_init__(self) -> None:
        if self.role is Role.TOOL and not self.tool_call_id:
            raise InvalidInput("a tool message needs tool_call_id (the id of the call it answers)")
        if self.tool_calls and self.role is not Role.ASSISTANT:
            raise InvalidInput(f"only assistant messages carry tool_calls, not {self.role.value}")
        if self.reasoning and self.role is not Role.ASSISTANT:
            raise InvalidInput(f"only assistant messages carry reasoning, not {self.role.value}")

    @classmethod
    def system(cls, text: str) -> Message:
        return cls(Role.SYSTEM, text)

    @classmethod
    def user(cls, text: str) -> Message:
        return cls(Role.USER, text)

    @classmethod
    def assistant(
        cls, text: str = "", tool_calls: Iterable[ToolCall] = (), *, reasoning: Iterable[ReasoningBlock] = ()
    ) -> Message:
        return cls(
            Role.ASSISTANT, text, _convert.tool_calls(tool_calls), reasoning=_convert.reasoning_blocks(reasoning)
        )

    @classmethod
    def tool_result(cls, tool_call_id: str, text: str, *, name: str | None = None) -> Message:
        return cls(Role.TOOL, text, (), name, tool_call_id)


@frozen
class ToolDefinition:
    """A function the model may call. ``parameters`` is a full JSON schema, passed on untouched."""

    name: str = field(validator=non_empty_str)
    description: str = ""
    parameters: dict[str, Any] = field(factory=lambda: {"type": "object", "properties": {}})
    cache_control: dict[str, Any] | None = None

    @classmethod
    def from_openai(cls, value: dict[str, Any]) -> ToolDefinition:
        """Read the OpenAI tool format ``{"type": "function", "function": {...}}``."""
        fn = value.get("function", value)
        if not isinstance(fn, dict) or not fn.get("name"):
            raise InvalidInput("tool definition needs function.name")
        return cls(
            name=fn["name"],
            description=fn.get("description", ""),
            parameters=fn.get("parameters") or {"type": "object", "properties": {}},
            cache_control=value.get("cache_control"),
        )


@frozen
class ToolChoice:
    """``auto`` | ``none`` | ``required`` | a named function."""

    mode: str = field(default="auto")
    function: str | None = None

    @mode.validator
    def _check(self, attribute: Any, value: str) -> None:
        if value not in ("auto", "none", "required", "function"):
            raise InvalidInput(f"tool_choice must be auto, none, required or function, got {value!r}")
        if (value == "function") != (self.function is not None):
            raise InvalidInput("tool_choice 'function' needs a function name (and only it does)")

    @classmethod
    def named(cls, function: str) -> ToolChoice:
        return cls("function", function)


ToolChoice.AUTO = ToolChoice("auto")  # type: ignore[attr-defined]
ToolChoice.NONE = ToolChoice("none")  # type: ignore[attr-defined]
ToolChoice.REQUIRED = ToolChoice("required")  # type: ignore[attr-defined]


@frozen
class ResponseFormat:
    """``text`` | ``json_object`` | ``json_schema`` (with ``schema`` and an optional ``name``/``strict``)."""

    type: str = "text"
    schema: dict[str, Any] | None = None
    name: str | None = None
    strict: bool | None = None

    def __attrs_post_init__(self) -> None:
        if self.type not in ("text", "json_object", "json_schema"):
            raise InvalidInput(f"response_format type must be text, json_object or json_schema, got {self.type!r}")
        if (self.type == "json_schema") != (self.schema is not None):
            raise InvalidInput("response_format json_schema needs a schema (and only it takes one)")


@frozen
class ReasoningConfig:
    """Ask for reasoning: an ``effort`` level and/or a token budget; ``exclude_from_output`` hides the text."""

    effort: ReasoningEffort | None = field(default=None, converter=attrs.converters.optional(ReasoningEffort))
    max_tokens: int | None = field(default=None, validator=in_range(1))
    exclude_from_output: bool | None = None


#: Option fields that are not parameters of the model: which model, and provider-specific JSON.
_NOT_PARAMETERS = frozenset({"model", "raw_provider_options"})


@frozen(kw_only=True)
class SamplingOptions:
    """What chat and text generation share: the model and the sampling parameters. ``None`` means "provider
    default". The parameter names every part of the gateway uses derive from these fields (and ChatOptions')."""

    model: str = field(validator=non_empty_str)
    temperature: float | None = field(default=None, validator=in_range(0, 2))
    max_tokens: int | None = field(default=None, validator=in_range(1))
    top_p: float | None = field(default=None, validator=in_range(0, 1))
    top_k: int | None = field(default=None, validator=in_range(0))
    stop: tuple[str, ...] | None = field(default=None, converter=_convert.strings)
    frequency_penalty: float | None = field(default=None, validator=in_range(-2, 2))
    presence_penalty: float | None = field(default=None, validator=in_range(-2, 2))
    seed: int | None = None
    reasoning: ReasoningConfig | None = None
    #: Provider-specific JSON merged into the request body (e.g. OpenRouter's ``provider`` routing object).
    raw_provider_options: dict[str, Any] | None = None

    @classmethod
    def parameter_names(cls) -> frozenset[str]:
        """The names of this class's parameters (every field but ``model`` and ``raw_provider_options``)."""
        return frozenset(a.name for a in attrs.fields(cls) if a.name not in _NOT_PARAMETERS)

    def set_parameters(self) -> list[ParameterName]:
        """The parameters this request sets (not ``None``), in field order."""
        return [
            ParameterName(a.name)
            for a in attrs.fields(type(self))
            if a.name not in _NOT_PARAMETERS and getattr(self, a.name) is not None
        ]

    def with_defaults(self, **defaults: Any) -> Self:
        """A copy where each given default fills a field that is ``None`` (never overwrites); defaults for
        parameters this class does not have (chat-only ones on generate options) are ignored."""
        names = self.parameter_names()
        fill = {k: v for k, v in defaults.items() if v is not None and k in names and getattr(self, k) is None}
        return attrs.evolve(self, **fill) if fill else self


@frozen(kw_only=True)
class ChatOptions(SamplingOptions):
    """Options for one chat request. Only ``model`` is required; ``None`` means "provider default"."""

    tool_choice: ToolChoice | None = None
    parallel_tool_calls: bool | None = None
    response_format: ResponseFormat | None = None
    cache_prompt: bool | None = None


#: Every chat parameter name, from the fields of ChatOptions (the one declaration).
CHAT_PARAMETERS: frozenset[str] = ChatOptions.parameter_names()


@frozen
class Usage:
    """Token counts of one request; reasoning and prompt-cache figures when the provider reports them."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0
    reasoning_tokens: int | None = None
    #: Prompt tokens read from the provider's prompt cache.
    cached_tokens: int | None = None
    #: Prompt tokens written to the provider's prompt cache.
    cache_creation_tokens: int | None = None
    #: What the request cost (USD), filled by the gateway when the model registry knows the model's prices.
    cost: Cost | None = None


@frozen
class ChatResponse:
    """A complete chat answer. ``model`` and ``provider`` say who actually served it."""

    content: str = ""
    reasoning: str | None = None
    tool_calls: tuple[ToolCall, ...] = field(default=(), converter=_convert.tool_calls)
    usage: Usage | None = None
    finish_reason: FinishReason = FinishReason.STOP
    model: str | None = None
    provider: str | None = None
    #: The reasoning as the provider's blocks (with signatures), for sending back; ``reasoning`` is their text.
    reasoning_blocks: tuple[ReasoningBlock, ...] = field(default=(), converter=_convert.reasoning_blocks)

    def to_message(self) -> Message:
        """This answer as the assistant message to append to the conversation (tool calls and reasoning kept)."""
        blocks = self.reasoning_blocks
        if not blocks and self.reasoning:
            blocks = (ReasoningBlock(self.reasoning, provider=self.provider),)
        return Message(Role.ASSISTANT, self.content, self.tool_calls, reasoning=blocks)


# ---- stream events -------------------------------------------------------------------------------------
# Each event is its own small class; ``ChatEvent`` is their union. The JSON shape is ``{"type", "data"}``.


@frozen
class ContentEvent:
    """A piece of the answer's text."""

    text: str
    type = "content"


@frozen
class ReasoningEvent:
    """Reasoning text, never mixed into content. A provider that signs its reasoning sends the signature (or a
    redacted block's data) as a final event of the block with empty ``text``.

    ``hidden`` marks reasoning the caller asked not to see (``exclude_from_output``) that is still streamed so
    the turn can be sent back with its signed blocks: do not display it (``ChatAccumulator`` keeps it in
    ``reasoning_blocks`` only)."""

    text: str
    signature: str | None = None
    redacted: str | None = None
    hidden: bool = False
    type = "reasoning"


@frozen
class ToolCallStart:
    """A tool call begins: its stream ``index``, stable ``id`` and function ``name``."""

    index: int
    id: str
    name: str
    type = "tool_call_start"


@frozen
class ToolCallDelta:
    """More of a tool call's JSON arguments (concatenate the deltas of one index)."""

    index: int
    arguments: str
    type = "tool_call_delta"


@frozen
class ToolCallEnd:
    """Closes one tool call (its arguments are complete); the stream goes on."""

    index: int
    type = "tool_call_end"


@frozen
class UsageEvent:
    """Token usage of the whole stream; at most once, just before ``DoneEvent``."""

    usage: Usage
    type = "usage"


@frozen
class DoneEvent:
    """The last event of every stream, exactly once. Says who served the stream."""

    finish_reason: FinishReason | None = None
    model: str | None = None
    provider: str | None = None
    type = "done"


ChatEvent: TypeAlias = (
    ContentEvent | ReasoningEvent | ToolCallStart | ToolCallDelta | ToolCallEnd | UsageEvent | DoneEvent
)
