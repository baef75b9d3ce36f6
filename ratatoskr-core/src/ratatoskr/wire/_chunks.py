"""Decoding OpenAI ``chat.completion.chunk`` objects into Ratatoskr stream events.

Rules the decoder guarantees whatever order the server sends things in:

- a tool call starts once, with a stable id, when its id and name are known and its arguments begin (or when
  the stream moves past it); arguments that arrive before that are held and sent right after the start;
  a server that reuses index 0 for a second call (new id) gets a fresh output index; output indices count
  up from 0 in order of first appearance;
- every started call ends (``ToolCallEnd``) when the choice finishes or the stream ends; a call that got no
  arguments receives ``{}``;
- reasoning comes from ``delta.reasoning`` (OpenRouter), ``delta.reasoning_content`` (vLLM, llama.cpp,
  DeepSeek) or, when neither is there, the text of ``delta.reasoning_details``; never mixed into content;
- usage is kept (the latest figures win) and reported once, just before ``DoneEvent``; ``DoneEvent`` comes
  once, last, from :meth:`ChunkDecoder.finish`;
- an ``error`` object in a chunk raises the mapped error
  (:func:`~ratatoskr.wire.http.error_from_stream_object`).
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import Any

from ratatoskr.errors import ResponseFormatError, StreamError
from ratatoskr.types.chat import (
    ChatEvent,
    ContentEvent,
    DoneEvent,
    FinishReason,
    ReasoningEvent,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    Usage,
    UsageEvent,
)
from ratatoskr.wire.failure import ErrorClassifier
from ratatoskr.wire.http import decode_json, error_from_stream_object
from ratatoskr.wire.sse import ServerSentEvent, aiter_sse

__all__ = [
    "ChunkDecoder",
    "SSEChatReader",
    "chat_events",
    "finish_reason",
    "reasoning_text",
    "sse_chat_events",
    "usage_from",
]

_FINISH = {
    "stop": FinishReason.STOP,
    "eos": FinishReason.STOP,
    "end_turn": FinishReason.STOP,
    "stop_sequence": FinishReason.STOP,
    "length": FinishReason.LENGTH,
    "max_tokens": FinishReason.LENGTH,
    "tool_calls": FinishReason.TOOL_CALLS,
    "function_call": FinishReason.TOOL_CALLS,
    "tool_use": FinishReason.TOOL_CALLS,
    "content_filter": FinishReason.CONTENT_FILTER,
}


_REASONING_KEYS = frozenset({"reasoning", "reasoning_content", "reasoning_details"})


def finish_reason(value: Any) -> FinishReason | None:
    """Our finish reason for a wire value (``None`` stays ``None``; unknown values read as ``stop``)."""
    if value is None:
        return None
    return _FINISH.get(str(value), FinishReason.STOP)


def reasoning_text(part: dict[str, Any]) -> str:
    """The reasoning text of a message or delta, from whichever field the server uses."""
    text = part.get("reasoning")
    if isinstance(text, str) and text:
        return text
    text = part.get("reasoning_content")
    if isinstance(text, str) and text:
        return text
    details = part.get("reasoning_details")
    if isinstance(details, list):
        pieces = []
        for item in details:
            if isinstance(item, dict):
                piece = item.get("text") if item.get("type") != "reasoning.summary" else item.get("summary")
                if isinstance(piece, str):
                    pieces.append(piece)
        return "".join(pieces)
    return ""


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def usage_from(raw: Any) -> Usage | None:
    """A :class:`Usage` from an OpenAI ``usage`` object (with its ``*_tokens_details``)."""
    if not isinstance(raw, dict):
        return None
    prompt = _int(raw.get("prompt_tokens")) or 0
    completion = _int(raw.get("completion_tokens")) or 0
    prompt_details = raw.get("prompt_tokens_details") or {}
    completion_details = raw.get("completion_tokens_details") or {}
    return Usage(
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=_int(raw.get("total_tokens")) or prompt + completion,
        reasoning_tokens=_int(completion_details.get("reasoning_tokens")),
        cached_tokens=_int(prompt_details.get("cached_tokens")),
        cache_creation_tokens=_int(prompt_details.get("cache_write_tokens")),
    )


class _Call:
    __slots__ = ("arguments", "ended", "id", "index", "name", "sent_arguments", "started")

    def __init__(self, index: int) -> None:
        self.index = index
        self.id = ""
        self.name = ""
        self.arguments: list[str] = []  # held until the start
        self.started = False
        self.sent_arguments = False
        self.ended = False


class ChunkDecoder:
    """Stateful: feed each chunk object in order, then call :meth:`finish` once the stream ends."""

    def __init__(
        self,
        *,
        provider: str,
        model: str | None = None,
        exclude_reasoning: bool = False,
        classifier: ErrorClassifier | None = None,
    ) -> None:
        self.provider = provider
        #: The provider's error classifier, for error objects inside the stream.
        self.classifier = classifier
        self.model = model
        self.exclude_reasoning = exclude_reasoning
        self.finish_reason: FinishReason | None = None
        self.usage: Usage | None = None
        self._calls: dict[int, _Call] = {}  # wire index → current call at that index
        self._order: list[_Call] = []  # every call, by output index
        self._finished = False

    def error(self, obj: Any) -> Exception:
        """The typed error for an error object met in the stream."""
        return error_from_stream_object(obj, provider=self.provider, model=self.model, classifier=self.classifier)

    def feed(self, chunk: Any) -> list[ChatEvent]:
        if type(chunk) is not dict:
            raise ResponseFormatError(
                f"{self.provider}: stream chunk is not a JSON object: {chunk!r:.200}", provider=self.provider
            )
        if chunk.get("error") is not None:
            raise self.error(chunk)
        if model := chunk.get("model"):
            self.model = model
        if usage := chunk.get("usage"):
            self.usage = usage_from(usage) or self.usage
        events: list[ChatEvent] = []
        for choice in chunk.get("choices") or ():
            if choice.get("index", 0) != 0:
                continue  # n > 1 is not part of our model: the first choice is the answer
            delta = choice.get("delta")
            if delta:
                if not self.exclude_reasoning and _REASONING_KEYS & delta.keys() and (text := reasoning_text(delta)):
                    events.append(ReasoningEvent(text))
                content = delta.get("content")
                if content:
                    events.append(ContentEvent(content if isinstance(content, str) else str(content)))
                if tool_calls := delta.get("tool_calls"):
                    self._tool_deltas(tool_calls, events)
            if (reason := choice.get("finish_reason")) is not None:
                if reason == "error":
                    raise StreamError(
                        f"{self.provider}: the stream ended with finish_reason 'error'", provider=self.provider
                    )
                self.finish_reason = finish_reason(reason)
                self._close_calls(events)
        return events

    def finish(self) -> list[ChatEvent]:
        """Close open tool calls, report usage, then ``DoneEvent`` (only the first call returns anything)."""
        if self._finished:
            return []
        self._finished = True
        events: list[ChatEvent] = []
        self._close_calls(events)
        if self.usage is not None:
            events.append(UsageEvent(self.usage))
        reason = self.finish_reason
        if reason is None:
            reason = FinishReason.TOOL_CALLS if self._order else FinishReason.STOP
        events.append(DoneEvent(reason, self.model, self.provider))
        return events

    # tool calls ---------------------------------------------------------------------------------------------

    def _tool_deltas(self, tool_calls: list[Any], events: list[ChatEvent]) -> None:
        for position, item in enumerate(tool_calls):
            wire_index = _int(item.get("index"))
            if wire_index is None:
                wire_index = position
            function = item.get("function") or {}
            call_id = item.get("id") or ""
            call = self._calls.get(wire_index)
            if call is None or (call_id and call.id and call_id != call.id):
                # A new call, or a server reusing an index for the next call (its id differs).
                if call is not None:
                    self._start(call, events, force=True)
                call = _Call(len(self._order))
                self._calls[wire_index] = call
                self._order.append(call)
                for earlier in self._order[:-1]:
                    self._start(earlier, events, force=True)  # the stream moved past them
            if call_id and not call.id:
                call.id = call_id
            name = function.get("name")
            if name and name != call.name and not call.started:
                call.name += name  # a name sent in pieces; a repeated full name is not appended
            arguments = function.get("arguments")
            if arguments:
                if not isinstance(arguments, str):
                    arguments = json.dumps(arguments)
                if call.started:
                    call.sent_arguments = True
                    events.append(ToolCallDelta(call.index, arguments))
                else:
                    call.arguments.append(arguments)
                    self._start(call, events, force=False)

    def _start(self, call: _Call, events: list[ChatEvent], *, force: bool) -> None:
        if call.started or not (force or (call.id and call.name)):
            return
        call.started = True
        events.append(ToolCallStart(call.index, call.id or f"call_{call.index}", call.name))
        if call.arguments:
            call.sent_arguments = True
            events.append(ToolCallDelta(call.index, "".join(call.arguments)))
            call.arguments = []

    def _close_calls(self, events: list[ChatEvent]) -> None:
        for call in self._order:
            self._start(call, events, force=True)
        for call in self._order:
            if not call.ended:
                call.ended = True
                if not call.sent_arguments:
                    events.append(ToolCallDelta(call.index, "{}"))
                events.append(ToolCallEnd(call.index))


async def chat_events(chunks: AsyncGenerator[bytes, None], decoder: ChunkDecoder) -> AsyncGenerator[ChatEvent, None]:
    """The chat events of an OpenAI-style SSE body (``data: {chunk}`` events, then ``data: [DONE]``), from
    the raw body chunks (closed when done). A body that ends before ``[DONE]`` and without a finish reason
    broke: :class:`StreamError`."""
    async with aclosing(chunks), aclosing(sse_chat_events(aiter_sse(chunks), decoder)) as events:
        async for event in events:
            yield event


async def sse_chat_events(
    events: AsyncGenerator[ServerSentEvent, None], decoder: ChunkDecoder
) -> AsyncGenerator[ChatEvent, None]:
    """The chat events of already decoded Server-Sent Events (what an endpoint's ``stream_sse`` yields,
    closed when done); the same rules as :func:`chat_events`."""
    reader = SSEChatReader(decoder)
    async with aclosing(events):
        async for event in events:
            for item in reader.items(event):
                yield item
    for item in reader.finish():
        yield item


class SSEChatReader:
    """:func:`sse_chat_events` one event at a time, for a stream loop that has no generator layer to spare:
    :meth:`items` for each Server-Sent Event, then :meth:`finish` once the body ended."""

    __slots__ = ("complete", "decoder")

    def __init__(self, decoder: ChunkDecoder) -> None:
        self.decoder = decoder
        self.complete = False

    def items(self, event: ServerSentEvent) -> list[ChatEvent]:
        """The chat events of one Server-Sent Event (none for ``[DONE]``, pings and what follows ``[DONE]``)."""
        data = event.data
        if data == "[DONE]":
            # Read on to the end of the body rather than stop here (see ratatoskr.wire._body.drain).
            self.complete = True
            return []
        if self.complete or not data or event.event == "ping":
            return []
        decoder = self.decoder
        chunk = decode_json(data, provider=decoder.provider, what="stream chunk")
        if event.event == "error":
            raise decoder.error(chunk)
        return decoder.feed(chunk)

    def finish(self) -> list[ChatEvent]:
        """The closing events; a body that ended before ``[DONE]`` and without a finish reason broke
        (:class:`StreamError`)."""
        decoder = self.decoder
        if not self.complete and decoder.finish_reason is None:
            raise StreamError(f"{decoder.provider}: the stream ended before it finished", provider=decoder.provider)
        return decoder.finish()
