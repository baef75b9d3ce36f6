"""One HTTP/1.1 client connection on an anyio byte stream: the request written in one send, the response head
parsed by hand, the body read by its framing (``content-length``, chunked, or until the server closes).

The lean half of :mod:`ratatoskr.wire._pool`: httpcore and h11 spend about 0.6 ms of CPU on each exchange
(validating every header, events, state machines, a lock and a shielded scope per step), more than the rest
of a gateway call; this module spends a tenth of that. It is as strict where it matters (framing, header
injection, sizes) and raises httpcore's exceptions, which httpx maps as it always does.
"""

from __future__ import annotations

import select
import socket
import time
from typing import Any

import anyio
import anyio.abc
import httpcore
import httpx

__all__ = ["Connection", "Head"]

#: The largest response head (status line and headers) accepted.
MAX_HEAD = 256 * 1024
#: Bytes asked of the socket per read.
READ_SIZE = 64 * 1024
#: Framings of a response body.
LENGTH, CHUNKED, UNTIL_CLOSE, EMPTY = range(4)

_READ_ERRORS = (anyio.BrokenResourceError, anyio.ClosedResourceError, OSError)


class Head:
    """A response's status, reason, raw headers and body framing."""

    __slots__ = ("framing", "headers", "keep_alive", "length", "reason", "status")

    def __init__(self, status: int, reason: bytes, headers: list[tuple[bytes, bytes]]) -> None:
        self.status = status
        self.reason = reason
        self.headers = headers
        self.framing = UNTIL_CLOSE
        self.length = 0
        self.keep_alive = True


def _parse_head(data: bytes, method: bytes) -> Head:
    lines = data.split(b"\n")
    version, _, rest = lines[0].rstrip(b"\r").partition(b" ")
    code, _, reason = rest.partition(b" ")
    if not version.startswith(b"HTTP/1.") or len(code) != 3 or not code.isdigit():
        raise httpcore.RemoteProtocolError(f"malformed status line {lines[0][:100]!r}")
    headers: list[tuple[bytes, bytes]] = []
    chunked = False
    length: int | None = None
    keep_alive = version == b"HTTP/1.1"
    for line in lines[1:]:
        name, colon, value = line.rstrip(b"\r").partition(b":")
        if not colon or not name or name != name.strip() or b" " in name or b"\t" in name:
            raise httpcore.RemoteProtocolError(f"malformed header line {line[:100]!r}")
        value = value.strip(b" \t")
        headers.append((name, value))
        lower = name.lower()
        if lower == b"content-length":
            if not value.isdigit() or (length is not None and int(value) != length):
                raise httpcore.RemoteProtocolError(f"bad content-length {value[:40]!r}")
            length = int(value)
        elif lower == b"transfer-encoding":
            chunked = value.lower().rsplit(b",", 1)[-1].strip() == b"chunked"
        elif lower == b"connection":
            tokens = {t.strip() for t in value.lower().split(b",")}
            keep_alive = b"close" not in tokens and (keep_alive or b"keep-alive" in tokens)
    head = Head(int(code), reason, headers)
    status = head.status
    if method == b"HEAD" or status in (204, 304) or status < 200:
        head.framing = EMPTY
    elif chunked:
        head.framing = CHUNKED
    elif length is not None:
        head.framing, head.length = (LENGTH, length) if length else (EMPTY, 0)
    else:
        keep_alive = False  # the body ends when the server closes
    head.keep_alive = keep_alive
    return head


def _readable(sock: socket.socket) -> bool:
    """Whether reading would not block (data or end of stream): poll, as select() cannot watch a descriptor
    past 1023, which a busy daemon's sockets reach."""
    try:
        if hasattr(select, "poll"):
            poller = select.poll()
            poller.register(sock, select.POLLIN)
            return bool(poller.poll(0))
        return bool(select.select([sock], [], [], 0)[0])  # pragma: no cover - no poll() (Windows)
    except (OSError, ValueError):
        return True


