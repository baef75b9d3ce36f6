"""The Anthropic Messages API wire format: request bodies out, complete messages in (pure functions).

Built from the API documentation (platform.claude.com / docs.anthropic.com):
``POST /v1/messages`` (Messages), tool use (``tools``, ``tool_choice``, ``tool_use``/``tool_result`` blocks),
extended thinking (``thinking`` / ``redacted_thinking`` blocks, sent back signed on the next turn: see
:mod:`._thinking` for the request side), prompt caching (``cache_control``) and
``POST /v1/messages/count_tokens``. Streaming events are decoded in :mod:`._stream`.
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Mapping, Sequence
from typing import Any

import attrs
from attrs import evolve
from ratatoskr import UnsupportedParameterWarning
from ratatoskr.errors import (
    ContextLengthExceeded,
    InvalidInput,
    ModelNotAvailable,
    RatatoskrError,
    ResponseFormatError,
)
from ratatoskr.types.chat import (
    ChatOptions,
    ChatResponse,
    FinishReason,
    Message,
    ReasoningBlock,
    Role,
    ToolCall,
    ToolChoice,
    ToolDefinition,
    Usage,
)
from ratatoskr.wire.failure import HttpFailure, generic_error

from ratatoskr_providers_anthropic._thinking import (
    EFFORT_BUDGETS,
    MIN_THINKING_BUDGET,
    ThinkingPlan,
    plan_thinking,
)

__all__ = [
    "API_VERSION",
    "ERROR_STATUS",
    "classify_error",
    "DEFAULT_BASE_URL",
    "DEFAULT_MAX_TOKENS",
    "EFFORT_BUDGETS",
    "MIN_THINKING_BUDGET",
    "NAME",
    "ThinkingPlan",
    "build_count_tokens_body",
    "build_messages_body",
    "finish_reason",
    "parse_message",
    "plan_thinking",
    "usage_from",
]

NAME = "anthropic"
API_VERSION = "2023-06-01"
DEFAULT_BASE_URL = "https://api.anthropic.com"
DEFAULT_MAX_TOKENS = 4096
_EPHEMERAL: dict[str, Any] = {"type": "ephemeral"}
_THINKING_TYPES = frozenset({"thinking", "redacted_thinking"})
_STOP_REASONS: Mapping[str, FinishReason] = {
    "end_turn": FinishReason.STOP,
    "stop_sequence": FinishReason.STOP,
    "pause_turn": FinishReason.STOP,
    "max_tokens": FinishReason.LENGTH,
    "model_context_window_exceeded": FinishReason.LENGTH,
    "tool_use": FinishReason.TOOL_CALLS,
    "refusal": FinishReason.CONTENT_FILTER,
}


# ---- request ---------------------------------------------------------------------------------------------


def _tool_input(call: ToolCall) -> Any:
    try:
        value = json.loads(call.arguments or "{}")
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"tool call {call.id} ({call.name}) has invalid JSON arguments: {exc}") from exc
    if not isinstance(value, dict):
        raise InvalidInput(f"tool call {call.id} ({call.name}) arguments must be a JSON object for Anthropic")
    return value


def _blocks(message: Message, position: int) -> list[dict[str, Any]]:
    """The content blocks of one non-system message (empty text blocks are refused by the API: skipped).

    An assistant turn's thinking goes first, before its text and tool_use blocks, as the API returned it.
    """
    if message.role is Role.TOOL:
        return [{"type": "tool_result", "tool_use_id": message.tool_call_id, "content": message.content}]
    blocks = _thinking_blocks(message, position)
    if message.content:
        blocks.append({"type": "text", "text": message.content})
    for call in message.tool_calls:
        blocks.append({"type": "tool_use", "id": call.id, "name": call.name, "input": _tool_input(call)})
    return blocks


def _thinking_blocks(message: Message, position: int) -> list[dict[str, Any]]:
    """An assistant message's reasoning as ``thinking`` (text + signature) / ``redacted_thinking`` (data) blocks.

    With thinking and tool use, the API wants the last assistant turn's thinking back verbatim and checks its
    signature. It can only verify what it signed: blocks of another provider, and thinking without a
    signature, are left out with a warning (sending them would be refused), never silently.
    """
    out: list[dict[str, Any]] = []
    dropped: dict[str, int] = {}
    for block in message.reasoning:
        if block.provider not in (NAME, None):
            reason = f"they came from provider {block.provider!r}, whose signatures Anthropic cannot verify"
        elif block.redacted:
            out.append({"type": "redacted_thinking", "data": block.redacted})
            continue
        elif block.signature:
            out.append({"type": "thinking", "thinking": block.text, "signature": block.signature})
            continue
        else:
            reason = "they carry no signature, which Anthropic requires on thinking sent back"
        dropped[reason] = dropped.get(reason, 0) + 1
    for reason, count in dropped.items():
        warnings.warn(
            f"{count} reasoning block(s) of message {position} were not sent to Anthropic: {reason}",
            UnsupportedParameterWarning,
            stacklevel=5,
        )
    return out


def build_messages(messages: Sequence[Message]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Split our messages into Anthropic's ``system`` blocks and alternating ``messages``.

    Every system message is kept, in order, as one text block of the top-level ``system``. Tool results
    become ``tool_result`` blocks of a user turn; consecutive turns of one role (several tool results, a tool
    result then a user question) are merged into one turn, since the API wants user and assistant turns to
    alternate.
    """
    system: list[dict[str, Any]] = []
    turns: list[dict[str, Any]] = []
    for position, message in enumerate(messages):
        if message.role is Role.SYSTEM:
            if message.content:
                system.append({"type": "text", "text": message.content})
            continue
        role = "assistant" if message.role is Role.ASSISTANT else "user"
        blocks = _blocks(message, position)
        if not blocks:
            raise InvalidInput(f"message {position} ({message.role.value}) has no content and no tool calls")
        if turns and turns[-1]["role"] == role:
            turns[-1]["content"].extend(blocks)
        else:
            turns.append({"role": role, "content": blocks})
    if not turns:
        raise InvalidInput("Anthropic needs at least one user or assistant message besides system messages")
    return system, turns


