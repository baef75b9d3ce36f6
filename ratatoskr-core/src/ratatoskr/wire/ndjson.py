"""Newline-delimited JSON (one JSON value per line, as Ollama streams), decoded incrementally from bytes.

Lines end in LF (a CR before it is dropped); blank lines are skipped; a line that is not JSON raises
:class:`~ratatoskr.errors.ResponseFormatError` naming the line number and its start. Splitting the bytes
never matters: LF cannot occur inside a UTF-8 multibyte sequence, so lines are cut on bytes and decoded whole.
"""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator, AsyncIterable
from typing import Any

from ratatoskr.errors import ResponseFormatError

__all__ = ["NDJSONDecoder", "aiter_ndjson"]


class NDJSONDecoder:
    """Feed bytes, get the JSON values of the lines they complete.

    Linear in the bytes fed: each chunk is scanned once, and a line spanning many chunks is kept as its
    pieces and joined once when it ends.
    """

    __slots__ = ("_line_number", "_pending", "provider")

    def __init__(self, *, provider: str | None = None) -> None:
        self._pending: list[bytes] = []  # the pieces of the current, unterminated line
        self._line_number = 0
        self.provider = provider

    def feed(self, chunk: bytes) -> list[Any]:
        """The values of the lines ``chunk`` completes."""
        if b"\n" not in chunk:
            if chunk:
                self._pending.append(chunk)
            return []
        lines = chunk.split(b"\n")
        rest = lines.pop()
        if self._pending:
            self._pending.append(lines[0])
            lines[0] = b"".join(self._pending)
            self._pending = []
        if rest:
            self._pending.append(rest)
        return [value for line in lines if (value := self._decode(line)) is not _BLANK]

    def close(self) -> list[Any]:
        """End of stream: the value of a last line without a newline."""
        rest = b"".join(self._pending)
        self._pending = []
        value = self._decode(rest) if rest else _BLANK
        return [] if value is _BLANK else [value]

    def _decode(self, line: bytes) -> Any:
        self._line_number += 1
        if not line.strip():
            return _BLANK
        try:
            return json.loads(line)
        except (ValueError, UnicodeDecodeError) as exc:
            shown = line[:200].decode("utf-8", errors="replace")
            raise ResponseFormatError(
                f"line {self._line_number} of the NDJSON stream is not valid JSON ({exc}): {shown!r}",
                provider=self.provider,
            ) from exc


_BLANK: Any = object()


async def aiter_ndjson(chunks: AsyncIterable[bytes], *, provider: str | None = None) -> AsyncGenerator[Any, None]:
    """The JSON values of a byte stream, the last line included even without a final newline."""
    decoder = NDJSONDecoder(provider=provider)
    async for chunk in chunks:
        for value in decoder.feed(chunk):
            yield value
    for value in decoder.close():
        yield value
