"""Server-Sent Events, decoded incrementally from bytes.

Follows the WHATWG "event stream interpretation" rules
(https://html.spec.whatwg.org/multipage/server-sent-events.html#event-stream-interpretation): lines end in
CRLF, LF or CR; a leading BOM is dropped; ``:`` starts a comment (OpenRouter's ``: OPENROUTER PROCESSING``
keep-alives); a line without a colon is a field with an empty value; one space after the colon is dropped;
``data`` lines join with ``\\n``; a blank line dispatches the event; a block without ``data`` dispatches
nothing. The decoder accepts chunks split anywhere, including inside a CRLF pair or a UTF-8 sequence: any
split of the same bytes yields the same events.

Unlike a browser, :meth:`SSEDecoder.close` dispatches a last event that was not followed by a blank line,
because some servers end the body right after the final ``data:`` line.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import AsyncGenerator, AsyncIterable

from attrs import frozen

__all__ = ["SSEDecoder", "ServerSentEvent", "aiter_sse"]

_LINE_END = re.compile(r"\r\n|\r|\n")


@frozen
class ServerSentEvent:
    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None


class SSEDecoder:
    """Feed bytes, get the complete events they finish."""

    __slots__ = ("_bom_checked", "_buffer", "_data", "_event", "_last_id", "_retry", "_text")

    def __init__(self) -> None:
        self._text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._buffer = ""
        self._bom_checked = False
        self._data: list[str] = []
        self._event = ""
        self._last_id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        return self._feed_text(self._text.decode(chunk))

    def close(self) -> list[ServerSentEvent]:
        """End of stream: flush the last line and the last event even without a closing blank line."""
        events = self._feed_text(self._text.decode(b"", final=True))
        rest = self._buffer
        self._buffer = ""
        if rest:
            # A lone trailing CR ended its line; anything else is a last, unterminated line.
            self._line(rest[:-1] if rest.endswith("\r") else rest, events)
        self._dispatch(events)
        return events

    def _feed_text(self, text: str) -> list[ServerSentEvent]:
        events: list[ServerSentEvent] = []
        if not text:
            return events
        if not self._bom_checked:
            self._bom_checked = True
            if text[0] == "\ufeff":
                text = text[1:]
        buffer = self._buffer + text if self._buffer else text
        if "\r" not in buffer:
            # Fast path (nearly every server ends lines with LF alone): split, and handle data lines inline.
            *lines, self._buffer = buffer.split("\n")
            for line in lines:
                if not line:
                    self._dispatch(events)
                elif line.startswith("data:"):
                    self._data.append(line[6:] if line.startswith("data: ") else line[5:])
                else:
                    self._line(line, events)
            return events
        start = 0
        end = len(buffer)
        for match in _LINE_END.finditer(buffer):
            if match.end() == end and buffer[-1] == "\r":
                break  # a CR at the very end may be the first half of a CRLF: wait for the next chunk
            self._line(buffer[start : match.start()], events)
            start = match.end()
        self._buffer = buffer[start:]
        return events

    def _line(self, line: str, events: list[ServerSentEvent]) -> None:
        if not line:
            self._dispatch(events)
            return
        if line[0] == ":":
            return  # comment / keep-alive
        name, colon, value = line.partition(":")
        if colon and value[:1] == " ":
            value = value[1:]
        if name == "data":
            self._data.append(value)
        elif name == "event":
            self._event = value
        elif name == "id":
            if "\0" not in value:
                self._last_id = value
        elif name == "retry" and value.isascii() and value.isdigit():
            self._retry = int(value)
        # any other field name is ignored, as the standard says

    def _dispatch(self, events: list[ServerSentEvent]) -> None:
        if self._data:
            events.append(ServerSentEvent(self._event or "message", "\n".join(self._data), self._last_id, self._retry))
        self._data = []
        self._event = ""
        self._retry = None


async def aiter_sse(chunks: AsyncIterable[bytes]) -> AsyncGenerator[ServerSentEvent, None]:
    """The events of a byte stream, the last unterminated one included."""
    decoder = SSEDecoder()
    async for chunk in chunks:
        for event in decoder.feed(chunk):
            yield event
    for event in decoder.close():
        yield event