def build_tools(tools: Sequence[ToolDefinition]) -> list[dict[str, Any]]:
    """Tool definitions; the JSON schema goes untouched into ``input_schema``."""
    out: list[dict[str, Any]] = []
    for tool in tools:
        entry: dict[str, Any] = {"name": tool.name, "input_schema": tool.parameters}
        if tool.description:
            entry["description"] = tool.description
        if tool.cache_control is not None:
            entry["cache_control"] = tool.cache_control
        out.append(entry)
    return out


def build_tool_choice(choice: ToolChoice | None, parallel: bool | None) -> dict[str, Any] | None:
    """``auto``/``required``/``function``/``none`` → ``auto``/``any``/``tool``/``none``; parallel=False →
    ``disable_parallel_tool_use``."""
    mode = choice.mode if choice is not None else "auto"
    if mode == "none":
        return {"type": "none"}
    if choice is None and parallel is not False:
        return None
    body: dict[str, Any] = {"auto": {"type": "auto"}, "required": {"type": "any"}}.get(mode) or {
        "type": "tool",
        "name": choice.function if choice is not None else None,
    }
    if parallel is False:
        body["disable_parallel_tool_use"] = True
    return body


def _mark_cache(blocks: list[dict[str, Any]]) -> None:
    # The API does not take cache_control on thinking blocks: mark the last block that is not one.
    block = next((b for b in reversed(blocks) if b.get("type") not in _THINKING_TYPES), None)
    if block is not None and "cache_control" not in block:
        block["cache_control"] = dict(_EPHEMERAL)


#: ChatOptions fields the Messages API cannot express (left out of the provider's supported_parameters).
NOT_IN_MESSAGES_API = ("seed", "frequency_penalty", "presence_penalty", "response_format")


def build_messages_body(
    messages: Sequence[Message],
    tools: Sequence[ToolDefinition] | None,
    options: ChatOptions,
    *,
    default_max_tokens: int = DEFAULT_MAX_TOKENS,
    stream: bool = False,
) -> tuple[dict[str, Any], ThinkingPlan]:
    """The JSON body of ``POST /v1/messages`` for a chat request, and the thinking plan it used.

    Every option given is encoded; the values the API refuses (a temperature above 1, a forced tool_choice with
    thinking) the provider declares (:func:`parameter_problems`) and the validation stage decides on."""
    system, turns = build_messages(messages)
    plan = plan_thinking(options.reasoning, options.max_tokens, default_max_tokens)
    body: dict[str, Any] = {"model": options.model, "max_tokens": plan.max_tokens, "messages": turns}
    if system:
        body["system"] = system
    if plan.thinking is not None:
        body["thinking"] = plan.thinking
    if options.temperature is not None:
        body["temperature"] = options.temperature
    for name in NOT_IN_MESSAGES_API:
        # Reached only with validation = "ignore" (the provider does not declare them): sent under their own name,
        # so the API answers for itself instead of the option being dropped.
        if (value := getattr(options, name)) is not None:
            body[name] = attrs.asdict(value) if attrs.has(type(value)) else value
    if options.top_p is not None:
        body["top_p"] = options.top_p
    if options.top_k is not None:
        body["top_k"] = options.top_k
    if options.stop:
        body["stop_sequences"] = list(options.stop)
    if tools:
        body["tools"] = build_tools(tools)
        choice = build_tool_choice(options.tool_choice, options.parallel_tool_calls)
        if choice is not None:
            body["tool_choice"] = choice
    if options.cache_prompt:
        # One breakpoint each at the end of the system prompt, the tools and the conversation: the API
        # caches the whole prefix up to a breakpoint (it allows four).
        _mark_cache(system)
        _mark_cache(body.get("tools", []))
        _mark_cache(turns[-1]["content"])
    if stream:
        body["stream"] = True
    if options.raw_provider_options:
        body.update(options.raw_provider_options)
    return body, plan


