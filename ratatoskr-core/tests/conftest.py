"""Shared fixtures of the core tests: a loopback server that serves a model registry."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator

import pytest

#: What the registry server answers by default.
REGISTRY_PAYLOAD = {
    "version": 1,
    "models": [
        {"info": {"id": "acme/new-model", "provider": "openrouter", "capabilities": ["Chat"]}, "max_output_tokens": 99}
    ],
    "presets": {"acme": {"agentic": "acme/new-model"}},
}


@pytest.fixture
def registry_server() -> Iterator[dict[str, object]]:
    """A loopback HTTP server answering GET / with ``state["body"]`` and ``state["status"]``."""
    state: dict[str, object] = {"body": json.dumps(REGISTRY_PAYLOAD).encode(), "status": 200, "hits": 0}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            state["hits"] = int(state["hits"]) + 1  # type: ignore[call-overload]
            body = state["body"]
            assert isinstance(body, bytes)
            self.send_response(int(state["status"]))  # type: ignore[call-overload]
            self.send_header("content-type", "application/json")
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)
    thread.start()
    state["url"] = f"http://127.0.0.1:{server.server_address[1]}/registry.json"
    yield state
    server.shutdown()
    server.server_close()
