"""The endpoint every HTTP provider talks through: JSON and stream helpers, the provider's classifier, the
whole-request deadline, the stream idle and total limits, the size cap, the client it owns or borrows.

Deadlines are checked against a real loopback socket (a thread writing scripted bytes with pauses), with
generous upper bounds: the point is that the request ends, typed, long before the server would stop."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import anyio
import httpx
import pytest
from ratatoskr import errors
from ratatoskr.testing import closed_port_url
from ratatoskr.wire._pool import default_ssl_context
from ratatoskr.wire.endpoint import Endpoint, Limits
from ratatoskr.wire.failure import HttpFailure


def _mock(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler))


class _Chunks(httpx.AsyncByteStream):
    """A body sent in these chunks, with no content-length (an iterator, not a generator: nothing to close)."""

    def __init__(self, parts: list[bytes]) -> None:
        self._parts = iter(parts)

    def __aiter__(self) -> _Chunks:
        return self

    async def __anext__(self) -> bytes:
        try:
            return next(self._parts)
        except StopIteration:
            raise StopAsyncIteration from None


# ---- a loopback server that writes scripted bytes with pauses ------------------------------------------

Script = list[tuple[float, bytes]]  # (pause before, bytes to send)


@pytest.fixture
def drip() -> Iterator[Callable[[Script], str]]:
    """``url = drip([(0, head), (0.1, b"x"), ...])``: every connection gets the script; the socket closes at
    its end (or when the client hangs up)."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.2)
    script: Script = []
    stop = threading.Event()

    def serve(conn: socket.socket) -> None:
        with conn:
            conn.recv(65536)
            try:
                for pause, data in script:
                    if stop.wait(pause):
                        return
                    conn.sendall(data)
            except OSError:
                return  # the client hung up: what a deadline does

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()

    def start(steps: Script) -> str:
        script[:] = steps
        return f"http://127.0.0.1:{listener.getsockname()[1]}"

    yield start
    stop.set()
    thread.join()
    listener.close()


def _head(content_type: str, length: int | None = None) -> bytes:
    size = f"content-length: {length}\r\n" if length is not None else ""
    return f"HTTP/1.1 200 OK\r\ncontent-type: {content_type}\r\n{size}connection: close\r\n\r\n".encode()


FOREVER = 30.0  # what the server would take: every test must end long before


async def _timed(call: Callable[[], Any]) -> tuple[BaseException | None, float]:
    started = time.monotonic()
    try:
        await call()
    except errors.RatatoskrError as exc:
        return exc, time.monotonic() - started
    return None, time.monotonic() - started


# ---- JSON ------------------------------------------------------------------------------------------------


async def test_json_answers_and_mapped_errors() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/v1/ok":
            assert request.headers["x-key"] == "k" and request.headers["x-call"] == "c"
            return httpx.Response(200, json={"echo": json.loads(request.content)})
        if request.url.path == "/v1/garbage":
            return httpx.Response(200, content=b"<html>")
        return httpx.Response(401, json={"error": {"message": "Incorrect API key provided"}})

    async with _mock(handler) as client:
        endpoint = Endpoint("http://x/v1/", provider="p", headers={"x-key": "k"}, client=client)
        assert await endpoint.post_json("ok", {"a": 1}, headers={"x-call": "c"}) == {"echo": {"a": 1}}
        with pytest.raises(errors.ResponseFormatError, match="not JSON"):
            await endpoint.get_json("garbage")
        with pytest.raises(errors.AuthenticationFailed, match="Incorrect API key") as caught:
            await endpoint.get_json("no")
        assert caught.value.provider == "p" and caught.value.status == 401


async def test_the_providers_classifier_decides_first_and_may_defer() -> None:
    seen: list[HttpFailure] = []

    def classify(failure: HttpFailure) -> errors.RatatoskrError | None:
        seen.append(failure)
        if failure.code == "model_cold":
            return errors.ModelNotAvailable(failure.model or "", provider=failure.provider, reason="cold")
        return None

    def handler(request: httpx.Request) -> httpx.Response:
        code = request.url.path.rsplit("/", 1)[-1]
        return httpx.Response(400, json={"error": {"message": "nope", "code": code}}, headers={"x-id": "7"})

    async with _mock(handler) as client:
        endpoint = Endpoint("http://x", provider="p", client=client, classify=classify)
        with pytest.raises(errors.ModelNotAvailable, match="cold"):
            await endpoint.post_json("model_cold", {}, model="m")
        with pytest.raises(errors.InvalidInput, match="p: HTTP 400: nope"):
            await endpoint.post_json("other", {}, model="m")
    assert [(f.status, f.code, f.model, f.headers["x-id"]) for f in seen] == [
        (400, "model_cold", "m", "7"),
        (400, "other", "m", "7"),
    ]
    assert endpoint.stream_error({"error": {"code": "model_cold", "message": "x"}}, model="m").moves_on


