"""Chat and generate types ⇄ the original's typed protobuf messages (``ratatoskr.v1``), both directions.

Decoding follows the original's defaults, and raises where the original silently replaced malformed JSON: see
:mod:`ratatoskr_server._codec_base`, which holds the rules and the pieces both directions share.
"""

from __future__ import annotations

__all__ = [
    "EFFORT_FROM_PB",
    "EFFORT_TO_PB",
    "FINISH_FROM_PB",
    "FINISH_TO_PB",
    "ROLE_FROM_PB",
    "ROLE_TO_PB",
    "_cost_from_pb",
    "_dumps",
    "_json",
    "_maybe",
    "_opt",
    "_opt_f32",
    "_part",
    "_raw",
    "_raw_from",
    "chat_args",
    "chat_event",
    "chat_event_from_pb",
    "chat_options_from_pb",
    "chat_options_to_pb",
    "chat_request",
    "chat_response",
    "chat_response_from_pb",
    "f32",
    "finish_from_pb",
    "generate_args",
    "generate_event",
    "generate_event_from_pb",
    "generate_options_from_pb",
    "generate_options_to_pb",
    "generate_request",
    "generate_response",
    "generate_response_from_pb",
    "message_from_pb",
    "message_to_pb",
    "preset_parameters_from_pb",
    "preset_parameters_to_pb",
    "reasoning_from_pb",
    "reasoning_to_pb",
    "response_format_from_pb",
    "response_format_to_pb",
    "tool_choice_from_pb",
    "tool_choice_to_pb",
    "tool_from_pb",
    "tool_to_pb",
    "usage_from_pb",
    "usage_to_pb",
]

from collections.abc import Callable, Sequence
from typing import Any

from ratatoskr.types.chat import (
    ChatEvent,
    ChatOptions,
    ChatResponse,
    ContentEvent,
    DoneEvent,
    Message,
    ReasoningBlock,
    ReasoningEvent,
    Role,
    ToolCall,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    ToolDefinition,
    UsageEvent,
)

from ratatoskr_server._codec_base import (
    EFFORT_FROM_PB,
    EFFORT_TO_PB,
    FINISH_FROM_PB,
    FINISH_TO_PB,
    ROLE_FROM_PB,
    ROLE_TO_PB,
    _cost_from_pb,
    _dumps,
    _json,
    _maybe,
    _opt,
    _opt_f32,
    _part,
    _raw,
    _raw_from,
    chat_parts_to_pb,
    f32,
    finish_from_pb,
    reasoning_from_pb,
    reasoning_to_pb,
    response_format_from_pb,
    response_format_to_pb,
    sampling_to_pb,
    tool_choice_from_pb,
    tool_choice_to_pb,
    usage_from_pb,
    usage_to_pb,
)
from ratatoskr_server._codec_generate import (
    generate_args,
    generate_event,
    generate_event_from_pb,
    generate_options_from_pb,
    generate_options_to_pb,
    generate_request,
    generate_response,
    generate_response_from_pb,
    preset_parameters_from_pb,
    preset_parameters_to_pb,
)
from ratatoskr_server._generated import ratatoskr_pb2 as pb

# Most messages and answers have no tool calls and no reasoning blocks: the four helpers below return at once
# for an empty sequence (a comprehension or generator costs a frame even when it yields nothing).


def _blocks_to_pb(blocks: Sequence[ReasoningBlock]) -> list[pb.ReasoningBlock]:
    if not blocks:
        return []
    return [
        pb.ReasoningBlock(text=b.text, signature=b.signature, redacted=b.redacted, provider=b.provider) for b in blocks
    ]


def _blocks_from_pb(blocks: Sequence[pb.ReasoningBlock]) -> tuple[ReasoningBlock, ...]:
    if not blocks:
        return ()
    return tuple(ReasoningBlock(b.text, _opt(b, "signature"), _opt(b, "redacted"), _opt(b, "provider")) for b in blocks)


