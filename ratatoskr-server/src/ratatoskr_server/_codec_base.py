"""Chat and generate types ⇄ the original's typed protobuf messages (``ratatoskr.v1``): the shared pieces
(enums, option parts, usage; chat in ``_codec_chat``, generate and presets in ``_codec_generate``).

Decoding follows the original's defaults (see the proto's header): role UNSPECIFIED is user, a ChatEvent without
its oneof is Done, an unknown finish reason is stop, an empty stop list is none, a ToolChoice without its oneof
is auto, a ResponseFormat without its oneof is text. Where the original silently replaced malformed JSON (a tool's
``parameters_json``, ``raw_provider_options``, a ``json_schema``) with a default, this side raises ``ValueError``,
which the caller maps to ``InvalidInput`` (daemon) or ``ResponseFormatError`` (client): nothing is dropped.

32-bit float options (temperature, top_p, penalties) are decoded to the shortest decimal that round-trips through
float32, so ``temperature=0.2`` arrives as 0.2, not 0.20000000298023224.
"""

from __future__ import annotations

import enum
import functools
import json
import struct
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

import attrs
from ratatoskr.types.chat import FinishReason, ReasoningConfig, ReasoningEffort, ResponseFormat, Role, ToolChoice, Usage
from ratatoskr.types.model import Cost

from ratatoskr_server._generated import ratatoskr_pb2 as pb

_F32 = struct.Struct("f")
E = TypeVar("E", bound=enum.Enum)
M = TypeVar("M")


def enum_tables(kind: type[E], prefix: str) -> tuple[dict[E, Any], dict[int, E]]:
    """Our enum's members to the proto enum's values and back: member ``NAME`` is the proto's ``PREFIX + NAME``
    (the proto names its values so), so the tables are read off the generated module, never written twice."""
    to_pb: dict[E, Any] = {member: getattr(pb, prefix + member.name) for member in kind}
    return to_pb, {value: member for member, value in to_pb.items()}


ROLE_TO_PB, ROLE_FROM_PB = enum_tables(Role, "ROLE_")
FINISH_TO_PB, FINISH_FROM_PB = enum_tables(FinishReason, "FINISH_REASON_")
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


@functools.cache
def _field_names(cls: type) -> tuple[str, ...]:
    return tuple(a.name for a in attrs.fields(cls))


def fields_to_pb(message: Callable[..., M], value: Any, **changes: Any) -> M:
    """``value``'s attrs fields as the same-named fields of ``message`` (the proto's result messages mirror our
    types field for field), with ``changes`` for the fields that need converting or that only the proto has.

    What ``attrs.asdict(value, recurse=False)`` gives, from the field names looked up once per class (asdict walks
    the fields and their filters on every call: a third of the cost of a reply's usage)."""
    fields = {name: getattr(value, name) for name in _field_names(value.__class__)}
    fields.update(changes)
    return message(**fields)


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


def sampling_to_pb(o: Any) -> dict[str, Any]:
    """The sampling fields chat options, generate options and presets share (``SamplingOptions``), as keyword
    arguments of their messages (which name them alike; ``stop`` is left to each, as generate calls it
    ``stop_sequences``)."""
    return {
        "temperature": o.temperature,
        "max_tokens": o.max_tokens,
        "top_p": o.top_p,
        "top_k": o.top_k,
        "frequency_penalty": o.frequency_penalty,
        "presence_penalty": o.presence_penalty,
        "seed": o.seed,
        "reasoning": _maybe(o.reasoning, reasoning_to_pb),
        "raw_provider_options": _raw(o.raw_provider_options),
    }


def sampling_from_pb(m: Any) -> dict[str, Any]:
    """:func:`sampling_to_pb` backwards: keyword arguments for ``ChatOptions``/``GenerateOptions``/presets."""
    return {
        "temperature": _opt_f32(m, "temperature"),
        "max_tokens": _opt(m, "max_tokens"),
        "top_p": _opt_f32(m, "top_p"),
        "top_k": _opt(m, "top_k"),
        "frequency_penalty": _opt_f32(m, "frequency_penalty"),
        "presence_penalty": _opt_f32(m, "presence_penalty"),
        "seed": _opt(m, "seed"),
        "reasoning": _part(m, "reasoning", reasoning_from_pb),
        "raw_provider_options": _raw_from(m),
    }


def chat_parts_to_pb(o: Any) -> dict[str, Any]:
    """The chat-only fields chat options and presets share, as keyword arguments of their messages."""
    return {
        "tool_choice": _maybe(o.tool_choice, tool_choice_to_pb),
        "parallel_tool_calls": o.parallel_tool_calls,
        "response_format": _maybe(o.response_format, response_format_to_pb),
        "cache_prompt": o.cache_prompt,
    }


def chat_parts_from_pb(m: Any) -> dict[str, Any]:
    """:func:`chat_parts_to_pb` backwards."""
    return {
        "tool_choice": _part(m, "tool_choice", tool_choice_from_pb),
        "parallel_tool_calls": _opt(m, "parallel_tool_calls"),
        "response_format": _part(m, "response_format", response_format_from_pb),
        "cache_prompt": _opt(m, "cache_prompt"),
    }


def usage_to_pb(u: Usage) -> pb.Usage:
    return fields_to_pb(pb.Usage, u, cost=_maybe(u.cost, partial(fields_to_pb, pb.Cost)))


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
