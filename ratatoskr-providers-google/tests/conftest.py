"""A loopback Gemini server: a real HTTP server on 127.0.0.1 (a thread, so it serves asyncio and trio tests) whose
answers each test scripts by path, written from the documented wire format."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs
import pytest


@attrs.frozen
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: Any


@attrs.frozen
class Answer:
    status: int = 200
    body: Any = None  # JSON, or a list of SSE chunk objects when sse=True
    sse: bool = False
    headers: dict[str, str] = attrs.field(factory=dict)


class Gemini:
    """``server.route(path, answer_or_fn)``; ``server.seen`` records the requests."""

    def __init__(self) -> None:
        self.routes: dict[str, Answer | Callable[[Seen], Answer]] = {}
        self.seen: list[Seen] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _serve(self) -> None:
                raw = self.rfile.read(int(self.headers.get("content-length") or 0))
                seen = Seen(self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                            json.loads(raw) if raw else None)  # fmt: skip
                outer.seen.append(seen)
                route = outer.routes.get(self.path) or Answer(404, {"error": {"code": 404, "message": "no route"}})
                answer = route(seen) if callable(route) else route
                if answer.sse:
                    data = b"".join(f"data: {json.dumps(c)}\r\n\r\n".encode() for c in answer.body)
                    kind = "text/event-stream"
                else:
                    data, kind = json.dumps(answer.body).encode(), "application/json"
                self.send_response(answer.status)
                self.send_header("content-type", kind)
                for k, v in answer.headers.items():
                    self.send_header(k, v)
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _serve

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def route(self, path: str, answer: Answer | Callable[[Seen], Answer]) -> None:
        self.routes[path] = answer


@pytest.fixture
def gemini() -> Iterator[Gemini]:
    server = Gemini()
    thread = threading.Thread(target=server._server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    yield server
    server._server.shutdown()
    server._server.server_close()