def _calls_to_pb(calls: Sequence[ToolCall]) -> list[pb.ToolCall]:
    if not calls:
        return []
    return [pb.ToolCall(id=c.id, name=c.name, arguments=c.arguments) for c in calls]


def _calls_from_pb(calls: Sequence[pb.ToolCall]) -> tuple[ToolCall, ...]:
    if not calls:
        return ()
    return tuple(ToolCall(c.id, c.name, c.arguments) for c in calls)


def message_to_pb(m: Message) -> pb.Message:
    return pb.Message(
        role=ROLE_TO_PB[m.role],
        content=m.content,
        tool_calls=_calls_to_pb(m.tool_calls),
        name=m.name,
        tool_call_id=m.tool_call_id,
        reasoning=_blocks_to_pb(m.reasoning),
    )


def message_from_pb(m: pb.Message) -> Message:
    return Message(
        ROLE_FROM_PB.get(m.role, Role.USER),
        m.content,
        _calls_from_pb(m.tool_calls),
        _opt(m, "name"),
        _opt(m, "tool_call_id"),
        _blocks_from_pb(m.reasoning),
    )


def tool_to_pb(t: ToolDefinition) -> pb.ToolDefinition:
    cache = "" if t.cache_control is None else _dumps(t.cache_control)
    return pb.ToolDefinition(
        name=t.name, description=t.description, parameters_json=_dumps(t.parameters), cache_control_json=cache
    )


def tool_from_pb(m: pb.ToolDefinition) -> ToolDefinition:
    what = f"tool {m.name!r}"
    parameters = _json(m.parameters_json, f"{what} parameters_json") if m.parameters_json else None
    cache = _json(m.cache_control_json, f"{what} cache_control_json") if m.cache_control_json else None
    if parameters is None:
        return ToolDefinition(m.name, m.description, cache_control=cache)
    return ToolDefinition(m.name, m.description, parameters, cache)


def chat_options_to_pb(o: ChatOptions) -> pb.ChatOptions:
    return pb.ChatOptions(model=o.model, stop=o.stop or (), **sampling_to_pb(o), **chat_parts_to_pb(o))


def _same(value: Any) -> Any:
    return value


#: How each field of a ``pb.ChatOptions`` becomes its ``ChatOptions`` argument (``sampling_from_pb`` and
#: ``chat_parts_from_pb``, field by field, in their order: the first undecodable field is the one reported).
_CHAT_OPTION_FIELDS: dict[str, Callable[[Any], Any]] = {
    "model": _same,
    "stop": lambda v: list(v) or None,
    "temperature": f32,
    "max_tokens": _same,
    "top_p": f32,
    "top_k": _same,
    "frequency_penalty": f32,
    "presence_penalty": f32,
    "seed": _same,
    "reasoning": reasoning_from_pb,
    "raw_provider_options": lambda v: _json(v, "raw_provider_options"),
    "tool_choice": tool_choice_from_pb,
    "parallel_tool_calls": _same,
    "response_format": response_format_from_pb,
    "cache_prompt": _same,
}


def chat_options_from_pb(m: pb.ChatOptions) -> ChatOptions:
    """The options a request sets (``ListFields``: the fields present), each decoded; the others keep their
    default, None, as ``sampling_from_pb``/``chat_parts_from_pb`` give for an absent field. A request sets few
    options: this skips a presence check and a decoder call per option it leaves out."""
    present = {field.name: value for field, value in m.ListFields()}
    fields = {name: decode(present[name]) for name, decode in _CHAT_OPTION_FIELDS.items() if name in present}
    fields["model"] = m.model  # required: an empty one is ChatOptions' to refuse
    return ChatOptions(**fields)


def chat_request(
    messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions | None
) -> pb.ChatRequest:
    return pb.ChatRequest(
        messages=[message_to_pb(m) for m in messages],
        tools=[tool_to_pb(t) for t in tools or ()],
        options=_maybe(options, chat_options_to_pb),
    )


