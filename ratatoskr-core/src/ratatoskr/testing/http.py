"""Testing an HTTP provider without a network: an address that refuses connections, and a vcrpy matcher that
compares JSON request bodies, so a cassette checks what a provider sends as well as what it decodes."""

from __future__ import annotations

import json
import socket
from typing import Any

__all__ = ["closed_port_url", "json_body_matcher"]


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
