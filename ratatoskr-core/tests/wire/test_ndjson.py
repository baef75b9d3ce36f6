"""The NDJSON decoder: blank lines, CRLF, malformed lines, and split-anywhere equivalence."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ratatoskr.errors import ResponseFormatError
from ratatoskr.wire.ndjson import NDJSONDecoder, aiter_ndjson


def decode(data: bytes, cuts: list[int] | None = None) -> list[Any]:
    decoder = NDJSONDecoder()
    values: list[Any] = []
    start = 0
    for cut in sorted(set(cuts or [])):
        values += decoder.feed(data[start:cut])
        start = cut
    values += decoder.feed(data[start:])
    return values + decoder.close()


def test_lines_blank_lines_crlf_and_last_line_without_newline() -> None:
    body = b'{"a": 1}\n\n  \r\n{"b": "\xc3\xa9"}\r\n[1, 2]'
    assert decode(body) == [{"a": 1}, {"b": "é"}, [1, 2]]


def test_malformed_line_names_its_number() -> None:
    with pytest.raises(ResponseFormatError, match=r"line 2 .*not valid JSON.*nope"):
        decode(b'{"ok": true}\nnope\n')


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
    max_leaves=8,
)


@given(st.lists(_json, max_size=10), st.lists(st.integers(0, 300), max_size=10), st.booleans())
def test_any_split_gives_the_same_values(values: list[Any], cuts: list[int], crlf: bool) -> None:
    end = "\r\n" if crlf else "\n"
    data = "".join(json.dumps(v, ensure_ascii=False) + end for v in values).encode()
    assert decode(data, [c for c in cuts if c <= len(data)]) == values


async def test_aiter_ndjson() -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"message": {"content": "hi"}, "done": false}\n{"do'
        yield b'ne": true}'

    assert [v async for v in aiter_ndjson(chunks())] == [
        {"message": {"content": "hi"}, "done": False},
        {"done": True},
    ]


class _Counted(bytes):
    """Bytes that count what the operations a decoder may run on its whole buffer scan."""

    scanned = 0

    def __contains__(self, item: object) -> bool:
        _Counted.scanned += len(self)
        return bytes.__contains__(self, item)  # type: ignore[operator]

    def __add__(self, other: bytes) -> _Counted:  # type: ignore[override]
        _Counted.scanned += len(self) + len(other)
        return _Counted(bytes.__add__(self, other))

    def __radd__(self, other: bytes) -> _Counted:
        _Counted.scanned += len(self) + len(other)
        return _Counted(bytes.__add__(other, self))

    def split(self, *args: object, **kw: object) -> list[bytes]:  # type: ignore[override]
        _Counted.scanned += len(self)
        return bytes.split(self, *args, **kw)  # type: ignore[arg-type]


def test_one_huge_line_fed_in_small_chunks_is_scanned_a_bounded_number_of_times() -> None:
    """Linear in one line's size however it is split (counted, not timed)."""
    data = json.dumps({"content": "x" * 1_000_000}).encode() + b"\n"
    decoder = NDJSONDecoder()
    _Counted.scanned = 0
    values = []
    for i in range(0, len(data), 1000):
        values += decoder.feed(_Counted(data[i : i + 1000]))
    values += decoder.close()
    assert [len(v["content"]) for v in values] == [1_000_000]
    assert _Counted.scanned <= 4 * len(data)
