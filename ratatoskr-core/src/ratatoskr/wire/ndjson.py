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
    __slots__ = ("_buffer", "_line_number", "provider")

    def __init__(self, *, provider: str | None = None) -> None:
        self._buffer = b""
        self._line_number = 0
        self.provider = provider

    def feed(self, chunk: bytes) -> list[Any]:
        if not chunk:
            return []
        buffer = self._buffer + chunk if self._buffer else chunk
        *lines, self._buffer = buffer.split(b"\n")
        return [value for line in lines if (value := self._decode(line)) is not _BLANK]

    def close(self) -> list[Any]:
        rest, self._buffer = self._buffer, b""
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
