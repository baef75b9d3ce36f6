"""``streamGenerateContent?alt=sse`` chunks → :class:`~ratatoskr.types.ChatEvent`.

Each SSE event is a whole ``GenerateContentResponse`` holding the next parts (https://ai.google.dev/api/generate-content
#method:-models.streamgeneratecontent). There is no end marker: the last chunk carries ``finishReason``.
``usageMetadata`` may come with every chunk (running totals): the last one is reported, once, before Done.
A function call arrives whole in one part, so it is one start, one delta with all its arguments, one end.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ratatoskr.errors import RatatoskrError
from ratatoskr.types.chat import (
    ChatEvent,
    ContentEvent,
    DoneEvent,
    FinishReason,
    ReasoningEvent,
    Usage,
    UsageEvent,
)

from ratatoskr_providers_google._wire import (
    NAME,
    candidate,
    check_blocked,
    finish_reason,
    parts_of,
    tool_call_from,
    usage_from,
)

__all__ = ["GeminiStreamDecoder"]


class GeminiStreamDecoder:
    """Feed it each chunk's JSON; then :meth:`close` gives the usage and the one Done."""

    def __init__(self, model: str, *, on_error: Callable[[Any], RatatoskrError]) -> None:
        self.model = model
        self.on_error = on_error
        self.calls = 0
        self.usage: Usage | None = None
        self.finish: str | None = None
        self.served: str | None = None

    @property
    def finished(self) -> bool:
        """Whether a chunk carried a finish reason (a stream cut short has none)."""
        return self.finish is not None

    def feed(self, obj: Any) -> list[ChatEvent]:
        if not isinstance(obj, dict) or "error" in obj:
            raise self.on_error(obj)
        check_blocked(obj)
        if isinstance(obj.get("modelVersion"), str):
            self.served = obj["modelVersion"]
        if isinstance(obj.get("usageMetadata"), dict):
            self.usage = usage_from(obj["usageMetadata"])
        cand = candidate(obj)
        events: list[ChatEvent] = []
        for part in parts_of(cand):
            events += self._part(part)
        if isinstance(cand.get("finishReason"), str):
            self.finish = cand["finishReason"]
        return events

    def _part(self, part: Mapping[str, Any]) -> list[ChatEvent]:
        signature = part.get("thoughtSignature") or None
        text = part.get("text")
        if part.get("thought"):
            return [ReasoningEvent(text or "", signature=signature)] if text or signature else []
        events: list[ChatEvent] = []
        if isinstance(text, str) and text:
            events.append(ContentEvent(text))
        elif isinstance(part.get("functionCall"), dict):
            events += tool_call_from(part["functionCall"]).stream_events(self.calls)
            self.calls += 1
        if signature:  # kept for the next turn (the thought-signatures guide): a reasoning event with no text
            events.append(ReasoningEvent("", signature=signature))
        return events

    def close(self) -> list[ChatEvent]:
        events: list[ChatEvent] = [UsageEvent(self.usage)] if self.usage is not None else []
        reason: FinishReason = finish_reason(self.finish, self.calls > 0)
        events.append(DoneEvent(reason, self.served or self.model, NAME))
        return events