class Connection:
    """One connection to one origin; one exchange at a time (the pool sees to that)."""

    __slots__ = ("_buffer", "_sock", "idle_since", "key", "reusable", "stream")

    def __init__(self, stream: anyio.abc.ByteStream, key: tuple[bytes, bytes, int]) -> None:
        self.stream = stream
        self.key = key
        self._buffer = bytearray()
        self._sock: socket.socket | None = stream.extra(anyio.abc.SocketAttribute.raw_socket, None)
        self.reusable = False
        self.idle_since = 0.0

    def expired(self, keepalive: float | None, now: float) -> bool:
        """Kept too long, or the server closed it (or sent something nobody asked for) while it was idle."""
        if keepalive is not None and now - self.idle_since > keepalive:
            return True
        if self._sock is None:
            return False
        return _readable(self._sock)

    async def aclose(self) -> None:
        """Close the connection (shielded: a cancelled caller still releases the socket)."""
        self.reusable = False
        with anyio.CancelScope(shield=True):
            await self.stream.aclose()

    # ---- one exchange ----------------------------------------------------------------------------------------

    async def send_request(self, request: httpcore.Request) -> None:
        """Write the request: head and a known body in one send, a streamed body piece by piece."""
        lines = [b"%s %s HTTP/1.1" % (request.method, request.url.target)]
        lines += [name + b": " + value for name, value in request.headers]
        head = b"\r\n".join(lines) + b"\r\n\r\n"
        if head.count(b"\n") != len(lines) + 1 or b"\r\r" in head or b"\x00" in head:
            raise httpcore.LocalProtocolError("a request header carries a line break or NUL")
        stream: Any = request.stream
        if isinstance(stream, httpx.ByteStream):  # the whole body is at hand (JSON)
            body = b"".join([piece async for piece in stream])
            await self._send(head + body if body else head)
            return
        chunked = any(n.lower() == b"transfer-encoding" and b"chunked" in v.lower() for n, v in request.headers)
        await self._send(head)
        pieces = stream.__aiter__()
        try:
            async for piece in pieces:
                if piece:
                    await self._send(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
        finally:
            aclose = getattr(pieces, "aclose", None)
            if aclose is not None:
                await aclose()
        if chunked:
            await self._send(b"0\r\n\r\n")

    async def _send(self, data: bytes) -> None:
        try:
            await self.stream.send(data)
        except _READ_ERRORS as exc:
            raise httpcore.WriteError(f"{type(exc).__name__}: {exc}") from exc

    async def read_head(self, method: bytes) -> Head:
        """The response head (informational 1xx answers skipped)."""
        while True:
            buffer = self._buffer
            start = 0
            while True:
                end = buffer.find(b"\r\n\r\n", start)
                if end >= 0:
                    size = 4
                    break
                end = buffer.find(b"\n\n", start)
                if end >= 0:
                    size = 2
                    break
                if len(buffer) > MAX_HEAD:
                    raise httpcore.RemoteProtocolError(f"response head over {MAX_HEAD} bytes")
                start = max(len(buffer) - 3, 0)
                if not await self._fill():
                    what = "without sending a response" if not buffer else "in the middle of the response head"
                    raise httpcore.RemoteProtocolError(f"Server disconnected {what}.")
            head = _parse_head(bytes(buffer[:end]), method)
            del buffer[: end + size]
            if head.status >= 200 or head.status == 101:
                return head

    async def _fill(self) -> bool:
        """Read more into the buffer; False at the end of the stream."""
        try:
            data = await self.stream.receive(READ_SIZE)
        except anyio.EndOfStream:
            return False
        except _READ_ERRORS as exc:
            raise httpcore.ReadError(f"{type(exc).__name__}: {exc}") from exc
        self._buffer += data
        return True

    async def read_body(self, head: Head) -> bytes:
        """The next piece of the body as it arrives; ``b""`` at its end, when ``reusable`` says whether another
        exchange may follow. (A method, not an async generator: a body left early leaves nothing suspended.)"""
        buffer = self._buffer
        framing = head.framing
        if framing == LENGTH:
            if not head.length:
                return self._end(head)
            if not buffer and not await self._fill():
                raise httpcore.RemoteProtocolError("peer closed connection without sending complete message body")
            piece = bytes(buffer[: head.length])
            del buffer[: len(piece)]
            head.length -= len(piece)
            return piece
        if framing == CHUNKED:
            return await self._chunk(head)
        if framing == UNTIL_CLOSE and (buffer or await self._fill()):
            piece = bytes(buffer)
            buffer.clear()
            return piece
        return self._end(head)  # no body, or the server closed the connection (never reusable then)

    def _end(self, head: Head) -> bytes:
        self.reusable = head.keep_alive and not self._buffer
        self.idle_since = time.monotonic()
        head.framing = EMPTY
        return b""

    async def _chunk(self, head: Head) -> bytes:
        """Chunked framing; ``head.length`` is what is left of the current chunk's data, -1 when its closing
        line break is still to be read, 0 at the start."""
        buffer = self._buffer
        if head.length <= 0:
            if head.length < 0 and await self._line():
                raise httpcore.RemoteProtocolError("chunk data longer than its size")
            size_line = (await self._line()).split(b";", 1)[0].strip()
            try:
                size = int(size_line, 16)
            except ValueError:
                raise httpcore.RemoteProtocolError(f"bad chunk size {size_line[:40]!r}") from None
            if size < 0:
                raise httpcore.RemoteProtocolError(f"bad chunk size {size_line[:40]!r}")
            if size == 0:
                while await self._line():  # trailers, up to the empty line
                    pass
                return self._end(head)
            head.length = size
        if not buffer and not await self._fill():
            raise httpcore.RemoteProtocolError("peer closed connection without sending complete message body")
        piece = bytes(buffer[: head.length])
        del buffer[: len(piece)]
        head.length = head.length - len(piece) or -1
        return piece

    async def _line(self) -> bytes:
        buffer = self._buffer
        while True:
            end = buffer.find(b"\n")
            if end >= 0:
                line = bytes(buffer[:end]).rstrip(b"\r")
                del buffer[: end + 1]
                return line
            if len(buffer) > MAX_HEAD:
                raise httpcore.RemoteProtocolError("chunk size line too long")
            if not await self._fill():
                raise httpcore.RemoteProtocolError("peer closed connection without sending complete message body")
