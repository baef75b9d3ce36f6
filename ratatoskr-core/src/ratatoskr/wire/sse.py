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
    """Feed bytes, get the complete events they finish.

    Linear in the bytes fed, however they are split: each chunk is scanned once, and a line that spans many
    chunks (one huge event) is kept as its pieces and joined once when it ends, never re-concatenated and
    re-scanned per chunk.
    """

    __slots__ = ("_after_cr", "_bom_checked", "_data", "_event", "_last_id", "_pending", "_retry", "_text")

    def __init__(self) -> None:
        self._text = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending: list[str] = []  # the pieces of the current, unterminated line
        self._after_cr = False  # the last chunk ended in CR: a LF starting the next one belongs to it
        self._bom_checked = False
        self._data: list[str] = []
        self._event = ""
        self._last_id: str | None = None
        self._retry: int | None = None

    def feed(self, chunk: bytes) -> list[ServerSentEvent]:
        """The events that ``chunk`` completes."""
        return self._feed_text(self._text.decode(chunk))

    def close(self) -> list[ServerSentEvent]:
        """End of stream: flush the last line and the last event even without a closing blank line."""
        events = self._feed_text(self._text.decode(b"", final=True))
        if self._pending:
            self._line(self._take(""), events)
        self._dispatch(events)
        return events

    def _take(self, end: str) -> str:
        """The pending pieces of the current line followed by ``end``, joined once."""
        self._pending.append(end)
        line = "".join(self._pending)
        self._pending = []
        return line

    def _feed_text(self, text: str) -> list[ServerSentEvent]:
        events: list[ServerSentEvent] = []
        if not text:
            return events
        if not self._bom_checked:
            self._bom_checked = True
            if text[0] == "\ufeff":
                text = text[1:]
        if self._after_cr:
            self._after_cr = False
            if text[:1] == "\n":
                text = text[1:]  # the second half of a CRLF split across chunks
        if "\r" not in text:
            # Fast path (nearly every server ends lines with LF alone): split, and handle data lines inline.
            lines = text.split("\n")
            rest = lines.pop()
            if lines:
                if self._pending:
                    lines[0] = self._take(lines[0])
                for line in lines:
                    if not line:
                        self._dispatch(events)
                    elif line.startswith("data:"):
                        self._data.append(line[6:] if line.startswith("data: ") else line[5:])
                    else:
                        self._line(line, events)
            if rest:
                self._pending.append(rest)
            return events
        start = 0
        for match in _LINE_END.finditer(text):
            line = text[start : match.start()]
            self._line(self._take(line) if self._pending else line, events)
            start = match.end()
        if text[-1] == "\r":
            self._after_cr = True  # a lone CR at the very end ended its line; a LF may follow in the next chunk
        elif start < len(text):
            self._pending.append(text[start:])
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
