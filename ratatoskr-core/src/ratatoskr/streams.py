"""Stream normalisation: whatever a provider yields, callers see one well-formed event sequence.

Invariants: every ``ToolCallStart`` is closed by a ``ToolCallEnd`` before ``Done``; usage is reported at most
once, just before ``Done`` (several usage events are merged, the latest figures winning); ``Done`` comes exactly
once and last, carrying the provider and model that served the stream. Events a provider sends after its own
Done are not part of the answer and end the stream.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import attrs

from ratatoskr.types.chat import (
    ChatEvent,
    ChatResponse,
    ContentEvent,
    DoneEvent,
    FinishReason,
    ReasoningBlock,
    ReasoningEvent,
    ToolCall,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
    UsageEvent,
)
from ratatoskr.types.generate import GenerateDone, GenerateEvent, TextEvent

__all__ = ["ChatAccumulator", "ChatNormaliser", "normalise_chat_stream", "normalise_generate_stream"]


def _merge(old: Usage | None, new: Usage) -> Usage:
    if old is None:
        return new
    changes = {k: v for k, v in attrs.asdict(new, recurse=False).items() if v}
    return attrs.evolve(old, **changes)


class ChatNormaliser:
    """:func:`normalise_chat_stream` one event at a time, for a stream loop with no generator layer to spare.

    Give each event to :meth:`event`: it returns the event to pass on, or None (usage is held for the end, an
    unmatched ``ToolCallEnd`` dropped); once :attr:`finished` (the provider's ``Done`` came) stop reading.
    Then :meth:`end` gives the closing events: open tool calls ended, the usage, ``Done``.
    """

    __slots__ = ("_done", "_model", "_open", "_provider", "_usage", "finished")

    def __init__(self, provider: str, model: str) -> None:
        self._provider = provider
        self._model = model
        self._usage: Usage | None = None
        self._open: dict[int, None] = {}
        self._done: DoneEvent | None = None
        #: The provider's ``Done`` came: what follows is not part of the answer.
        self.finished = False

    def event(self, event: ChatEvent) -> ChatEvent | None:
        """The event to pass on, or None."""
        if type(event) is ContentEvent:  # nearly every event: one check, not four
            return event
        if isinstance(event, DoneEvent):
            self._done = event
            self.finished = True
            return None
        if isinstance(event, UsageEvent):
            self._usage = _merge(self._usage, event.usage)
            return None
        if isinstance(event, ToolCallStart):
            self._open[event.index] = None
        elif isinstance(event, ToolCallEnd):
            if event.index not in self._open:
                return None  # an End for a call never started (or already ended) closes nothing
            del self._open[event.index]
        return event

    def end(self) -> list[ChatEvent]:
        """The closing events: ``ToolCallEnd`` for each open call, the merged usage, then ``Done``."""
        events: list[ChatEvent] = [ToolCallEnd(index) for index in self._open]
        if self._usage is not None:
            events.append(UsageEvent(self._usage))
        done = self._done or DoneEvent()
        events.append(attrs.evolve(done, provider=done.provider or self._provider, model=done.model or self._model))
        return events


async def normalise_chat_stream(
    events: AsyncGenerator[ChatEvent, None], provider: str, model: str
) -> AsyncGenerator[ChatEvent, None]:
    normaliser = ChatNormaliser(provider, model)
    try:
        async for event in events:
            passed = normaliser.event(event)
            if normaliser.finished:
                break
            if passed is not None:
                yield passed
    finally:
        await events.aclose()
    for event in normaliser.end():
        yield event


async def normalise_generate_stream(
    events: AsyncGenerator[GenerateEvent, None], provider: str, model: str
) -> AsyncGenerator[GenerateEvent, None]:
    done: GenerateDone | None = None
    try:
        async for event in events:
            if isinstance(event, GenerateDone):
                done = event
                break
            if isinstance(event, TextEvent):
                yield event
    finally:
        await events.aclose()
    done = done or GenerateDone()
    yield attrs.evolve(done, provider=done.provider or provider, model=done.model or model)


class ChatAccumulator:
    """Builds the ``ChatResponse`` a stream amounts to: feed it every event, then call :meth:`response`.

    ``accumulator.response().to_message()`` is the assistant turn to append to the conversation, with its tool
    calls and signed reasoning blocks, as the non-streaming ``chat`` would have returned it.
    """

    def __init__(self) -> None:
        self._content: list[str] = []
        self._reasoning: list[str] = []
        self._block: list[str] = []
        self._blocks: list[ReasoningBlock] = []
        self._calls: dict[int, list[str]] = {}
        self._usage: Usage | None = None
        self._done: DoneEvent | None = None

    def add(self, event: ChatEvent) -> None:
        if isinstance(event, ContentEvent):
            self._content.append(event.text)
        elif isinstance(event, ReasoningEvent):
            if not event.hidden:
                self._reasoning.append(event.text)
            self._block.append(event.text)
            if event.signature is not None or event.redacted is not None:
                self._close_block(event.signature, event.redacted)
        elif isinstance(event, ToolCallStart):
            self._calls[event.index] = [event.id, event.name]
        elif isinstance(event, ToolCallDelta):
            self._calls.setdefault(event.index, ["", ""]).append(event.arguments)
        elif isinstance(event, UsageEvent):
            self._usage = event.usage
        elif isinstance(event, DoneEvent):
            self._done = event

    def _close_block(self, signature: str | None, redacted: str | None) -> None:
        provider = self._done.provider if self._done else None
        self._blocks.append(ReasoningBlock("".join(self._block), signature, redacted, provider))
        self._block = []

    def response(self) -> ChatResponse:
        done = self._done or DoneEvent()
        blocks = [attrs.evolve(b, provider=b.provider or done.provider) for b in self._blocks]
        if "".join(self._block):
            blocks.append(ReasoningBlock("".join(self._block), provider=done.provider))
        calls = [ToolCall(parts[0], parts[1], "".join(parts[2:]) or "{}") for _, parts in sorted(self._calls.items())]
        reasoning = "".join(self._reasoning)
        return ChatResponse(
            content="".join(self._content),
            reasoning=reasoning or None,
            tool_calls=calls,
            usage=self._usage,
            finish_reason=done.finish_reason or (FinishReason.TOOL_CALLS if calls else FinishReason.STOP),
            model=done.model,
            provider=done.provider,
            reasoning_blocks=blocks,
        )
