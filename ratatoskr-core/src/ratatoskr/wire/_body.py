"""The body-side helpers of :mod:`ratatoskr.wire.endpoint`: incremental decoders, the per-event size budget,
and closing or draining a response whoever cancels it (kept apart so that module stays small)."""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator
from typing import TYPE_CHECKING, Protocol, TypeVar

import anyio

from ratatoskr.errors import ResponseTooLarge

if TYPE_CHECKING:
    import httpx

T = TypeVar("T")

#: How long an abandoned body may take to finish on its own (see _drain).
DRAIN_SECONDS = 0.25


class Decoder(Protocol[T]):
    """An incremental decoder (SSEDecoder, NDJSONDecoder): the items each chunk completes, then the last ones."""

    def feed(self, chunk: bytes) -> list[T]: ...
    def close(self) -> list[T]: ...


class Budget:
    """Bytes received since the last event; over the limit, the event is too large."""

    __slots__ = ("limit", "provider", "used")

    def __init__(self, limit: int, provider: str) -> None:
        self.limit = limit
        self.provider = provider
        self.used = 0

    def spend(self, size: int) -> None:
        self.used += size
        if self.used > self.limit:
            raise ResponseTooLarge(
                f"{self.provider}: a stream event is larger than {self.limit} bytes (max_response_bytes)",
                provider=self.provider,
                limit=self.limit,
            )


#: Which deadline of a stream is running: the first event's, the idle limit's, or the whole stream's.
FIRST, IDLE, END = "first", "idle", "end"


class _StreamLimits(Protocol):  # wire.endpoint.Limits
    @property
    def timeout(self) -> float: ...
    @property
    def stream_timeout(self) -> float | None: ...
    @property
    def idle(self) -> float: ...


def missed(deadline: str, provider: str, limits: _StreamLimits) -> str:
    """The message of a missed stream deadline (formatted when one is missed, not once per stream)."""
    if deadline == FIRST:
        return f"{provider}: no first event within {limits.timeout:g} s"
    if deadline == IDLE:
        return f"{provider}: no stream event for {limits.idle:g} s"
    return f"{provider}: the stream took longer than {limits.stream_timeout or 0:g} s"


def body_chunks(response: httpx.Response) -> AsyncIterator[bytes]:
    """The body as received: httpx's raw chunks when there is no content-encoding to undo (one generator layer
    and a pass-through decoder less per chunk), else its decoded ones (or the body already read, as a mock
    transport's is)."""
    encoding = response.headers.get("content-encoding", "identity").strip().lower()
    if encoding in ("", "identity") and not response.is_stream_consumed:
        return response.aiter_raw()
    return response.aiter_bytes()


async def once(content: bytes) -> AsyncGenerator[bytes, None]:
    yield content


async def close(response: httpx.Response) -> None:
    """Close the response even when the caller's scope is cancelled (a shielded, bounded close)."""
    if response.is_closed:
        return  # httpx closes a body read to its end itself: no cancel scope for nothing (every call gets here)
    with anyio.move_on_after(DRAIN_SECONDS, shield=True):
        await response.aclose()


async def drain(chunks: AsyncIterator[bytes]) -> None:
    """Read what is left of a body nobody reads any more, for a short while.

    httpx reads bodies through nested async generators; left suspended, they are garbage-collected
    unexhausted, which trio reports as a ResourceWarning. A stream stopped by an error object or after
    ``[DONE]`` ends within milliseconds, so reading it out closes them cleanly; a stream stopped in the
    middle of a long answer is given up after ``DRAIN_SECONDS`` (the connection is then closed).
    """
    import httpx

    with anyio.move_on_after(DRAIN_SECONDS):
        try:
            async for _ in chunks:
                pass
        except httpx.HTTPError:
            pass  # the body was being abandoned anyway
