"""The transport of the clients endpoints create (ratatoskr.wire._pool, ._http11), over real loopback sockets:
keep-alive reuse, the connection bound, constant work per request, every body framing, broken answers as
httpx's errors, early close and cancellation closing the connection, TLS."""

from __future__ import annotations

import ssl
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
import anyio.abc
import httpx
import pytest
from anyio.streams.buffered import BufferedByteReceiveStream
from ratatoskr.wire import _http11
from ratatoskr.wire._pool import Pool, PooledClient, PooledTransport
from ratatoskr.wire.endpoint import Endpoint

OK = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 2\r\n\r\n{}"

Answer = Callable[[bytes, anyio.abc.SocketStream], Awaitable[bool]]  # (request head, stream) -> keep going


def reply(data: bytes, *, keep: bool = True) -> Answer:
    async def answer(_: bytes, stream: anyio.abc.SocketStream) -> bool:
        await stream.send(data)
        return keep

    return answer


class Server:
    """A loopback HTTP/1.1 server answering each request with ``answer``; it counts connections."""

    def __init__(self, answer: Answer, tls: ssl.SSLContext | None = None) -> None:
        self.answer = answer
        self.tls = tls
        self.connections = 0
        self.open = 0
        self.most_open = 0
        self.requests: list[bytes] = []
        self.port = 0

    async def serve(self, stream: anyio.abc.SocketStream) -> None:
        self.connections += 1
        self.open += 1
        self.most_open = max(self.most_open, self.open)
        reader = BufferedByteReceiveStream(stream)
        try:
            while True:
                head = await reader.receive_until(b"\r\n\r\n", 65536)
                length = 0
                for line in head.split(b"\r\n")[1:]:
                    name, _, value = line.partition(b":")
                    if name.strip().lower() == b"content-length":
                        length = int(value)
                body = await reader.receive_exactly(length) if length else b""
                self.requests.append(head + b"\r\n\r\n" + body)
                if not await self.answer(head, stream):
                    break
        except (anyio.EndOfStream, anyio.IncompleteRead, anyio.BrokenResourceError, OSError):
            pass
        finally:
            self.open -= 1
            await stream.aclose()

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://localhost:{self.port}"


@asynccontextmanager
async def serving(answer: Answer) -> AsyncIterator[Server]:
    server = Server(answer)
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    server.port = listener.extra(anyio.abc.SocketAttribute.local_port)
    async with listener, anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, server.serve)
        yield server
        tg.cancel_scope.cancel()


def client(max_connections: int = 256, **kwargs: Any) -> PooledClient:
    limits = httpx.Limits(max_connections=max_connections, max_keepalive_connections=max_connections)
    return PooledClient(limits=limits, **kwargs)


def test_an_endpoint_creates_its_client_on_this_transport() -> None:
    endpoint = Endpoint("http://127.0.0.1:1", provider="p")
    assert isinstance(endpoint.client, PooledClient)
    transport = endpoint.client._transport
    assert isinstance(transport, PooledTransport)
    # httpx's own request handling (what vcrpy patches) reaches the pool through _pool: fails on an httpx
    # that renames it, rather than silently going back to httpcore's pool.
    assert "handle_async_request" not in vars(PooledTransport)
    assert isinstance(transport._pool, Pool)


async def test_one_connection_serves_many_requests() -> None:
    async with serving(reply(OK)) as server, client() as http:
        for _ in range(20):
            response = await http.post(server.url + "/x", json={"a": 1})
            assert response.json() == {}
    assert server.connections == 1
    assert all(r.endswith(b'{"a":1}') for r in server.requests)


async def test_concurrent_requests_stay_within_the_bound_and_all_get_answers() -> None:
    async def slow(_: bytes, stream: anyio.abc.SocketStream) -> bool:
        await anyio.sleep(0.02)
        await stream.send(OK)
        return True

    answered = 0
    async with serving(slow) as server, client(max_connections=4) as http:

        async def one() -> None:
            nonlocal answered
            response = await http.get(server.url)
            answered += response.status_code == 200

        async with anyio.create_task_group() as tg:
            for _ in range(40):
                tg.start_soon(one)
    assert answered == 40
    assert server.most_open <= 4
    assert server.connections == 4


