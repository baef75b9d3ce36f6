"""Stream normalisation: whatever a provider yields, callers see one well-formed event sequence.

Invariants: every ``ToolCallStart`` is closed by a ``ToolCallEnd`` before ``Done``; usage is reported at most
once, just before ``Done`` (several usage events are merged, the latest figures winning); ``Done`` comes exactly
once and last, carrying the provider and model that served the stream. Events a provider sends after its own
Done are not part of the answer and end the stream.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import attrs

from ratatoskr.types import (
    ChatEvent,
    DoneEvent,
    GenerateDone,
    GenerateEvent,
    TextEvent,
    ToolCallEnd,
    ToolCallStart,
    Usage,
    UsageEvent,
)

__all__ = ["normalise_chat_stream", "normalise_generate_stream"]


def _merge(old: Usage | None, new: Usage) -> Usage:
    if old is None:
        return new
    changes = {k: v for k, v in attrs.asdict(new, recurse=False).items() if v}
    return attrs.evolve(old, **changes)


async def normalise_chat_stream(
    events: AsyncIterator[ChatEvent], provider: str, model: str
) -> AsyncIterator[ChatEvent]:
    usage: Usage | None = None
    open_calls: dict[int, None] = {}
    done: DoneEvent | None = None
    try:
        async for event in events:
            if isinstance(event, DoneEvent):
                done = event
                break
            if isinstance(event, UsageEvent):
                usage = _merge(usage, event.usage)
                continue
            if isinstance(event, ToolCallStart):
                open_calls[event.index] = None
            elif isinstance(event, ToolCallEnd):
                if event.index not in open_calls:
                    continue  # an End for a call never started (or already ended) closes nothing
                del open_calls[event.index]
            yield event
    finally:
        close = getattr(events, "aclose", None)
        if close is not None:
            await close()
    for index in open_calls:
        yield ToolCallEnd(index)
    if usage is not None:
        yield UsageEvent(usage)
    done = done or DoneEvent()
    yield attrs.evolve(done, provider=done.provider or provider, model=done.model or model)


async def normalise_generate_stream(
    events: AsyncIterator[GenerateEvent], provider: str, model: str
) -> AsyncIterator[GenerateEvent]:
    done: GenerateDone | None = None
    try:
        async for event in events:
            if isinstance(event, GenerateDone):
                done = event
                break
            if isinstance(event, TextEvent):
                yield event
    finally:
        close = getattr(events, "aclose", None)
        if close is not None:
            await close()
    done = done or GenerateDone()
    yield attrs.evolve(done, provider=done.provider or provider, model=done.model or model)
