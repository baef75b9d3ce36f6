"""A real HTTP server on 127.0.0.1, in a background thread, answering with whatever a test scripts.

Standard library only, so it runs the same under asyncio and trio tests (the server is not on the test's
event loop). A reply body given as a list of byte chunks is sent with chunked transfer encoding, one flush
per chunk, as a streaming API would; ``delay`` waits before each chunk.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs

__all__ = ["LoopbackServer", "RecordedRequest", "Reply"]


@attrs.frozen
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@attrs.frozen
class Reply:
    status: int = 200
    body: bytes | Sequence[bytes] = b""
    headers: dict[str, str] = attrs.field(factory=dict)
    delay: float = 0.0

    @classmethod
    def json(cls, obj: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
        return cls(status, json.dumps(obj).encode(), {"content-type": "application/json", **(headers or {})})

    @classmethod
    def sse(cls, events: Sequence[Any], *, done: bool = True, comments: Sequence[str] = ()) -> Reply:
        """``data: {json}`` events (strings are sent as they are), then ``data: [DONE]``."""
        chunks = [f": {c}\n\n".encode() for c in comments]
        chunks += [f"data: {e if isinstance(e, str) else json.dumps(e)}\n\n".encode() for e in events]
        if done:
            chunks.append(b"data: [DONE]\n\n")
        return cls(200, chunks, {"content-type": "text/event-stream"})


Handler = Callable[[RecordedRequest], Reply]


class LoopbackServer:
    """``server.handler = fn`` scripts the answers; ``server.requests`` records what came in."""

    def __init__(self, handler: Handler | None = None) -> None:
        self.handler: Handler = handler or (lambda request: Reply(404, b'{"error": "no handler"}'))
        self.requests: list[RecordedRequest] = []
        outer = self

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:  # keep test output clean
                pass

            def _serve(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                request = RecordedRequest(
                    self.command,
                    self.path,
                    {k.lower(): v for k, v in self.headers.items()},
                    self.rfile.read(length),
                )
                outer.requests.append(request)
                reply = outer.handler(request)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if isinstance(reply.body, bytes):
                    self.send_header("content-length", str(len(reply.body)))
                    self.end_headers()
                    self.wfile.write(reply.body)
                    return
                self.send_header("transfer-encoding", "chunked")
                self.end_headers()
                try:
                    for chunk in reply.body:
                        if reply.delay:
                            time.sleep(reply.delay)
                        if chunk:
                            self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
                            self.wfile.flush()
                    self.wfile.write(b"0\r\n\r\n")
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True  # the client went away mid-stream (a cancelled stream)

            do_GET = do_POST = do_DELETE = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.01,), daemon=True)

    def reset(self, handler: Handler | None = None) -> None:
        """Forget recorded requests and set a new handler (a server shared by several tests)."""
        self.requests.clear()
        if handler is not None:
            self.handler = handler

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> LoopbackServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
