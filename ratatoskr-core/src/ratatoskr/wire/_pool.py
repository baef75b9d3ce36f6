"""The transport of the clients endpoints create: HTTP/1.1 connections in a pool whose work per request is
constant, however many connections it keeps.

httpx's own transport costs about 0.6 ms of CPU per exchange (httpcore and h11: events, state machines, header
validation, a lock and a shielded scope per step) and its pool re-examines every connection and every waiting
request whenever a request starts or a response closes (asking each idle socket whether the server closed
it): fine for 20 connections, quadratic for the hundreds a gateway keeps open under load, where it took most
of the CPU and cut ratd's throughput through a provider twentyfold (bench/bench_server_http.py).

This pool keeps, per origin, a stack of idle connections (the most recently used is reused first, so the
others expire and are swept), a count of open connections bounded by ``max_connections``, and a FIFO of
callers waiting for one. A request takes one connection; a response read to its end gives it to the first
waiter for that origin, or back to the stack; a response closed early, a cancelled exchange or a broken one
closes its connection. The exchange itself is :mod:`ratatoskr.wire._http11`. It raises httpx's exceptions,
and the client around it is an ordinary ``httpx.AsyncClient`` (proxies from the environment go through
httpx's own transports). Loaded only when an endpoint creates its client.
"""

from __future__ import annotations

import functools
import json
import logging
import os
import ssl
import time
from collections import deque
from collections.abc import AsyncIterator, Mapping
from typing import Any

import anyio
import httpcore
import httpx

from ratatoskr.wire._http11 import Connection, Head

__all__ = ["Pool", "PooledClient", "PooledTransport", "default_ssl_context"]

#: How often idle connections at the bottom of a stack are checked for expiry (seconds).
SWEEP_EVERY = 1.0
_DEFAULT_PORTS = {b"http": 80, b"https": 443}

_Key = tuple[bytes, bytes, int]
#: Methods for which httpx sends ``Content-Length: 0`` when there is no body.
_BODIED = frozenset({"POST", "PUT", "PATCH"})
#: httpx's logger: its client logs every request at INFO level, and so does send_quickly.
_log = logging.getLogger("httpx")


class _Waiter:
    __slots__ = ("connection", "event", "key", "slot")

    def __init__(self, key: _Key) -> None:
        self.key = key
        self.event = anyio.Event()
        #: Handed over: an idle connection to ``key``, or the right to open a new one.
        self.connection: Connection | None = None
        self.slot = False


