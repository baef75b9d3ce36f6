"""A loopback HTTP/1.1 server that misbehaves on cue, for the fault suite.

Real sockets on 127.0.0.1, HTTP spoken by hand (so a reply can stop after any byte, drip, hang or reset the
connection), served by anyio in the test's own event loop: it runs the same under asyncio and trio, and its
sockets are counted with the client's when a test checks for leaked file descriptors.

A *script* is a list of behaviours, one per request in arrival order (the last one repeats)::

    async with FaultServer([status(503), sse_chat("hello")]) as server:
        ...  # the first request gets a 503, every later one a streamed answer
        assert len(server.requests) == 2

A behaviour is an async function ``(conn, request) -> bool``: it writes what it wants on ``conn`` and returns
whether the connection may serve another request (keep-alive).
"""

from __future__ import annotations

import json
import socket
import struct
from collections.abc import Awaitable, Callable, Mapping, Sequence
from types import TracebackType
from typing import Any

import anyio
import anyio.abc
from anyio.streams.buffered import BufferedByteReceiveStream
from attrs import frozen

__all__ = [
    "Behaviour",
    "Conn",
    "FaultServer",
    "Request",
    "chat_chunk",
    "chat_completion",
    "drip",
    "hang",
    "json_reply",
    "keepalive_only",
    "ndjson",
    "raw",
    "reset",
    "reset_mid_stream",
    "sse",
    "sse_chat",
    "status",
]

_MAX_HEAD = 64 * 1024
_REASONS = {200: "OK", 400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found",
            422: "Unprocessable Entity", 429: "Too Many Requests", 500: "Internal Server Error",
            502: "Bad Gateway", 503: "Service Unavailable", 529: "Overloaded"}  # fmt: skip


@frozen
class Request:
    method: str
    path: str
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class Conn:
    """One accepted connection: write a head, chunks, or reset it."""

    def __init__(self, stream: anyio.abc.SocketStream) -> None:
        self.stream = stream
        self.reader = BufferedByteReceiveStream(stream)

    async def send(self, data: bytes) -> None:
        await self.stream.send(data)

    async def head(self, code: int, headers: Mapping[str, str], *, length: int | None = None) -> None:
        """The status line and headers; chunked transfer encoding unless ``length`` is given."""
        lines = [f"HTTP/1.1 {code} {_REASONS.get(code, 'Status')}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        lines.append(f"content-length: {length}" if length is not None else "transfer-encoding: chunked")
        await self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))

    async def chunk(self, data: bytes) -> None:
        if data:
            await self.send(b"%x\r\n%s\r\n" % (len(data), data))

    async def end_chunks(self) -> None:
        await self.send(b"0\r\n\r\n")

    def reset(self) -> None:
        """Make the close send a TCP RST instead of a FIN (SO_LINGER with a zero timeout)."""
        sock = self.stream.extra(anyio.abc.SocketAttribute.raw_socket)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))

    async def wait_closed(self) -> None:
        """Wait until the client closes its end (it gave up), reading and dropping anything it sends."""
        try:
            while await self.stream.receive():
                pass
        except (anyio.EndOfStream, anyio.BrokenResourceError, anyio.ClosedResourceError, OSError):
            pass

    async def read_request(self) -> Request | None:
        try:
            head = await self.reader.receive_until(b"\r\n\r\n", _MAX_HEAD)
        except (anyio.IncompleteRead, anyio.EndOfStream, anyio.BrokenResourceError, OSError):
            return None
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, path, _ = request_line.split(" ", 2)
        headers = {}
        for line in header_lines:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        length = int(headers.get("content-length", 0))
        body = await self.reader.receive_exactly(length) if length else b""
        return Request(method, path, headers, body)


Behaviour = Callable[[Conn, Request], Awaitable[bool]]


class FaultServer:
    """Serves ``script`` on a free port of 127.0.0.1; ``requests`` records what arrived, ``url`` says where."""

    def __init__(self, script: Sequence[Behaviour] | Behaviour) -> None:
        self.script: list[Behaviour] = [script] if callable(script) else list(script)
        self.requests: list[Request] = []
        self._listener: anyio.abc.SocketListener | None = None
        self._group: anyio.abc.TaskGroup | None = None

    @property
    def url(self) -> str:
        assert self._listener is not None, "the server is not running"
        host, port = self._listener.extra(anyio.abc.SocketAttribute.local_address)[:2]
        return f"http://{host}:{port}"

    async def __aenter__(self) -> FaultServer:
        self._listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
        self._group = anyio.create_task_group()
        await self._group.__aenter__()
        self._group.start_soon(self._listener.serve, self._serve, self._group)
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> bool | None:
        assert self._group is not None and self._listener is not None
        self._group.cancel_scope.cancel()
        try:
            return await self._group.__aexit__(exc_type, exc, tb)
        finally:
            with anyio.CancelScope(shield=True):
                await self._listener.aclose()

    def _behaviour(self) -> Behaviour:
        return self.script[min(len(self.requests) - 1, len(self.script) - 1)]

    async def _serve(self, stream: anyio.abc.SocketStream) -> None:
        conn = Conn(stream)
        try:
            while (request := await conn.read_request()) is not None:
                self.requests.append(request)
                if not await self._behaviour()(conn, request):
                    break
        except (anyio.BrokenResourceError, anyio.ClosedResourceError, anyio.EndOfStream, OSError):
            pass  # the client went away: exactly what many faults provoke
        finally:
            with anyio.CancelScope(shield=True):
                await stream.aclose()


