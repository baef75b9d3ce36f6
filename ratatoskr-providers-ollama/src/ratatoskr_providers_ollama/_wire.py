"""The Ollama native API wire format: request bodies out, responses and NDJSON stream objects in.

Built from Ollama's API reference (``docs/api.md`` in github.com/ollama/ollama, now docs.ollama.com/api):
``POST /api/chat``, ``POST /api/generate``, ``POST /api/embed``, ``GET /api/tags``, the ``options`` of the
Modelfile reference, and the thinking capability page (``think``, ``message.thinking``/``thinking``).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from ratatoskr.errors import InvalidInput, ModelNotAvailable, RatatoskrError, ResponseFormatError
from ratatoskr.types.chat import (
    ChatOptions,
    ChatResponse,
    FinishReason,
    Message,
    ReasoningConfig,
    ReasoningEffort,
    ResponseFormat,
    Role,
    ToolCall,
    ToolDefinition,
    Usage,
)
from ratatoskr.types.generate import GenerateOptions
from ratatoskr.wire.failure import HttpFailure
from ratatoskr.wire.options import unmapped

__all__ = [
    "DEFAULT_BASE_URL",
    "classify_error",
    "NAME",
    "build_chat_body",
    "build_embed_body",
    "build_generate_body",
    "finish_reason",
    "message_of",
    "parse_chat",
    "tool_calls_from",
    "usage_from",
]

NAME = "ollama"
DEFAULT_BASE_URL = "http://localhost:11434"


# ---- request ---------------------------------------------------------------------------------------------


def build_options(options: ChatOptions | GenerateOptions) -> dict[str, Any]:
    """Our sampling options → Ollama's ``options`` object (``num_predict`` is the answer length)."""
    out: dict[str, Any] = {}
    for ours, theirs in (
        ("temperature", "temperature"),
        ("top_p", "top_p"),
        ("top_k", "top_k"),
        ("seed", "seed"),
        ("max_tokens", "num_predict"),
        ("frequency_penalty", "frequency_penalty"),
        ("presence_penalty", "presence_penalty"),
    ):
        value = getattr(options, ours)
        if value is not None:
            out[theirs] = value
    if options.stop:
        out["stop"] = list(options.stop)
    return out


def think_value(reasoning: ReasoningConfig | None) -> bool | None:
    """``think``: on for any effort but ``none`` (or a reasoning budget), off for ``none``, unset otherwise.

    Ollama has no thinking budget, and effort levels only for GPT-OSS; pass ``raw_provider_options=
    {"think": "high"}`` to send a level.
    """
    if reasoning is None:
        return None
    if reasoning.effort is ReasoningEffort.NONE:
        return False
    if reasoning.effort is not None or reasoning.max_tokens is not None:
        return True
    return None


def format_value(response_format: ResponseFormat | None) -> Any:
    """``format``: ``"json"`` for json_object, the schema itself for json_schema."""
    if response_format is None or response_format.type == "text":
        return None
    if response_format.type == "json_object":
        return "json"
    return response_format.schema


def _tool_arguments(call: ToolCall) -> Any:
    try:
        return json.loads(call.arguments or "{}")
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"tool call {call.id} ({call.name}) has invalid JSON arguments: {exc}") from exc


def build_messages(messages: Sequence[Message]) -> list[dict[str, Any]]:
    """Our messages → Ollama's. Tool calls carry parsed ``arguments`` and their id; a tool result names its
    tool (``tool_name``, looked up from the call it answers when the message does not say) and the call id
    (``tool_call_id``, read by servers since v0.12.10, ignored by older ones)."""
    names: dict[str, str] = {}
    out: list[dict[str, Any]] = []
    for message in messages:
        entry: dict[str, Any] = {"role": message.role.value, "content": message.content}
        if message.tool_calls:
            entry["tool_calls"] = [
                {"id": call.id, "function": {"name": call.name, "arguments": _tool_arguments(call)}}
                for call in message.tool_calls
            ]
            names.update((call.id, call.name) for call in message.tool_calls)
        if message.role is Role.TOOL:
            entry["tool_call_id"] = message.tool_call_id
            name = message.name or names.get(message.tool_call_id or "")
            if name:
                entry["tool_name"] = name
        out.append(entry)
    return out


def build_tools(tools: Sequence[ToolDefinition]) -> list[dict[str, Any]]:
    return [
        {"type": "function", "function": {"name": t.name, "description": t.description, "parameters": t.parameters}}
        for t in tools
    ]


#: The options Ollama's API has a place for (the rest, sent only with validation = "ignore", go in ``options``
#: under their own name: the codec encodes what it is given).
ENCODED = frozenset(
    {"temperature", "top_p", "top_k", "seed", "max_tokens", "frequency_penalty", "presence_penalty", "stop"}
    | {"reasoning", "response_format", "tool_choice", "parallel_tool_calls"}
)


