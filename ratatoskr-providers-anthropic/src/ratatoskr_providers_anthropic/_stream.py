"""Anthropic streaming events → our ChatEvent model (a pure, incremental decoder).

The event flow is documented on the "Streaming Messages" page: ``message_start``; per content block a
``content_block_start``, ``content_block_delta`` events (``text_delta``, ``input_json_delta``,
``thinking_delta``, ``signature_delta``) and a ``content_block_stop``; ``message_delta`` (stop reason,
cumulative usage); ``message_stop``. ``ping`` may come anywhere; ``error`` reports a failure after the
200 status.

A thinking block streams as its text (``ReasoningEvent``s), then its signature (``signature_delta``, just before
the block stops) as ``ReasoningEvent("", signature=...)``; a ``redacted_thinking`` block arrives whole in its
``content_block_start`` and becomes ``ReasoningEvent("", redacted=data)``. ``ChatAccumulator`` rebuilds the
signed blocks from these, for the next turn of a tool loop.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from ratatoskr.errors import ResponseFormatError, StreamError
from ratatoskr.types.chat import (
    ChatEvent,
    ContentEvent,
    DoneEvent,
    ReasoningEvent,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    UsageEvent,
)

from ratatoskr_providers_anthropic._wire import NAME, finish_reason, usage_from

__all__ = ["AnthropicStreamDecoder"]

#: Maps an ``error`` event's JSON object to the exception to raise (injected: the shared wire mapping).
ErrorMapper = Callable[[Any], Exception]


class _ToolBlock:
    __slots__ = ("arguments", "index")

    def __init__(self, index: int) -> None:
        self.index = index
        self.arguments: list[str] = []


class AnthropicStreamDecoder:
    """Feed each SSE event's decoded JSON ``data``, get our events back; ``finished`` after message_stop."""

    def __init__(self, model: str, *, hide_reasoning: bool = False, on_error: ErrorMapper | None = None) -> None:
        self.model = model
        self.hide_reasoning = hide_reasoning
        self.finished = False
        self._error_mapper = on_error
        self._usage: dict[str, Any] = {}
        self._stop_reason: str | None = None
        self._tools: dict[int, _ToolBlock] = {}
        self._tool_count = 0

    def feed(self, data: Any) -> list[ChatEvent]:
        if not isinstance(data, dict) or not isinstance(data.get("type"), str):
            raise ResponseFormatError(
                f"Anthropic stream event is not an event object: {str(data)[:200]}", provider=NAME
            )
        if self.finished:
            return []  # nothing after message_stop belongs to the answer
        handler = getattr(self, "_on_" + data["type"], None)
        return handler(data) if handler is not None else []  # ping and future event types

    # ---- events ----------------------------------------------------------------------------------------

    def _on_message_start(self, data: dict[str, Any]) -> list[ChatEvent]:
        message = data.get("message") or {}
        self.model = message.get("model") or self.model
        if isinstance(message.get("usage"), dict):
            self._usage.update(message["usage"])
        return []

    def _on_content_block_start(self, data: dict[str, Any]) -> list[ChatEvent]:
        block = data.get("content_block") or {}
        kind = block.get("type")
        if kind == "tool_use":
            tool = _ToolBlock(self._tool_count)
            self._tool_count += 1
            self._tools[_index(data)] = tool
            events: list[ChatEvent] = [ToolCallStart(tool.index, str(block.get("id", "")), str(block.get("name", "")))]
            if block.get("input"):  # normally {} and filled by input_json_delta
                text = json.dumps(block["input"], ensure_ascii=False, separators=(",", ":"))
                tool.arguments.append(text)
                events.append(ToolCallDelta(tool.index, text))
            return events
        if kind == "text" and block.get("text"):
            return [ContentEvent(str(block["text"]))]
        hidden = self.hide_reasoning
        if kind == "thinking" and block.get("thinking"):
            return [ReasoningEvent(str(block["thinking"]), hidden=hidden)]
        if kind == "redacted_thinking" and block.get("data"):
            return [ReasoningEvent("", redacted=str(block["data"]), hidden=hidden)]
        return []

    def _on_content_block_delta(self, data: dict[str, Any]) -> list[ChatEvent]:
        delta = data.get("delta") or {}
        kind = delta.get("type")
        if kind == "text_delta":
            return [ContentEvent(str(delta.get("text", "")))] if delta.get("text") else []
        if kind == "thinking_delta":
            if not delta.get("thinking"):
                return []
            # With exclude_from_output the thinking is still streamed, marked hidden: a signed block can only be
            # sent back on the next turn of a tool loop with its text.
            return [ReasoningEvent(str(delta["thinking"]), hidden=self.hide_reasoning)]
        if kind == "signature_delta":
            if not delta.get("signature"):
                return []
            return [ReasoningEvent("", signature=str(delta["signature"]), hidden=self.hide_reasoning)]
        if kind == "input_json_delta":
            tool = self._tools.get(_index(data))
            piece = str(delta.get("partial_json", ""))
            if tool is None:
                raise ResponseFormatError(
                    f"input_json_delta for block {_index(data)} that is no tool_use block", provider=NAME
                )
            if not piece:
                return []
            tool.arguments.append(piece)
            return [ToolCallDelta(tool.index, piece)]
        return []  # citations_delta: nothing our event model carries

    def _on_content_block_stop(self, data: dict[str, Any]) -> list[ChatEvent]:
        tool = self._tools.pop(_index(data), None)
        if tool is None:
            return []
        text = "".join(tool.arguments)
        events: list[ChatEvent] = []
        if not text.strip():
            events.append(ToolCallDelta(tool.index, "{}"))  # a call without input still has valid JSON arguments
        else:
            try:
                json.loads(text)
            except json.JSONDecodeError as exc:
                raise ResponseFormatError(
                    f"tool call {tool.index} ended with invalid JSON input: {exc}", provider=NAME
                ) from exc
        events.append(ToolCallEnd(tool.index))
        return events

    def _on_message_delta(self, data: dict[str, Any]) -> list[ChatEvent]:
        delta = data.get("delta") or {}
        if delta.get("stop_reason"):
            self._stop_reason = delta["stop_reason"]
        if isinstance(data.get("usage"), dict):
            # message_delta usage is cumulative: later figures replace earlier ones.
            self._usage.update({k: v for k, v in data["usage"].items() if v is not None})
        return []

    def _on_message_stop(self, data: dict[str, Any]) -> list[ChatEvent]:
        self.finished = True
        events: list[ChatEvent] = []
        for tool in sorted(self._tools.values(), key=lambda t: t.index):
            events.append(ToolCallEnd(tool.index))
        self._tools.clear()
        if self._usage:
            events.append(UsageEvent(usage_from(self._usage)))
        events.append(DoneEvent(finish_reason(self._stop_reason), model=self.model, provider=NAME))
        return events

    def _on_error(self, data: dict[str, Any]) -> list[ChatEvent]:
        if self._error_mapper is not None:
            raise self._error_mapper(data)
        error = data.get("error") or {}
        raise StreamError(f"Anthropic stream error {error.get('type')}: {error.get('message')}", provider=NAME)


def _index(data: dict[str, Any]) -> int:
    index = data.get("index")
    if not isinstance(index, int):
        raise ResponseFormatError(f"Anthropic stream event without a block index: {str(data)[:200]}", provider=NAME)
    return index