async def test_a_refused_connection_is_a_transport_error() -> None:
    endpoint = Endpoint(closed_port_url(), provider="p")
    try:
        with pytest.raises(errors.TransportError) as caught:
            await endpoint.get_json("x")
        assert caught.value.is_transient and caught.value.__cause__ is not None
    finally:
        await endpoint.aclose()


async def test_a_drip_fed_answer_ends_at_the_whole_request_deadline(drip: Callable[[Script], str]) -> None:
    body = b'{"text": "' + b"x" * 100 + b'"}'
    url = drip([(0, _head("application/json", len(body))), *[(0.05, bytes([b])) for b in body]])
    endpoint = Endpoint(url, provider="p", timeout=0.5)
    try:
        error, took = await _timed(lambda: endpoint.get_json())
    finally:
        await endpoint.aclose()
    assert isinstance(error, errors.RequestTimeout) and "0.5 s" in str(error), error
    assert took < 3.0  # every read came within 50 ms: per-read timeouts alone would wait 5 s


async def test_answers_over_the_size_cap_are_refused() -> None:
    big = json.dumps({"data": "x" * 5000}).encode()

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/declared":
            return httpx.Response(200, content=big)  # with content-length
        return httpx.Response(200, stream=_Chunks([big[:3000], big[3000:]]))  # chunked, no length

    async with _mock(handler) as client:
        endpoint = Endpoint("http://x", provider="p", client=client, limits=Limits(max_response_bytes=4096))
        for path in ("declared", "chunked"):
            with pytest.raises(errors.ResponseTooLarge, match="4096") as caught:
                await endpoint.get_json(path)
            assert caught.value.limit == 4096 and not caught.value.is_transient


# ---- streams ---------------------------------------------------------------------------------------------


async def test_stream_helpers_and_errors_before_the_first_event() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/sse":
            sse = b": keepalive\n\ndata: 1\n\ndata: 2\n\n"
            return httpx.Response(200, content=sse, headers={"content-type": "text/event-stream"})
        if request.url.path == "/ndjson":
            return httpx.Response(200, content=b'{"a": 1}\n{"a": 2}\n')
        if request.url.path == "/json-error":
            return httpx.Response(200, json={"error": {"code": 429, "message": "busy"}})
        return httpx.Response(503, json={"error": {"message": "overloaded"}}, headers={"retry-after": "4"})

    async with _mock(handler) as client:
        endpoint = Endpoint("http://x", provider="p", client=client)
        assert [e.data async for e in endpoint.stream_sse("sse", {})] == ["1", "2"]
        assert [v async for v in endpoint.stream_ndjson("ndjson")] == [{"a": 1}, {"a": 2}]
        with pytest.raises(errors.RateLimited):
            [e async for e in endpoint.stream_sse("json-error")]
        with pytest.raises(errors.Overloaded) as caught:
            [e async for e in endpoint.stream_sse("down")]
        assert caught.value.retry_after == 4.0


async def test_keep_alives_alone_end_at_the_first_event_deadline(drip: Callable[[Script], str]) -> None:
    url = drip([(0, _head("text/event-stream")), *[(0.1, b": OPENROUTER PROCESSING\n\n")] * 300])
    error, took = await _timed_sse(Endpoint(url, provider="p", timeout=0.5))
    assert isinstance(error, errors.RequestTimeout) and "no first event" in str(error), error
    assert took < 3.0


