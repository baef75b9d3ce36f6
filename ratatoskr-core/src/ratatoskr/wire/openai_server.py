"""The server side of the OpenAI chat codec: request JSON back to our types, our answers to response JSON.

The inverse of :mod:`ratatoskr.wire.openai_chat`, for loopback stub servers (tests, benchmarks) and for the
round-trip property tests that keep the two sides honest.
"""

from __future__ import annotations

from typing import Any

from ratatoskr.errors import InvalidInput
from ratatoskr.types.chat import (
    ChatOptions,
    ChatResponse,
    Message,
    ReasoningConfig,
    ResponseFormat,
    Role,
    ToolCall,
    ToolChoice,
    ToolDefinition,
    Usage,
)
from ratatoskr.wire.openai_chat import PASSTHROUGH

__all__ = ["decode_request", "encode_chunks", "encode_response", "encode_usage"]

#: The parameters a request carries under their own name (the codec's list, from ChatOptions' fields).
_SIMPLE = tuple(sorted(PASSTHROUGH))


def _message(raw: dict[str, Any]) -> Message:
    content = raw.get("content")
    if isinstance(content, list):
        content = "".join(p.get("text", "") for p in content if isinstance(p, dict))
    calls = tuple(
        ToolCall(c["id"], c["function"]["name"], c["function"].get("arguments") or "{}")
        for c in raw.get("tool_calls") or ()
    )
    return Message(raw["role"], content or "", calls, raw.get("name"), raw.get("tool_call_id"))


def decode_request(body: dict[str, Any]) -> tuple[list[Message], list[ToolDefinition] | None, ChatOptions]:
    """Messages, tools and options from a ``/chat/completions`` request body (unknown keys go to raw)."""
    known = {
        "model",
        "messages",
        "tools",
        "stop",
        "tool_choice",
        "response_format",
        "reasoning",
        "reasoning_effort",
        "max_tokens",
        "max_completion_tokens",
        "stream",
        "stream_options",
        *_SIMPLE,
    }
    try:
        messages = [_message(m) for m in body["messages"]]
        tools = [ToolDefinition.from_openai(t) for t in body["tools"]] if body.get("tools") else None
        options: dict[str, Any] = {k: body[k] for k in _SIMPLE if k in body}
        max_tokens = body.get("max_tokens", body.get("max_completion_tokens"))
        if max_tokens is not None:
            options["max_tokens"] = max_tokens
        if "stop" in body:
            options["stop"] = [body["stop"]] if isinstance(body["stop"], str) else body["stop"]
        if (choice := body.get("tool_choice")) is not None:
            options["tool_choice"] = (
                ToolChoice.named(choice["function"]["name"]) if isinstance(choice, dict) else ToolChoice(choice)
            )
        if (fmt := body.get("response_format")) is not None:
            schema = fmt.get("json_schema") or {}
            options["response_format"] = ResponseFormat(
                fmt["type"], schema.get("schema"), schema.get("name"), schema.get("strict")
            )
        if (reasoning := body.get("reasoning")) is not None:
            options["reasoning"] = ReasoningConfig(
                reasoning.get("effort"), reasoning.get("max_tokens"), reasoning.get("exclude")
            )
        elif (effort := body.get("reasoning_effort")) is not None:
            options["reasoning"] = ReasoningConfig(effort)
        raw = {k: v for k, v in body.items() if k not in known}
        return messages, tools, ChatOptions(model=body["model"], raw_provider_options=raw or None, **options)
    except (KeyError, TypeError, AttributeError) as exc:
        raise InvalidInput(f"not a chat completions request: {exc!r}") from exc


def encode_usage(usage: Usage) -> dict[str, Any]:
    out: dict[str, Any] = {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.total_tokens,
    }
    if usage.reasoning_tokens is not None:
        out["completion_tokens_details"] = {"reasoning_tokens": usage.reasoning_tokens}
    prompt_details = {}
    if usage.cached_tokens is not None:
        prompt_details["cached_tokens"] = usage.cached_tokens
    if usage.cache_creation_tokens is not None:
        prompt_details["cache_write_tokens"] = usage.cache_creation_tokens
    if prompt_details:
        out["prompt_tokens_details"] = prompt_details
    if usage.cost is not None:
        out["cost"] = usage.cost.total  # USD, as OpenRouter reports it
    return out


def _calls(calls: tuple[ToolCall, ...]) -> list[dict[str, Any]]:
    return [{"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}} for c in calls]


def encode_response(response: ChatResponse, *, model: str, reasoning_field: str = "reasoning") -> dict[str, Any]:
    """A ``chat.completion`` object for an answer."""
    message: dict[str, Any] = {"role": Role.ASSISTANT.value, "content": response.content or None}
    if response.reasoning is not None:
        message[reasoning_field] = response.reasoning
    if response.tool_calls:
        message["tool_calls"] = _calls(response.tool_calls)
    body: dict[str, Any] = {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": 1700000000,
        "model": response.model or model,
        "choices": [{"index": 0, "message": message, "finish_reason": response.finish_reason.value}],
    }
    if response.usage is not None:
        body["usage"] = encode_usage(response.usage)
    return body


def _pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] if text else []


def encode_chunks(
    response: ChatResponse, *, model: str, piece_size: int = 4, reasoning_field: str = "reasoning"
) -> list[dict[str, Any]]:
    """The ``chat.completion.chunk`` objects streaming an answer, split in ``piece_size``-character deltas,
    ending with the finish chunk and (when there is usage) the usage chunk with empty ``choices``."""
    head = {
        "id": "chatcmpl-stub",
        "object": "chat.completion.chunk",
        "created": 1700000000,
        "model": response.model or model,
    }

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}

    chunks = [chunk({"role": "assistant", "content": ""})]
    chunks += [chunk({reasoning_field: p}) for p in _pieces(response.reasoning or "", piece_size)]
    chunks += [chunk({"content": p}) for p in _pieces(response.content, piece_size)]
    for index, call in enumerate(response.tool_calls):
        first = {
            "index": index,
            "id": call.id,
            "type": "function",
            "function": {"name": call.name, "arguments": ""},
        }
        chunks.append(chunk({"tool_calls": [first]}))
        chunks += [
            chunk({"tool_calls": [{"index": index, "function": {"arguments": p}}]})
            for p in _pieces(call.arguments, piece_size)
        ]
    chunks.append(chunk({}, response.finish_reason.value))
    if response.usage is not None:
        chunks.append({**head, "choices": [], "usage": encode_usage(response.usage)})
    return chunks
