import socket
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from ratatoskr.testing import closed_port_url, json_body_matcher


def test_closed_port_url_refuses_connections() -> None:
    url = urlsplit(closed_port_url())
    assert url.scheme == "http" and url.hostname == "127.0.0.1" and url.port
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection((url.hostname, url.port), timeout=5).close()


def test_json_body_matcher_compares_parsed_bodies() -> None:
    def request(body: bytes | str | None) -> SimpleNamespace:
        return SimpleNamespace(body=body)

    json_body_matcher(request(b'{"a": 1, "b": [2]}'), request('{"b":[2],"a":1}'))
    json_body_matcher(request(None), request(b""))
    with pytest.raises(AssertionError, match="request body differs"):
        json_body_matcher(request(b'{"a": 1}'), request(b'{"a": 2}'))
    with pytest.raises(AssertionError, match="one request has a body"):
        json_body_matcher(request(b'{"a": 1}'), request(None))