def chat_args(request: pb.ChatRequest) -> tuple[list[Message], list[ToolDefinition] | None, ChatOptions | None]:
    """A missing ``options`` is None (the gateway then refuses the call); an empty tools list is None."""
    messages = [message_from_pb(m) for m in request.messages]
    tools = [tool_from_pb(t) for t in request.tools] or None
    return messages, tools, _part(request, "options", chat_options_from_pb)


def chat_response(r: ChatResponse) -> pb.ChatResponse:
    return pb.ChatResponse(
        content=r.content,
        reasoning=r.reasoning,
        tool_calls=_calls_to_pb(r.tool_calls),
        usage=_maybe(r.usage, usage_to_pb),
        model=r.model,
        finish_reason=FINISH_TO_PB[r.finish_reason],
        provider=r.provider,
        reasoning_blocks=_blocks_to_pb(r.reasoning_blocks),
    )


def chat_response_from_pb(m: pb.ChatResponse) -> ChatResponse:
    return ChatResponse(
        content=m.content,
        reasoning=_opt(m, "reasoning"),
        tool_calls=_calls_from_pb(m.tool_calls),
        usage=_part(m, "usage", usage_from_pb),
        finish_reason=finish_from_pb(m.finish_reason),
        model=_opt(m, "model"),
        provider=_opt(m, "provider"),
        reasoning_blocks=_blocks_from_pb(m.reasoning_blocks),
    )


def _reasoning_event(e: ReasoningEvent) -> pb.ChatEvent:
    if e.hidden:
        return pb.ChatEvent(reasoning="", hidden_reasoning=e.text, signature=e.signature, redacted=e.redacted)
    return pb.ChatEvent(reasoning=e.text, signature=e.signature, redacted=e.redacted)


def _done_event(e: DoneEvent) -> pb.ChatEvent:
    finish = None if e.finish_reason is None else FINISH_TO_PB[e.finish_reason]
    return pb.ChatEvent(done=True, finish_reason=finish, model=e.model, provider=e.provider)


_CHAT_EVENT: dict[type, Callable[[Any], pb.ChatEvent]] = {
    ContentEvent: lambda e: pb.ChatEvent(content=e.text),
    ReasoningEvent: _reasoning_event,
    ToolCallStart: lambda e: pb.ChatEvent(tool_call_start=pb.ToolCallStart(index=e.index, id=e.id, name=e.name)),
    ToolCallDelta: lambda e: pb.ChatEvent(tool_call_delta=pb.ToolCallDelta(index=e.index, arguments=e.arguments)),
    ToolCallEnd: lambda e: pb.ChatEvent(tool_call_end=pb.ToolCallEnd(index=e.index)),
    UsageEvent: lambda e: pb.ChatEvent(usage=usage_to_pb(e.usage)),
    DoneEvent: _done_event,
}


def chat_event(event: ChatEvent) -> pb.ChatEvent:
    return _CHAT_EVENT[type(event)](event)


def chat_event_from_pb(m: pb.ChatEvent) -> ChatEvent:
    which = m.WhichOneof("event")
    if which == "content":
        return ContentEvent(m.content)
    if which == "reasoning":
        signature, redacted = _opt(m, "signature"), _opt(m, "redacted")
        if m.HasField("hidden_reasoning"):
            return ReasoningEvent(m.hidden_reasoning, signature, redacted, hidden=True)
        return ReasoningEvent(m.reasoning, signature, redacted)
    if which == "tool_call_start":
        s = m.tool_call_start
        return ToolCallStart(s.index, s.id, s.name)
    if which == "tool_call_delta":
        return ToolCallDelta(m.tool_call_delta.index, m.tool_call_delta.arguments)
    if which == "tool_call_end":
        return ToolCallEnd(m.tool_call_end.index)
    if which == "usage":
        return UsageEvent(usage_from_pb(m.usage))
    finish = finish_from_pb(m.finish_reason) if m.HasField("finish_reason") else None
    return DoneEvent(finish, _opt(m, "model"), _opt(m, "provider"))  # a missing oneof is Done, as in the original