class Pool:
    """At most ``max_connections`` open connections; idle ones kept ``keepalive_expiry`` seconds."""

    def __init__(
        self, *, ssl_context: ssl.SSLContext | None, max_connections: int, keepalive_expiry: float | None
    ) -> None:
        self._ssl_context = ssl_context
        self._max = max_connections
        self._keepalive = keepalive_expiry
        self._idle: dict[_Key, deque[Connection]] = {}
        self._open: set[Connection] = set()
        self._slots = 0  # connections open or being opened (a slot is taken before its connection exists)
        self._waiters: deque[_Waiter] = deque()
        self._swept = time.monotonic()

    def __repr__(self) -> str:
        idle = sum(map(len, self._idle.values()))
        return f"<Pool {self._slots} open, {idle} idle, {len(self._waiters)} waiting>"

    async def handle_async_request(self, request: httpcore.Request) -> httpcore.Response:
        """Send ``request`` on an idle or a new connection; its response gives the connection back when read."""
        url = request.url
        port = url.port or _DEFAULT_PORTS.get(url.scheme)
        if port is None:
            raise httpcore.UnsupportedProtocol(f"unsupported URL scheme {url.scheme!r}")
        timeouts: dict[str, Any] = request.extensions.get("timeout", {})
        connection = await self.acquire((url.scheme, url.host, port), timeouts)
        try:
            if timeouts.get("write") is None and timeouts.get("read") is None:  # the endpoints' clients
                head = await _exchange(connection, request)
            else:
                with anyio.fail_after(_total(timeouts.get("write"), timeouts.get("read"))):
                    head = await _exchange(connection, request)
        except BaseException as exc:
            await self.discard(connection)
            if isinstance(exc, TimeoutError):
                raise httpcore.ReadTimeout(str(exc) or "no response within the read timeout") from exc
            raise
        return httpcore.Response(
            head.status,
            headers=head.headers,
            content=_Body(self, connection, head),
            extensions={"http_version": b"HTTP/1.1", "reason_phrase": head.reason},
        )

    async def __aenter__(self) -> Pool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close every connection (in use or idle)."""
        connections = list(self._open)
        self._open.clear()
        self._idle.clear()
        for connection in connections:
            await connection.aclose()

    async def acquire(self, key: _Key, timeouts: dict[str, Any]) -> Connection:
        """An idle connection to ``key``, or a new one."""
        while True:
            idle = self._idle.get(key)
            if idle:
                now = time.monotonic()
                while idle:
                    connection = idle.pop()
                    if not connection.expired(self._keepalive, now):
                        if idle and now - self._swept > SWEEP_EVERY:
                            await self._sweep(idle, now)
                        return connection
                    await self.discard(connection)
            if self._slots < self._max:
                self._slots += 1
                return await self._connect(key, timeouts)
            victim = next((stack.popleft() for stack in self._idle.values() if stack), None)
            if victim is None:
                break
            await self.discard(victim)  # an idle connection elsewhere makes room for this origin
        waiter = _Waiter(key)
        self._waiters.append(waiter)
        timeout = timeouts.get("pool")
        try:
            with anyio.fail_after(timeout):
                await waiter.event.wait()
        except BaseException as exc:
            if waiter.connection is not None:
                await self.finish(waiter.connection)
            elif waiter.slot:
                self._free_slot()
            else:
                self._waiters.remove(waiter)
            if isinstance(exc, TimeoutError):
                raise httpcore.PoolTimeout(f"no connection free within {timeout} s") from exc
            raise
        return waiter.connection or await self._connect(key, timeouts)

    async def _connect(self, key: _Key, timeouts: dict[str, Any]) -> Connection:
        """Open a connection in a slot already taken (given back if it fails)."""
        scheme, host, port = key
        timeout = timeouts.get("connect")
        try:
            with anyio.fail_after(timeout):
                hostname = host.decode("ascii")
                if scheme == b"https":
                    stream: Any = await anyio.connect_tcp(
                        hostname, port, ssl_context=self._ssl_context, tls_hostname=hostname,
                        tls_standard_compatible=False,
                    )  # fmt: skip
                else:
                    stream = await anyio.connect_tcp(hostname, port)
        except BaseException as exc:
            self._free_slot()
            if isinstance(exc, TimeoutError):
                raise httpcore.ConnectTimeout(f"no connection to {hostname}:{port} within {timeout} s") from exc
            if isinstance(exc, OSError | anyio.BrokenResourceError | ssl.SSLError):
                raise httpcore.ConnectError(f"{type(exc).__name__}: {exc}") from exc
            raise
        connection = Connection(stream, key)
        self._open.add(connection)
        return connection

    def release(self, connection: Connection) -> bool:
        """A connection whose exchange ended well: to the first waiter for its origin, or back to its stack.
        False when it must be closed instead (others wait for a slot to another origin)."""
        key = connection.key
        for waiter in self._waiters:
            if waiter.key == key:
                self._waiters.remove(waiter)
                waiter.connection = connection
                waiter.event.set()
                return True
        if self._waiters:
            self._open.discard(connection)
            self._free_slot()
            return False
        self._idle.setdefault(key, deque()).append(connection)
        return True

    async def finish(self, connection: Connection) -> None:
        """The exchange is over: keep the connection if it can serve another, else close it."""
        if connection.reusable and connection in self._open and self.release(connection):
            return
        await self.discard(connection)

    async def discard(self, connection: Connection) -> None:
        """Close a connection and give its slot to the next waiter."""
        if connection in self._open:
            self._open.discard(connection)
            self._free_slot()
        await connection.aclose()

    def _free_slot(self) -> None:
        if self._waiters:
            waiter = self._waiters.popleft()
            waiter.slot = True
            waiter.event.set()
        else:
            self._slots -= 1

    async def _sweep(self, stack: deque[Connection], now: float) -> None:
        """Close the connections at the bottom of a stack that expired (rarely reused: LIFO)."""
        self._swept = now
        while stack and stack[0].expired(self._keepalive, now):
            await self.discard(stack.popleft())


async def _exchange(connection: Connection, request: httpcore.Request) -> Head:
    # A failed write is not the end: the server may have answered (413, 401, ...) before it stopped reading.
    try:  # noqa: SIM105 (a try costs nothing when nothing is raised; suppress() is an object per request)
        await connection.send_request(request)
    except httpcore.WriteError:
        pass
    return await connection.read_head(request.method)


def _total(write: float | None, read: float | None) -> float:
    """One bound for writing the request and reading the response head. httpx bounds each socket operation,
    body reads included; the endpoints set neither (their deadlines are cancel scopes around the whole)."""
    return (write or 0.0) + (read or 0.0)


class _Body:
    """A response body; read to its end, it gives its connection back; closed early, it closes it. An iterator,
    not an async generator: one left early leaves nothing suspended for the collector to warn about."""

    __slots__ = ("_connection", "_done", "_head", "_pool")

    def __init__(self, pool: Pool, connection: Connection, head: Head) -> None:
        self._pool = pool
        self._connection = connection
        self._head = head
        self._done = False

    def __aiter__(self) -> AsyncIterator[bytes]:
        return self

    async def __anext__(self) -> bytes:
        if self._done:
            raise StopAsyncIteration
        try:
            piece = await self._connection.read_body(self._head)
        except BaseException:
            self._done = True
            await self._pool.discard(self._connection)
            raise
        if piece:
            return piece
        self._done = True
        await self._pool.finish(self._connection)
        raise StopAsyncIteration

    async def aclose(self) -> None:
        if not self._done:  # left before its end: the connection is in the middle of a body
            self._done = True
            await self._pool.discard(self._connection)


class PooledTransport(httpx.AsyncHTTPTransport):
    """httpx's HTTP transport (its request conversion, exception mapping, response streams, and so whatever
    patches it: vcrpy replays cassettes there) over :class:`Pool` instead of httpcore's pool."""

    def __init__(self, *, ssl_context: ssl.SSLContext | None, limits: httpx.Limits) -> None:
        # Not super().__init__(): it builds httpcore's pool only for it to be dropped. The base class reaches
        # its pool only through _pool (httpx 0.28); tests/wire/test_pool.py fails if that changes.
        if ssl_context is not None:
            ssl_context.set_alpn_protocols(["http/1.1"])  # what httpcore offers over TLS without HTTP/2
        self._pool = Pool(  # type: ignore[assignment]
            ssl_context=ssl_context,
            max_connections=limits.max_connections or 256,
            keepalive_expiry=limits.keepalive_expiry,
        )


