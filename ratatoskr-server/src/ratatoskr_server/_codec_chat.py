"""Chat and generate types ⇄ the original's typed protobuf messages (``ratatoskr.v1``), both directions.

Decoding follows the original's defaults (see the proto's header): role UNSPECIFIED is user, a ChatEvent without
its oneof is Done, an unknown finish reason is stop, an empty stop list is none, a ToolChoice without its oneof
is auto, a ResponseFormat without its oneof is text. Where the original silently replaced malformed JSON (a tool's
``parameters_json``, ``raw_provider_options``, a ``json_schema``) with a default, this side raises ``ValueError``,
which the caller maps to ``InvalidInput`` (daemon) or ``ResponseFormatError`` (client): nothing is dropped.

32-bit float options (temperature, top_p, penalties) are decoded to the shortest decimal that round-trips through
float32, so ``temperature=0.2`` arrives as 0.2, not 0.20000000298023224.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Callable, Sequence
from typing import Any

import attrs
from ratatoskr.types import (
    ChatEvent,
    ChatOptions,
    ChatResponse,
    ContentEvent,
    Cost,
    DoneEvent,
    FinishReason,
    GenerateDone,
    GenerateEvent,
    GenerateOptions,
    GenerateResponse,
    Message,
    PresetParameters,
    ReasoningBlock,
    ReasoningConfig,
    ReasoningEffort,
    ReasoningEvent,
    ResponseFormat,
    Role,
    TextEvent,
    ToolCall,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    ToolChoice,
    ToolDefinition,
    Usage,
    UsageEvent,
)

from ratatoskr_server._generated import ratatoskr_pb2 as pb

_F32 = struct.Struct("f")

ROLE_TO_PB: dict[Role, Any] = {
    Role.SYSTEM: pb.ROLE_SYSTEM,
    Role.USER: pb.ROLE_USER,
    Role.ASSISTANT: pb.ROLE_ASSISTANT,
    Role.TOOL: pb.ROLE_TOOL,
}
ROLE_FROM_PB: dict[int, Role] = {v: k for k, v in ROLE_TO_PB.items()}
FINISH_TO_PB: dict[FinishReason, Any] = {
    FinishReason.STOP: pb.FINISH_REASON_STOP,
    FinishReason.LENGTH: pb.FINISH_REASON_LENGTH,
    FinishReason.TOOL_CALLS: pb.FINISH_REASON_TOOL_CALLS,
    FinishReason.CONTENT_FILTER: pb.FINISH_REASON_CONTENT_FILTER,
}
FINISH_FROM_PB: dict[int, FinishReason] = {v: k for k, v in FINISH_TO_PB.items()}
# NONE=1 ... XHIGH=6, as in the original
EFFORT_TO_PB: dict[ReasoningEffort, Any] = {e: i for i, e in enumerate(ReasoningEffort, start=1)}
EFFORT_FROM_PB: dict[int, ReasoningEffort] = {v: k for k, v in EFFORT_TO_PB.items()}


def f32(value: float) -> float:
    """The shortest decimal that is the same float32 as ``value`` (a float32 widened to double)."""
    for digits in (6, 7, 8, 9):
        short = float(f"{value:.{digits}g}")
        if _F32.unpack(_F32.pack(short))[0] == value:
            return short
    return value


def _opt(message: Any, name: str) -> Any:
    return getattr(message, name) if message.HasField(name) else None


def _opt_f32(message: Any, name: str) -> float | None:
    return f32(getattr(message, name)) if message.HasField(name) else None


def _json(text: str, what: str, *, kind: type = dict) -> Any:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise ValueError(f"{what} is not valid JSON: {exc}") from exc
    if not isinstance(value, kind):
        raise ValueError(f"{what} must be a JSON {kind.__name__ if kind is not dict else 'object'}")
    return value


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def finish_from_pb(value: int) -> FinishReason:
    return FINISH_FROM_PB.get(value, FinishReason.STOP)


# ---- shared option parts ------------------------------------------------------------------------------------


def tool_choice_to_pb(choice: ToolChoice) -> pb.ToolChoice:
    if choice.mode == "function":
        return pb.ToolChoice(function=choice.function)
    flags: dict[str, Any] = {choice.mode: True}
    return pb.ToolChoice(**flags)


def tool_choice_from_pb(m: pb.ToolChoice) -> ToolChoice:
    which = m.WhichOneof("choice")
    if which == "function":
        return ToolChoice.named(m.function)
    return ToolChoice(which) if which in ("none", "required") else ToolChoice("auto")


def response_format_to_pb(rf: ResponseFormat) -> pb.ResponseFormat:
    m = pb.ResponseFormat(name=rf.name, strict=rf.strict)
    if rf.type == "json_schema":
        m.json_schema = _dumps(rf.schema)
    elif rf.type == "json_object":
        m.json_object = True
    else:
        m.text = True
    return m


def response_format_from_pb(m: pb.ResponseFormat) -> ResponseFormat:
    which = m.WhichOneof("format")
    name, strict = _opt(m, "name"), _opt(m, "strict")
    if which == "json_schema":
        return ResponseFormat("json_schema", _json(m.json_schema, "response_format.json_schema"), name, strict)
    return ResponseFormat("json_object" if which == "json_object" else "text", None, name, strict)


def reasoning_to_pb(r: ReasoningConfig) -> pb.ReasoningConfig:
    effort = None if r.effort is None else EFFORT_TO_PB[r.effort]
    return pb.ReasoningConfig(effort=effort, max_tokens=r.max_tokens, exclude_from_output=r.exclude_from_output)


def reasoning_from_pb(m: pb.ReasoningConfig) -> ReasoningConfig:
    effort = EFFORT_FROM_PB.get(m.effort) if m.HasField("effort") else None
    return ReasoningConfig(effort, _opt(m, "max_tokens"), _opt(m, "exclude_from_output"))


def _raw(value: dict[str, Any] | None) -> str | None:
    return None if value is None else _dumps(value)


def _raw_from(m: Any) -> dict[str, Any] | None:
    return _json(m.raw_provider_options, "raw_provider_options") if m.HasField("raw_provider_options") else None


def _part(message: Any, name: str, decode: Callable[[Any], Any]) -> Any:
    return decode(getattr(message, name)) if message.HasField(name) else None


def _maybe(value: Any, encode: Callable[[Any], Any]) -> Any:
    return None if value is None else encode(value)


# ---- requests -----------------------------------------------------------------------------------------------


def usage_to_pb(u: Usage) -> pb.Usage:
    return pb.Usage(
        prompt_tokens=u.prompt_tokens,
        completion_tokens=u.completion_tokens,
        total_tokens=u.total_tokens,
        reasoning_tokens=u.reasoning_tokens,
        cached_tokens=u.cached_tokens,
        cache_creation_tokens=u.cache_creation_tokens,
        cost=None if u.cost is None else pb.Cost(**attrs.asdict(u.cost)),
    )


def usage_from_pb(m: pb.Usage) -> Usage:
    return Usage(
        m.prompt_tokens,
        m.completion_tokens,
        m.total_tokens,
        _opt(m, "reasoning_tokens"),
        _opt(m, "cached_tokens"),
        _opt(m, "cache_creation_tokens"),
        _cost_from_pb(m.cost) if m.HasField("cost") else None,
    )


def _cost_from_pb(m: pb.Cost) -> Cost:
    return Cost(m.total, m.prompt, m.completion, _opt(m, "cached"), _opt(m, "reasoning"))


def _blocks_to_pb(blocks: Sequence[ReasoningBlock]) -> list[pb.ReasoningBlock]:
    return [
        pb.ReasoningBlock(text=b.text, signature=b.signature, redacted=b.redacted, provider=b.provider) for b in blocks
    ]


def _blocks_from_pb(blocks: Sequence[pb.ReasoningBlock]) -> tuple[ReasoningBlock, ...]:
    return tuple(ReasoningBlock(b.text, _opt(b, "signature"), _opt(b, "redacted"), _opt(b, "provider")) for b in blocks)


def _calls_to_pb(calls: Sequence[ToolCall]) -> list[pb.ToolCall]:
    return [pb.ToolCall(id=c.id, name=c.name, arguments=c.arguments) for c in calls]


def _calls_from_pb(calls: Sequence[pb.ToolCall]) -> tuple[ToolCall, ...]:
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
    return pb.ChatOptions(
        model=o.model,
        temperature=o.temperature,
        max_tokens=o.max_tokens,
        top_p=o.top_p,
        stop=o.stop or (),
        frequency_penalty=o.frequency_penalty,
        presence_penalty=o.presence_penalty,
        seed=o.seed,
        tool_choice=_maybe(o.tool_choice, tool_choice_to_pb),
        response_format=_maybe(o.response_format, response_format_to_pb),
        cache_prompt=o.cache_prompt,
        reasoning=_maybe(o.reasoning, reasoning_to_pb),
        top_k=o.top_k,
        raw_provider_options=_raw(o.raw_provider_options),
        parallel_tool_calls=o.parallel_tool_calls,
    )


def chat_options_from_pb(m: pb.ChatOptions) -> ChatOptions:
    return ChatOptions(
        model=m.model,
        temperature=_opt_f32(m, "temperature"),
        max_tokens=_opt(m, "max_tokens"),
        top_p=_opt_f32(m, "top_p"),
        top_k=_opt(m, "top_k"),
        stop=list(m.stop) or None,
        frequency_penalty=_opt_f32(m, "frequency_penalty"),
        presence_penalty=_opt_f32(m, "presence_penalty"),
        seed=_opt(m, "seed"),
        tool_choice=_part(m, "tool_choice", tool_choice_from_pb),
        parallel_tool_calls=_opt(m, "parallel_tool_calls"),
        response_format=_part(m, "response_format", response_format_from_pb),
        cache_prompt=_opt(m, "cache_prompt"),
        reasoning=_part(m, "reasoning", reasoning_from_pb),
        raw_provider_options=_raw_from(m),
    )


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


def generate_options_to_pb(o: GenerateOptions) -> pb.GenerateOptions:
    return pb.GenerateOptions(
        model=o.model,
        max_tokens=o.max_tokens,
        temperature=o.temperature,
        top_p=o.top_p,
        stop_sequences=o.stop or (),
        top_k=o.top_k,
        frequency_penalty=o.frequency_penalty,
        presence_penalty=o.presence_penalty,
        seed=o.seed,
        reasoning=_maybe(o.reasoning, reasoning_to_pb),
        raw_provider_options=_raw(o.raw_provider_options),
    )


def generate_options_from_pb(m: pb.GenerateOptions) -> GenerateOptions:
    return GenerateOptions(
        model=m.model,
        max_tokens=_opt(m, "max_tokens"),
        temperature=_opt_f32(m, "temperature"),
        top_p=_opt_f32(m, "top_p"),
        top_k=_opt(m, "top_k"),
        stop=list(m.stop_sequences) or None,
        frequency_penalty=_opt_f32(m, "frequency_penalty"),
        presence_penalty=_opt_f32(m, "presence_penalty"),
        seed=_opt(m, "seed"),
        reasoning=_part(m, "reasoning", reasoning_from_pb),
        raw_provider_options=_raw_from(m),
    )


def generate_request(prompt: str, options: GenerateOptions | None) -> pb.GenerateRequest:
    return pb.GenerateRequest(prompt=prompt, options=_maybe(options, generate_options_to_pb))


def generate_args(request: pb.GenerateRequest) -> tuple[str, GenerateOptions | None]:
    return request.prompt, _part(request, "options", generate_options_from_pb)


def preset_parameters_to_pb(p: PresetParameters) -> pb.ProtoPresetParameters:
    return pb.ProtoPresetParameters(
        temperature=p.temperature,
        top_p=p.top_p,
        top_k=p.top_k,
        max_tokens=p.max_tokens,
        frequency_penalty=p.frequency_penalty,
        presence_penalty=p.presence_penalty,
        seed=p.seed,
        stop=p.stop or (),
        reasoning=_maybe(p.reasoning, reasoning_to_pb),
        tool_choice=_maybe(p.tool_choice, tool_choice_to_pb),
        parallel_tool_calls=p.parallel_tool_calls,
        response_format=_maybe(p.response_format, response_format_to_pb),
        cache_prompt=p.cache_prompt,
        raw_provider_options=_raw(p.raw_provider_options),
    )


def preset_parameters_from_pb(m: pb.ProtoPresetParameters) -> PresetParameters:
    return PresetParameters(
        temperature=_opt_f32(m, "temperature"),
        top_p=_opt_f32(m, "top_p"),
        top_k=_opt(m, "top_k"),
        max_tokens=_opt(m, "max_tokens"),
        frequency_penalty=_opt_f32(m, "frequency_penalty"),
        presence_penalty=_opt_f32(m, "presence_penalty"),
        seed=_opt(m, "seed"),
        stop=tuple(m.stop) or None,
        reasoning=_part(m, "reasoning", reasoning_from_pb),
        tool_choice=_part(m, "tool_choice", tool_choice_from_pb),
        parallel_tool_calls=_opt(m, "parallel_tool_calls"),
        response_format=_part(m, "response_format", response_format_from_pb),
        cache_prompt=_opt(m, "cache_prompt"),
        raw_provider_options=_raw_from(m),
    )


# ---- responses and events -----------------------------------------------------------------------------------


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


def generate_response(r: GenerateResponse) -> pb.GenerateResponse:
    return pb.GenerateResponse(
        text=r.text,
        usage=_maybe(r.usage, usage_to_pb),
        model=r.model,
        finish_reason=FINISH_TO_PB[r.finish_reason],
        provider=r.provider,
    )


def generate_response_from_pb(m: pb.GenerateResponse) -> GenerateResponse:
    return GenerateResponse(
        m.text, _part(m, "usage", usage_from_pb), finish_from_pb(m.finish_reason), _opt(m, "model"), _opt(m, "provider")
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


def generate_event(event: GenerateEvent) -> pb.GenerateEvent:
    if isinstance(event, TextEvent):
        return pb.GenerateEvent(text=event.text)
    finish = None if event.finish_reason is None else FINISH_TO_PB[event.finish_reason]
    return pb.GenerateEvent(
        done=True,
        finish_reason=finish,
        usage=_maybe(event.usage, usage_to_pb),
        model=event.model,
        provider=event.provider,
    )


def generate_event_from_pb(m: pb.GenerateEvent) -> GenerateEvent:
    if m.WhichOneof("event") == "text":
        return TextEvent(m.text)
    finish = finish_from_pb(m.finish_reason) if m.HasField("finish_reason") else None
    return GenerateDone(finish, _part(m, "usage", usage_from_pb), _opt(m, "model"), _opt(m, "provider"))
