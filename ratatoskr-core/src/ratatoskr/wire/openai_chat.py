"""The OpenAI chat-completions codec: our types to request JSON, response JSON and stream chunks to our types.

Wire format: https://platform.openai.com/docs/api-reference/chat/create (request and response),
https://platform.openai.com/docs/api-reference/chat-streaming (chunks), and OpenRouter's extensions
(https://openrouter.ai/docs/api/reference/overview, .../use-cases/reasoning-tokens): a ``reasoning`` request
object, ``reasoning``/``reasoning_details`` in messages and deltas. Local servers (vLLM, llama.cpp, LM Studio)
send ``reasoning_content``. The stream decoder is :mod:`ratatoskr.wire._chunks`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal

from ratatoskr.errors import InvalidInput, ResponseFormatError
from ratatoskr.types.chat import (
    CHAT_PARAMETERS,
    ChatOptions,
    ChatResponse,
    FinishReason,
    Message,
    ReasoningConfig,
    Role,
    ToolCall,
    ToolDefinition,
)
from ratatoskr.wire._chunks import (
    ChunkDecoder,
    SSEChatReader,
    chat_events,
    finish_reason,
    reasoning_text,
    sse_chat_events,
    usage_from,
)
from ratatoskr.wire.failure import ErrorClassifier
from ratatoskr.wire.http import error_from_stream_object

__all__ = [
    "PASSTHROUGH",
    "ChunkDecoder",
    "ReasoningDialect",
    "SSEChatReader",
    "build_request",
    "chat_events",
    "encode_message",
    "encode_tool",
    "finish_reason",
    "parse_response",
    "sse_chat_events",
    "usage_from",
]

#: How a server takes reasoning settings:
#: ``openai`` → ``reasoning_effort``; ``openrouter`` → a ``reasoning`` object.
ReasoningDialect = Literal["openai", "openrouter"]

#: The chat parameters the OpenAI format carries under their own name, value as is (from ChatOptions' fields:
#: every parameter but those encoded below in a shape of their own).
PASSTHROUGH: frozenset[str] = CHAT_PARAMETERS - {
    "max_tokens",
    "stop",
    "tool_choice",
    "response_format",
    "reasoning",
    "cache_prompt",
}


def encode_message(message: Message, *, cache: bool = False) -> dict[str, Any]:
    """One message in OpenAI form. ``cache`` marks it as an Anthropic-style prompt-cache breakpoint
    (content becomes one text part with ``cache_control``, as OpenRouter documents for prompt caching)."""
    out: dict[str, Any] = {"role": message.role.value}
    if cache and message.content:
        out["content"] = [{"type": "text", "text": message.content, "cache_control": {"type": "ephemeral"}}]
    elif message.role is Role.ASSISTANT and message.tool_calls and not message.content:
        out["content"] = None
    else:
        out["content"] = message.content
    if message.role is Role.TOOL:
        out["tool_call_id"] = message.tool_call_id
    elif message.name:
        out["name"] = message.name
    if message.tool_calls:
        out["tool_calls"] = [
            {"id": call.id, "type": "function", "function": {"name": call.name, "arguments": call.arguments}}
            for call in message.tool_calls
        ]
    return out


def encode_tool(tool: ToolDefinition) -> dict[str, Any]:
    function: dict[str, Any] = {"name": tool.name}
    if tool.description:
        function["description"] = tool.description
    function["parameters"] = tool.parameters  # the caller's JSON schema, untouched
    out: dict[str, Any] = {"type": "function", "function": function}
    if tool.cache_control is not None:
        out["cache_control"] = tool.cache_control
    return out


def _reasoning(config: ReasoningConfig, dialect: ReasoningDialect) -> dict[str, Any]:
    # Every part given is encoded. What a server cannot take (OpenAI: a token budget; OpenRouter: effort and a
    # budget together) its provider declares (OpenAICompatibleClient.parameter_problems), so such a config reaches
    # here only with validation = "ignore", and the server answers for itself.
    if dialect == "openrouter":
        body: dict[str, Any] = {}
        if config.effort is not None:
            body["effort"] = config.effort.value
        if config.max_tokens is not None:
            body["max_tokens"] = config.max_tokens
        if config.exclude_from_output is not None:
            body["exclude"] = config.exclude_from_output
        if not body:
            body["enabled"] = True
        return {"reasoning": body}
    # exclude_from_output is honoured while decoding (the reasoning text is dropped), not sent.
    out: dict[str, Any] = {"reasoning_effort": config.effort.value} if config.effort is not None else {}
    if config.max_tokens is not None:  # no field for it: under the option's own name
        out["reasoning"] = {"max_tokens": config.max_tokens}
    return out


def _merge(base: dict[str, Any], extra: dict[str, Any]) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value


def build_request(
    messages: Sequence[Message],
    tools: Sequence[ToolDefinition] | None,
    options: ChatOptions,
    *,
    stream: bool,
    reasoning_dialect: ReasoningDialect = "openai",
    max_tokens_field: str = "max_tokens",
    stream_usage: bool = True,
) -> dict[str, Any]:
    """The request body for ``POST /chat/completions``.

    Every option set in ``options`` is encoded: deciding what a provider may receive is the dispatcher's validation
    stage, not the codec's. ``raw_provider_options`` is merged last (deeply for objects), so it can override
    anything.
    """
    if not messages:
        raise InvalidInput("a chat request needs at least one message")
    cache_at = -1
    if options.cache_prompt:
        # The breakpoint goes on the last system message (else the first message): the stable prefix.
        system = [i for i, m in enumerate(messages) if m.role is Role.SYSTEM]
        cache_at = system[-1] if system else 0
    body: dict[str, Any] = {
        "model": options.model,
        "messages": [encode_message(m, cache=i == cache_at) for i, m in enumerate(messages)],
    }
    if tools:
        body["tools"] = [encode_tool(t) for t in tools]
    for field_name in sorted(PASSTHROUGH):
        value = getattr(options, field_name)
        if value is not None:
            body[field_name] = value
    if options.max_tokens is not None:
        body[max_tokens_field] = options.max_tokens
    if options.stop is not None:
        body["stop"] = list(options.stop)
    if (choice := options.tool_choice) is not None:
        body["tool_choice"] = (
            {"type": "function", "function": {"name": choice.function}} if choice.mode == "function" else choice.mode
        )
    if (fmt := options.response_format) is not None:
        if fmt.type == "json_schema":
            schema: dict[str, Any] = {"name": fmt.name or "response", "schema": fmt.schema}
            if fmt.strict is not None:
                schema["strict"] = fmt.strict
            body["response_format"] = {"type": "json_schema", "json_schema": schema}
        else:
            body["response_format"] = {"type": fmt.type}
    if options.reasoning is not None:
        body.update(_reasoning(options.reasoning, reasoning_dialect))
    if stream:
        body["stream"] = True
        if stream_usage:
            body["stream_options"] = {"include_usage": True}
    if options.raw_provider_options:
        _merge(body, options.raw_provider_options)
    return body


def _text(content: Any) -> str:
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # content parts
        return "".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    return str(content)


def _tool_calls(raw: Any) -> tuple[ToolCall, ...]:
    calls = []
    for position, item in enumerate(raw or ()):
        function = item.get("function") or {}
        arguments = function.get("arguments")
        if not isinstance(arguments, str):  # some servers send an object
            arguments = json.dumps(arguments) if arguments is not None else "{}"
        calls.append(ToolCall(item.get("id") or f"call_{position}", function.get("name") or "", arguments or "{}"))
    return tuple(calls)


def parse_response(
    body: Any, *, provider: str, exclude_reasoning: bool = False, classifier: ErrorClassifier | None = None
) -> ChatResponse:
    """A :class:`ChatResponse` from a ``chat.completion`` object; an error body raises the error the
    provider's ``classifier`` (else the generic mapping) gives it."""
    if not isinstance(body, dict):
        raise ResponseFormatError(f"{provider}: chat completion is not a JSON object", provider=provider)
    if body.get("error") is not None:
        raise error_from_stream_object(body, provider=provider, model=body.get("model"), classifier=classifier)
    choices = body.get("choices")
    if not choices or not isinstance(choices[0], dict):
        raise ResponseFormatError(f"{provider}: chat completion has no choices: {str(body)[:200]}", provider=provider)
    choice = choices[0]
    message = choice.get("message") or {}
    if choice.get("error") is not None:
        raise error_from_stream_object(choice, provider=provider, model=body.get("model"), classifier=classifier)
    reasoning = None if exclude_reasoning else reasoning_text(message)
    tool_calls = _tool_calls(message.get("tool_calls"))
    reason = finish_reason(choice.get("finish_reason"))
    if reason is None:
        reason = FinishReason.TOOL_CALLS if tool_calls else FinishReason.STOP
    usage = usage_from(body.get("usage"))
    return ChatResponse(
        content=_text(message.get("content")),
        reasoning=reasoning or None,
        tool_calls=tool_calls,
        usage=usage,
        finish_reason=reason,
        model=body.get("model"),
        provider=provider,
    )