# Well-formed answers ------------------------------------------------------------------------------------


def chat_completion(content: str = "hello", model: str = "m") -> dict[str, Any]:
    """A non-streamed OpenAI chat completion."""
    return {
        "id": "chatcmpl-1", "object": "chat.completion", "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
    }  # fmt: skip


def chat_chunk(content: str | None = None, finish: str | None = None, model: str = "m") -> dict[str, Any]:
    """One OpenAI ``chat.completion.chunk``."""
    delta = {"content": content} if content is not None else {}
    return {"id": "chatcmpl-1", "object": "chat.completion.chunk", "model": model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}  # fmt: skip


def json_reply(obj: Any, code: int = 200, headers: Mapping[str, str] | None = None) -> Behaviour:
    """A JSON body with a content-length."""
    return raw_body(json.dumps(obj).encode(), code, {"content-type": "application/json", **(headers or {})})


def raw_body(body: bytes, code: int = 200, headers: Mapping[str, str] | None = None) -> Behaviour:
    async def behave(conn: Conn, request: Request) -> bool:
        await conn.head(code, headers or {}, length=len(body))
        await conn.send(body)
        return True

    return behave


def status(code: int, headers: Mapping[str, str] | None = None, message: str | None = None) -> Behaviour:
    """An error status with an OpenAI-style error body."""
    return json_reply({"error": {"message": message or f"scripted {code}", "code": code}}, code, headers)


def sse(events: Sequence[Any], *, done: bool = True, delay: float = 0.0) -> Behaviour:
    """A chunked ``text/event-stream``: each event a ``data:`` line (dicts as JSON, str and bytes as they are),
    then ``data: [DONE]`` unless ``done`` is false; ``delay`` seconds before each event."""
    frames = [e if isinstance(e, bytes) else b"data: %s\n\n" % _text(e).encode() for e in events]
    if done:
        frames.append(b"data: [DONE]\n\n")

    async def behave(conn: Conn, request: Request) -> bool:
        await conn.head(200, {"content-type": "text/event-stream"})
        for frame in frames:
            if delay:
                await anyio.sleep(delay)
            await conn.chunk(frame)
        await conn.end_chunks()
        return True

    return behave


def sse_chat(content: str = "hello", *, done: bool = True) -> Behaviour:
    """A complete streamed chat answer."""
    return sse([chat_chunk(content), chat_chunk(finish="stop")], done=done)


def ndjson(objects: Sequence[Any], *, content_type: str = "application/x-ndjson") -> Behaviour:
    """A chunked newline-delimited JSON body, one chunk per line (Ollama's streams)."""
    lines = [o if isinstance(o, bytes) else json.dumps(o).encode() + b"\n" for o in objects]

    async def behave(conn: Conn, request: Request) -> bool:
        await conn.head(200, {"content-type": content_type})
        for line in lines:
            await conn.chunk(line)
        await conn.end_chunks()
        return True

    return behave


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value)


# Faults ---------------------------------------------------------------------------------------------------


async def hang(conn: Conn, request: Request) -> bool:
    """Read the request, answer nothing, until the client gives up."""
    await conn.wait_closed()
    return False


async def reset(conn: Conn, request: Request) -> bool:
    """Reset the connection before any byte of the response."""
    conn.reset()
    return False


def reset_mid_stream(events: Sequence[Any]) -> Behaviour:
    """Start a streamed answer, send ``events``, then reset the connection."""

    async def behave(conn: Conn, request: Request) -> bool:
        await conn.head(200, {"content-type": "text/event-stream"})
        for event in events:
            await conn.chunk(b"data: %s\n\n" % _text(event).encode())
        await anyio.sleep(0.05)  # let the client read them before the reset discards the send buffer
        conn.reset()
        return False

    return behave


def raw(data: bytes) -> Behaviour:
    """Send ``data`` as it is (a head and part of a body, say), then close the connection."""

    async def behave(conn: Conn, request: Request) -> bool:
        await conn.send(data)
        return False

    return behave


def drip(body: bytes, interval: float, *, content_type: str = "text/event-stream") -> Behaviour:
    """Send the head at once, then the body one byte every ``interval`` seconds (one chunk per byte)."""

    async def behave(conn: Conn, request: Request) -> bool:
        await conn.head(200, {"content-type": content_type})
        for i in range(len(body)):
            await anyio.sleep(interval)
            await conn.chunk(body[i : i + 1])
        await conn.end_chunks()
        return True

    return behave


def keepalive_only(interval: float, comment: bytes = b": keep-alive\n\n") -> Behaviour:
    """A stream that sends only SSE comments, every ``interval`` seconds, forever."""

    async def behave(conn: Conn, request: Request) -> bool:
        await conn.head(200, {"content-type": "text/event-stream"})
        while True:
            await conn.chunk(comment)
            await anyio.sleep(interval)

    return behave