async def test_a_stream_that_stalls_ends_at_the_idle_limit(drip: Callable[[Script], str]) -> None:
    steps = [(0, _head("text/event-stream")), (0, b"data: first\n\n")]
    url = drip(steps + [(0.1, b": keep-alive\n\n")] * 300)  # comments are not progress
    got: list[str] = []
    error, took = await _timed_sse(Endpoint(url, provider="p", limits=Limits(timeout=5, idle_timeout=0.5)), got)
    assert got == ["first"]
    assert isinstance(error, errors.RequestTimeout) and "no stream event for 0.5 s" in str(error), error
    assert took < 3.0


async def test_a_stream_ends_at_its_total_limit(drip: Callable[[Script], str]) -> None:
    url = drip([(0, _head("text/event-stream")), *[(0.05, b"data: tick\n\n")] * 600])
    got: list[str] = []
    error, took = await _timed_sse(Endpoint(url, provider="p", limits=Limits(timeout=5, stream_timeout=0.6)), got)
    assert isinstance(error, errors.RequestTimeout) and "longer than 0.6 s" in str(error), error
    assert 0 < len(got) < 100 and took < 3.0


async def test_one_event_over_the_size_cap_is_refused() -> None:
    body = b"data: small\n\n" * 50 + b"data: " + b"x" * 3000 + b"\n\n"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=_Chunks([body[i : i + 512] for i in range(0, len(body), 512)]))

    async with _mock(handler) as client:
        endpoint = Endpoint("http://x", provider="p", client=client, limits=Limits(max_response_bytes=1024))
        got: list[str] = []
        with pytest.raises(errors.ResponseTooLarge, match="stream event"):
            await _drain_sse(endpoint, got)
    assert got == ["small"] * 50  # many small events add up to more than the cap: only one event counts


async def _timed_sse(endpoint: Endpoint, into: list[str] | None = None) -> tuple[BaseException | None, float]:
    """Read the endpoint's stream to its end or its error, and close the endpoint: (error, seconds)."""
    try:
        return await _timed(lambda: _drain_sse(endpoint, into))
    finally:
        await endpoint.aclose()


async def _drain_sse(endpoint: Endpoint, into: list[str] | None = None) -> None:
    async for event in endpoint.stream_sse("", {}):
        if into is not None:
            into.append(event.data)


async def test_a_consumer_stopping_early_closes_the_stream() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=_Chunks([b"data: %d\n\n" % i for i in range(100)]))

    async with _mock(handler) as client:
        endpoint = Endpoint("http://x", provider="p", client=client)
        events = endpoint.stream_sse("", {})
        assert (await events.__anext__()).data == "0"
        with anyio.fail_after(5):
            await events.aclose()


# ---- limits, URLs, the client --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "bad",
    [{"timeout": 0}, {"timeout": -1}, {"idle_timeout": float("nan")}, {"stream_timeout": float("inf")},
     {"max_response_bytes": 0}, {"timeout": True}],
)  # fmt: skip
def test_limits_refuse_nonsense(bad: dict[str, Any]) -> None:
    with pytest.raises(errors.InvalidInput, match=next(iter(bad))):
        Limits(**bad)


def test_limits_defaults_and_the_timeout_shortcut() -> None:
    limits = Limits()
    assert limits.max_response_bytes == 64 * 1024 * 1024 and limits.stream_timeout is None
    assert limits.idle == limits.timeout
    endpoint = Endpoint("http://x/", provider="p", timeout=7, limits=Limits(idle_timeout=2))
    assert (endpoint.limits.timeout, endpoint.limits.idle) == (7, 2)
    assert endpoint.url("a") == "http://x/a" and endpoint.url("/a") == "http://x/a" and endpoint.url() == "http://x"
    assert endpoint.url("https://hub/b") == "https://hub/b"


async def test_a_created_client_is_closed_and_recreated_on_next_use() -> None:
    endpoint = Endpoint("http://x", provider="p", limits=Limits(timeout=5, connect_timeout=2))
    first = endpoint.client
    assert endpoint.client is first
    assert first.timeout.connect == 2 and first.timeout.read is None  # the endpoint bounds the rest itself
    await endpoint.aclose()
    assert first.is_closed
    assert endpoint.client is not first
    await endpoint.aclose()


async def test_an_injected_client_is_never_closed_by_the_endpoint() -> None:
    async with httpx.AsyncClient(verify=default_ssl_context()) as injected:
        endpoint = Endpoint("http://x", provider="p", client=injected)
        assert endpoint.client is injected
        await endpoint.aclose()
        assert not injected.is_closed
