"""Ollama's ``/api/chat`` stream (NDJSON objects, the last with ``done: true``) → our chat events."""

from __future__ import annotations

from typing import Any

from ratatoskr.types.chat import ChatEvent, ContentEvent, DoneEvent, ReasoningEvent, UsageEvent

from ratatoskr_providers_ollama._wire import NAME, finish_reason, message_of, tool_calls_from, usage_from

__all__ = ["OllamaChatDecoder"]


class OllamaChatDecoder:
    """``/api/chat`` stream objects → our events. Ollama sends each tool call whole, so one call becomes
    Start, one Delta with all its arguments, and End, under an id we make."""

    def __init__(self, model: str, *, hide_reasoning: bool = False) -> None:
        self.model = model
        self.hide_reasoning = hide_reasoning
        self.finished = False
        self._tool_count = 0

    def feed(self, obj: Any) -> list[ChatEvent]:
        if self.finished:
            return []
        message = message_of(obj)
        events: list[ChatEvent] = []
        if message.get("thinking") and not self.hide_reasoning:
            events.append(ReasoningEvent(str(message["thinking"])))
        if message.get("content"):
            events.append(ContentEvent(str(message["content"])))
        for call in tool_calls_from(message):
            events += call.stream_events(self._tool_count)
            self._tool_count += 1
        if obj.get("done"):
            self.finished = True
            self.model = obj.get("model") or self.model
            if (usage := usage_from(obj)) is not None:
                events.append(UsageEvent(usage))
            reason = finish_reason(obj.get("done_reason"), self._tool_count > 0)
            events.append(DoneEvent(reason, model=self.model, provider=NAME))
        return events