async def test_a_request_checks_one_idle_connection_however_many_there_are(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpcore's pool examined every connection per request (quadratic under load); this one pops one."""
    async with serving(reply(OK)) as server, client() as http:
        async with anyio.create_task_group() as tg:
            for _ in range(64):
                tg.start_soon(http.get, server.url)
        assert server.connections == 64
        checked = 0
        expired = _http11.Connection.expired

        def counting(self: _http11.Connection, keepalive: float | None, now: float) -> bool:
            nonlocal checked
            checked += 1
            return expired(self, keepalive, now)

        monkeypatch.setattr(_http11.Connection, "expired", counting)
        for _ in range(10):
            await http.get(server.url)
        assert checked <= 10 + 64  # one per request, plus at most one sweep of the stack's bottom
        assert server.connections == 64


@pytest.mark.parametrize(
    ("raw", "body"),
    [
        (b"HTTP/1.1 200 OK\r\ncontent-length: 5\r\n\r\nhello", b"hello"),
        (
            b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n3;x=y\r\nhel\r\n2\r\nlo\r\n0\r\nt: v\r\n\r\n",
            b"hello",
        ),
        (b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi", b"hi"),
        (b"HTTP/1.1 200 OK\ncontent-length: 2\n\nhi", b"hi"),
        (b"HTTP/1.1 204 No Content\r\n\r\n", b""),
    ],
    ids=["length", "chunked", "informational", "bare-newlines", "no-content"],
)
async def test_body_framings(raw: bytes, body: bytes) -> None:
    async with serving(reply(raw)) as server, client() as http:
        for _ in range(2):  # the connection is reusable after each
            assert (await http.get(server.url)).content == body
    assert server.connections == 1


async def test_a_body_until_close_is_read_whole_and_the_connection_not_reused() -> None:
    async with serving(reply(b"HTTP/1.0 200 OK\r\n\r\nall of it", keep=False)) as server, client() as http:
        assert (await http.get(server.url)).content == b"all of it"
        assert (await http.get(server.url)).content == b"all of it"
    assert server.connections == 2


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"HTTP/9 banana\r\n\r\n",
        b"HTTP/1.1 200 OK\r\nbad header\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ncontent-length: 10\r\n\r\nshort",
        b"HTTP/1.1 200 OK\r\ncontent-length: x\r\n\r\n",
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n",
        b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n2\r\nhello\r\n0\r\n\r\n",
    ],
    ids=["nothing", "status-line", "header", "short-body", "length", "chunk-size", "chunk-overrun"],
)
async def test_broken_answers_are_httpx_protocol_errors(raw: bytes) -> None:
    async with serving(reply(raw, keep=False)) as server, client() as http:
        with pytest.raises(httpx.RemoteProtocolError):
            await http.get(server.url)


async def test_a_header_with_a_line_break_is_never_sent() -> None:
    async with serving(reply(OK)) as server, client() as http:
        request = http.build_request("GET", server.url)
        request.headers = httpx.Headers([*request.headers.raw, (b"x-evil", b"a\r\nx-injected: 1")])
        with pytest.raises(httpx.LocalProtocolError):
            await http.send(request)
    assert not server.requests


async def test_a_streamed_request_body_is_sent_chunked() -> None:
    async def parts() -> AsyncIterator[bytes]:
        yield b'{"a":'
        yield b"1}"

    async def echo(head: bytes, stream: anyio.abc.SocketStream) -> bool:
        assert b"transfer-encoding: chunked" in head.lower()
        await stream.send(OK)
        return False  # the body is not read by this server: the connection ends here

    async with serving(echo) as server, client() as http:
        assert (await http.post(server.url, content=parts())).status_code == 200


async def test_a_body_left_early_closes_its_connection() -> None:
    endless = b"HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n" + b"5\r\nhello\r\n" * 100
    async with serving(reply(endless)) as server, client() as http:
        async with http.stream("GET", server.url) as response:
            assert response.status_code == 200  # and its body is left unread
        for _ in range(50):
            if not server.open:
                break
            await anyio.sleep(0.01)
        assert server.open == 0
        async with http.stream("GET", server.url) as response:
            pass
    assert server.connections == 2


async def test_a_cancelled_exchange_closes_its_connection() -> None:
    async def never(_: bytes, stream: anyio.abc.SocketStream) -> bool:
        while await stream.receive():  # never answers; ends when the client hangs up
            pass
        return False

    async with serving(never) as server, client() as http:
        with anyio.move_on_after(0.1):
            await http.get(server.url)
        for _ in range(50):
            if not server.open:
                break
            await anyio.sleep(0.01)
        assert server.open == 0


