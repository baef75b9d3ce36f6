"""Testing an HTTP provider without a network: an address that refuses connections, a vcrpy matcher that
compares JSON request bodies, so a cassette checks what a provider sends as well as what it decodes, and an httpx
client that keeps the requests a provider really sent."""

from __future__ import annotations

import json
import socket
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import httpx

__all__ = ["RecordingClient", "closed_port_url", "json_body_matcher"]


def closed_port_url(host: str = "127.0.0.1") -> str:
    """``http://HOST:PORT`` where nothing listens: a request there fails at once with a refused connection.

    The port is one the OS just handed out and took back, so no other test is listening on it.
    """
    with socket.socket() as sock:
        sock.bind((host, 0))
        port = int(sock.getsockname()[1])
    return f"http://{host}:{port}"


def json_body_matcher(live: Any, recorded: Any) -> None:
    """A vcrpy request matcher: both bodies parse to the same JSON (key order and spacing do not matter), or
    both are empty. Register it with ``vcr.VCR(...).register_matcher("json_body", json_body_matcher)`` and name
    ``"json_body"`` in ``match_on``."""
    if not recorded.body or not live.body:
        assert not recorded.body and not live.body, "one request has a body, the other none"
        return
    sent = json.loads(live.body)
    expected = json.loads(recorded.body)
    assert sent == expected, f"request body differs:\n sent:     {sent}\n recorded: {expected}"


class RecordingClient:
    """An ``httpx.AsyncClient`` (:attr:`client`, to hand to the provider) that keeps every request it sends in
    :attr:`requests`: what the provider really sent, not a cassette's copy. ``body(i)`` is request *i*'s JSON."""

    def __init__(self) -> None:
        import httpx

        from ratatoskr.wire._pool import default_ssl_context

        self.requests: list[httpx.Request] = []
        self.client = httpx.AsyncClient(event_hooks={"request": [self._keep]}, verify=default_ssl_context())

    async def _keep(self, request: httpx.Request) -> None:
        self.requests.append(request)

    def body(self, index: int = 0) -> Any:
        """The JSON body of the ``index``-th request sent."""
        return json.loads(self.requests[index].content)