def build_count_tokens_body(text: str, model: str) -> dict[str, Any]:
    """``POST /v1/messages/count_tokens``: the text as one user message."""
    return {"model": model, "messages": [{"role": "user", "content": text}]}


# ---- response --------------------------------------------------------------------------------------------


def finish_reason(stop_reason: str | None) -> FinishReason | None:
    if stop_reason is None:
        return None
    return _STOP_REASONS.get(stop_reason, FinishReason.STOP)


def usage_from(raw: Mapping[str, Any]) -> Usage:
    """Anthropic usage → ours. ``input_tokens`` excludes cached tokens; our ``prompt_tokens`` counts all
    prompt tokens (fresh + cache read + cache write), with the cached parts also reported on their own."""
    fresh = _int(raw.get("input_tokens"))
    read = _int(raw.get("cache_read_input_tokens"))
    written = _int(raw.get("cache_creation_input_tokens"))
    completion = _int(raw.get("output_tokens"))
    prompt = fresh + read + written
    return Usage(
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=prompt + completion,
        cached_tokens=read if "cache_read_input_tokens" in raw else None,
        cache_creation_tokens=written if "cache_creation_input_tokens" in raw else None,
    )


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def parse_message(obj: Any, *, model: str, hide_reasoning: bool = False) -> ChatResponse:
    """A complete Message object (non-streaming response) → ChatResponse.

    ``thinking`` / ``redacted_thinking`` blocks become ``reasoning_blocks`` in order, with their signature or
    data, so ``to_message()`` can send them back. ``hide_reasoning`` (``exclude_from_output``) drops the text
    from ``reasoning`` but keeps the blocks: a tool loop cannot go on without them.
    """
    if not isinstance(obj, dict) or not isinstance(obj.get("content"), list):
        raise ResponseFormatError(f"Anthropic response is not a Message object: {str(obj)[:200]}", provider=NAME)
    text: list[str] = []
    reasoning: list[ReasoningBlock] = []
    calls: list[ToolCall] = []
    for block in obj["content"]:
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            text.append(str(block.get("text", "")))
        elif kind == "thinking":
            signature = block.get("signature")
            reasoning.append(
                ReasoningBlock(str(block.get("thinking", "")), str(signature) if signature else None, provider=NAME)
            )
        elif kind == "redacted_thinking":
            reasoning.append(ReasoningBlock(redacted=str(block.get("data", "")), provider=NAME))
        elif kind == "tool_use":
            arguments = json.dumps(block.get("input") or {}, ensure_ascii=False, separators=(",", ":"))
            calls.append(ToolCall(str(block.get("id", "")), str(block.get("name", "")), arguments))
    usage = obj.get("usage")
    thinking = "".join(b.text for b in reasoning)
    return ChatResponse(
        content="".join(text),
        reasoning=(thinking or None) if not hide_reasoning else None,
        tool_calls=tuple(calls),
        usage=usage_from(usage) if isinstance(usage, dict) else None,
        finish_reason=finish_reason(obj.get("stop_reason")) or FinishReason.STOP,
        model=obj.get("model") or model,
        provider=NAME,
        reasoning_blocks=tuple(reasoning),
    )


#: Anthropic's error ``type`` → the HTTP status it comes with (https://docs.anthropic.com/en/api/errors).
ERROR_STATUS: dict[str, int] = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "billing_error": 402,
    "permission_error": 403,
    "not_found_error": 404,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "overloaded_error": 529,
}
_TOO_LONG = re.compile(r"prompt is too long(?:: \d+ tokens > (\d+) maximum)?", re.IGNORECASE)


def classify_error(failure: HttpFailure) -> RatatoskrError:
    """Anthropic's errors (https://docs.anthropic.com/en/api/errors): an ``error`` event inside a stream
    carries its ``type`` instead of a status; "prompt is too long" is a context overflow; a 404 for a model
    means Anthropic does not serve it (the chain moves on); everything else goes by its status."""
    if failure.status is None and isinstance(failure.code, str) and failure.code in ERROR_STATUS:
        failure = evolve(failure, status=ERROR_STATUS[failure.code])
    if failure.status in (400, 413) and (match := _TOO_LONG.search(failure.message)):
        limit = int(match.group(1)) if match.group(1) else None
        return ContextLengthExceeded(failure.text, limit=limit, provider=NAME, status=failure.status)
    if failure.status == 404 and failure.model and not failure.in_stream:
        return ModelNotAvailable(failure.model, provider=NAME, reason=f"Anthropic does not know it ({failure.message})")
    return generic_error(failure)