def default_ssl_context(*, trust_env: bool = True) -> ssl.SSLContext:
    """The TLS context ``httpx.create_ssl_context(verify=True, trust_env=trust_env)`` makes (certifi's roots, or
    ``SSL_CERT_FILE`` / ``SSL_CERT_DIR`` when ``trust_env``), made once per process and those variables' values.

    Making one loads and parses the whole CA bundle: about 25 ms of CPU, which every client paid at creation,
    even one that only ever speaks plain HTTP. A context is safe to share between clients and connections.
    """
    if not trust_env:
        return _default_ssl_context(False, None, None)
    return _default_ssl_context(True, os.environ.get("SSL_CERT_FILE"), os.environ.get("SSL_CERT_DIR"))


@functools.cache
def _default_ssl_context(trust_env: bool, cert_file: str | None, cert_dir: str | None) -> ssl.SSLContext:
    # cert_file and cert_dir only key the cache: httpx reads the same variables itself.
    return httpx.create_ssl_context(verify=True, trust_env=trust_env)


class PooledClient(httpx.AsyncClient):
    """An ``httpx.AsyncClient`` whose own transport is a :class:`PooledTransport` (proxies from the environment,
    TLS settings and everything else as httpx does them), with a short road for the endpoint's requests.

    ``client.build_request`` + ``client.send`` cost about 0.3 ms of CPU per call (merging URLs, headers, cookies
    and timeouts, the auth and redirect loops, the stream wrappers), half of a whole call to a fast upstream.
    :meth:`json_request` and :meth:`send_quickly` do what those do for a request the endpoint makes (no auth,
    no redirects, no event hooks on a client it created): the same headers, body, timeouts, transport (a
    proxy's when one is mounted for the URL), cookies and log line, without the layers.
    """

    def _init_transport(
        self,
        verify: ssl.SSLContext | str | bool = True,
        cert: Any = None,
        trust_env: bool = True,
        http1: bool = True,
        http2: bool = False,
        limits: httpx.Limits = httpx.Limits(),  # noqa: B008 (never used: httpx always passes its limits)
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> httpx.AsyncBaseTransport:
        if transport is not None or http2 or not http1:
            return super()._init_transport(verify, cert, trust_env, http1, http2, limits, transport)
        if verify is True and cert is None:
            context = default_ssl_context(trust_env=trust_env)
        else:
            context = httpx.create_ssl_context(verify=verify, cert=cert, trust_env=trust_env)
        return PooledTransport(ssl_context=context, limits=limits)

    def json_request(self, method: str, url: httpx.URL, headers: Mapping[str, str], body: Any) -> httpx.Request:
        """What ``build_request(method, url, json=body, headers=headers)`` builds (``url`` absolute)."""
        if self.cookies or self.params or self.base_url.raw_path != b"/" or not url.is_absolute_url:
            return self.build_request(method, url, json=body, headers=headers)
        # The header list httpx would make (Host, the client's defaults unless the call names them, the call's,
        # Content-Type and Content-Length), put together once instead of normalised three times over.
        named = {name.lower() for name in headers}
        raw: list[tuple[bytes, bytes]] = []
        if "host" not in named:
            raw.append((b"Host", url.netloc))
        raw += [(k, v) for k, v in self.headers.raw if k.lower().decode("latin-1") not in named]
        raw += [(k.encode("ascii"), v.encode("ascii")) for k, v in headers.items()]  # as httpx encodes them
        content = b""
        if body is not None:
            content = json.dumps(body, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
            if "content-type" not in named:
                raw.append((b"Content-Type", b"application/json"))
        if "content-length" not in named and "transfer-encoding" not in named and (content or method in _BODIED):
            raw.append((b"Content-Length", str(len(content)).encode("ascii")))
        stream = httpx.ByteStream(content)
        request = httpx.Request(method, url, headers=raw, stream=stream, extensions={"timeout": self._timeouts})
        request.read()  # as httpx does for a body at hand: request.content is there for whoever looks
        return request

    @property
    def _timeouts(self) -> dict[str, float | None]:
        return self.timeout.as_dict()

    async def send_quickly(self, request: httpx.Request) -> httpx.Response:
        """What ``send(request, stream=True)`` answers, for a request of :meth:`json_request`."""
        if self.is_closed:
            raise RuntimeError("Cannot send a request, as the client has been closed.")
        response = await self._transport_for_url(request.url).handle_async_request(request)
        response.request = request
        if "set-cookie" in response.headers:
            self.cookies.extract_cookies(response)
        if _log.isEnabledFor(logging.INFO):
            line = 'HTTP Request: %s %s "%s %d %s"'
            _log.info(line, request.method, request.url, response.http_version, response.status_code,
                      response.reason_phrase)  # fmt: skip
        return response