def _common(body: dict[str, Any], options: ChatOptions | GenerateOptions, keep_alive: Any, stream: bool) -> None:
    body["stream"] = stream
    if sampling := {**build_options(options), **unmapped(options, ENCODED)}:
        body["options"] = sampling
    think = think_value(options.reasoning)
    if think is not None:
        body["think"] = think
    if keep_alive is not None:
        body["keep_alive"] = keep_alive
    raw = options.raw_provider_options
    if raw:
        # An "options" object in the raw options adds to ours (num_ctx, repeat_penalty, ...); the rest is
        # top-level (think levels, keep_alive, raw, ...).
        extra = dict(raw)
        if isinstance(extra.get("options"), Mapping):
            body["options"] = {**body.get("options", {}), **extra.pop("options")}
        body.update(extra)


def build_chat_body(
    messages: Sequence[Message],
    tools: Sequence[ToolDefinition] | None,
    options: ChatOptions,
    *,
    keep_alive: Any = None,
    stream: bool = False,
) -> dict[str, Any]:
    """The JSON body of ``POST /api/chat``."""
    body: dict[str, Any] = {"model": options.model, "messages": build_messages(messages)}
    if tools:
        body["tools"] = build_tools(tools)
    fmt = format_value(options.response_format)
    if fmt is not None:
        body["format"] = fmt
    _common(body, options, keep_alive, stream)
    return body


def build_generate_body(
    prompt: str, options: GenerateOptions, *, keep_alive: Any = None, stream: bool = False
) -> dict[str, Any]:
    """The JSON body of ``POST /api/generate``."""
    body: dict[str, Any] = {"model": options.model, "prompt": prompt}
    _common(body, options, keep_alive, stream)
    return body


def build_embed_body(texts: Sequence[str], model: str, *, keep_alive: Any = None) -> dict[str, Any]:
    """The JSON body of ``POST /api/embed`` (a batch of inputs)."""
    body: dict[str, Any] = {"model": model, "input": list(texts)}
    if keep_alive is not None:
        body["keep_alive"] = keep_alive
    return body


# ---- response --------------------------------------------------------------------------------------------


def finish_reason(done_reason: Any, had_tool_calls: bool) -> FinishReason:
    """``done_reason``: ``length`` → length; tool calls seen → tool_calls; ``stop``/``load``/absent → stop."""
    if done_reason == "length":
        return FinishReason.LENGTH
    return FinishReason.TOOL_CALLS if had_tool_calls else FinishReason.STOP


def usage_from(obj: Mapping[str, Any]) -> Usage | None:
    """``prompt_eval_count``/``eval_count`` of the final object (absent when nothing was evaluated)."""
    if "prompt_eval_count" not in obj and "eval_count" not in obj:
        return None
    prompt = _int(obj.get("prompt_eval_count"))
    completion = _int(obj.get("eval_count"))
    return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def new_call_id() -> str:
    """Ollama before v0.12.10 sends no tool call ids: we make one per call, unique, kept for the stream."""
    return "call_" + uuid.uuid4().hex[:24]


def tool_calls_from(message: Mapping[str, Any]) -> list[ToolCall]:
    calls: list[ToolCall] = []
    for raw in message.get("tool_calls") or []:
        function = raw.get("function") if isinstance(raw, dict) else None
        if not isinstance(function, dict) or not function.get("name"):
            raise ResponseFormatError(f"Ollama tool call without a function name: {str(raw)[:200]}", provider=NAME)
        arguments = function.get("arguments", {})
        text = arguments if isinstance(arguments, str) else json.dumps(arguments, ensure_ascii=False)
        calls.append(ToolCall(str(raw.get("id") or new_call_id()), str(function["name"]), text or "{}"))
    return calls


def message_of(obj: Any) -> Mapping[str, Any]:
    if not isinstance(obj, dict):
        raise ResponseFormatError(f"Ollama answer is not a JSON object: {str(obj)[:200]}", provider=NAME)
    message = obj.get("message") or {}
    if not isinstance(message, dict):
        raise ResponseFormatError(f"Ollama answer has no message object: {str(obj)[:200]}", provider=NAME)
    return message


def parse_chat(obj: Any, *, model: str, hide_reasoning: bool = False) -> ChatResponse:
    """A complete ``/api/chat`` answer (``stream: false``) → ChatResponse."""
    message = message_of(obj)
    calls = tool_calls_from(message)
    thinking = message.get("thinking") or None
    return ChatResponse(
        content=str(message.get("content") or ""),
        reasoning=None if hide_reasoning else thinking,
        tool_calls=tuple(calls),
        usage=usage_from(obj),
        finish_reason=finish_reason(obj.get("done_reason"), bool(calls)),
        model=obj.get("model") or model,
        provider=NAME,
    )


def classify_error(failure: HttpFailure, *, base_url: str) -> RatatoskrError | None:
    """Ollama's errors (docs/api.md, "Errors"): a 404 "model not found, try pulling it first" and a 400
    "… does not support chat/tools/…" mean this server cannot serve the model, so the chain moves on;
    everything else goes by its status (``None``)."""
    model = failure.model
    if model and not failure.in_stream:
        if failure.status == 404:
            return ModelNotAvailable(
                model, provider=NAME, reason=f"not pulled on {base_url} (run `ollama pull {model}`)"
            )
        if failure.status == 400 and "does not support" in failure.message:
            return ModelNotAvailable(model, provider=NAME, reason=failure.text)
    return None