async def test_a_connection_the_server_closed_while_idle_is_not_reused() -> None:
    async with serving(reply(OK, keep=False)) as server, client() as http:
        assert (await http.get(server.url)).status_code == 200
        await anyio.sleep(0.05)  # the server has closed its end
        assert (await http.get(server.url)).status_code == 200
    assert server.connections == 2


async def test_a_full_pool_times_out_waiting_when_asked_to() -> None:
    async def slow(_: bytes, stream: anyio.abc.SocketStream) -> bool:
        await anyio.sleep(0.5)
        await stream.send(OK)
        return True

    http = client(max_connections=1, timeout=httpx.Timeout(None, pool=0.05))
    async with serving(slow) as server, http, anyio.create_task_group() as tg:
        tg.start_soon(http.get, server.url)
        await anyio.sleep(0.05)
        with pytest.raises(httpx.PoolTimeout):
            await http.get(server.url)


async def test_https_with_the_clients_ca() -> None:
    trustme = pytest.importorskip("trustme")
    ca = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("localhost").configure_cert(context)
    server = Server(reply(OK), tls=context)
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1")
    server.port = listener.extra(anyio.abc.SocketAttribute.local_port)
    from anyio.streams.tls import TLSListener

    verify = ssl.create_default_context()
    ca.configure_trust(verify)
    tls = TLSListener(listener, context, standard_compatible=False)
    async with tls, anyio.create_task_group() as tg:
        tg.start_soon(tls.serve, server.serve)
        async with client(verify=verify) as http:
            for _ in range(3):
                assert (await http.get(server.url)).json() == {}
        async with client() as http:  # the system's CAs do not know the test CA
            with pytest.raises(httpx.ConnectError):
                await http.get(server.url)
        tg.cancel_scope.cancel()
    assert server.connections == 1  # the refused handshake never reached the handler


async def test_the_short_road_builds_and_sends_what_httpx_would() -> None:
    """json_request + send_quickly (the endpoint's road on its own client) against build_request + send: the
    same bytes on the wire but for header order, the same timeouts, cookies kept and sent back."""
    cookie = b"HTTP/1.1 200 OK\r\nset-cookie: jar=full; Path=/\r\ncontent-length: 2\r\n\r\n{}"
    async with serving(reply(cookie)) as server, client(timeout=httpx.Timeout(None, connect=3)) as http:
        url = httpx.URL(server.url + "/v1/x")
        body = {"text": "é", "n": 1}
        headers = {"authorization": "Bearer k", "accept": "application/json", "Accept-Encoding": "identity"}
        quick, usual = (
            http.json_request("POST", url, headers, body),
            http.build_request("POST", url, json=body, headers=headers),
        )
        assert sorted(quick.headers.multi_items()) == sorted(usual.headers.multi_items())
        assert quick.content == usual.content and quick.extensions == usual.extensions
        empty = http.json_request("POST", url, headers, None)
        assert empty.headers["content-length"] == "0" and empty.content == b""
        get = http.json_request("GET", url, headers, None)
        assert sorted(get.headers.multi_items()) == sorted(
            http.build_request("GET", url, headers=headers).headers.multi_items()
        )
        response = await http.send_quickly(quick)
        assert response.request is quick and (await response.aread()) == b"{}"
        assert http.cookies["jar"] == "full"
        again = http.json_request("POST", url, headers, body)  # a cookie to send: httpx's own road
        assert again.headers["cookie"] == "jar=full"
        await (await http.send_quickly(again)).aclose()
    assert b"cookie: jar=full" in server.requests[-1].lower()
    assert server.connections == 1


async def test_a_closed_client_refuses_the_short_road() -> None:
    http = client()
    await http.aclose()
    with pytest.raises(RuntimeError, match="closed"):
        await http.send_quickly(http.json_request("GET", httpx.URL("http://127.0.0.1:1/"), {}, None))


def test_a_socket_past_descriptor_1023_is_still_checked() -> None:
    """select() refuses descriptors past 1023 (every reuse would then count as expired); poll does not."""
    import os
    import socket

    low, high = socket.socketpair()
    try:
        moved = os.dup2(low.fileno(), 1500)
    except OSError:
        pytest.skip("no descriptor 1500 here")
    far = socket.socket(fileno=moved)
    try:
        assert not _http11._readable(far)
        high.send(b"x")
        assert _http11._readable(far)
    finally:
        far.close()
        low.close()
        high.close()
