"""Deadlines and size caps, through the provider's endpoint, against servers that are slow on purpose.

A provider's ``timeout`` bounds the whole request (a server dripping one byte at a time is cut), a stream may
go ``idle_timeout`` without an event (keep-alive comments are not events) and ``stream_timeout`` in all, and an
answer or event over ``max_response_bytes`` is a typed ``ResponseTooLarge``.
"""

from __future__ import annotations

import json
from functools import partial

import anyio
import pytest
from clients import FAST_RETRY, MESSAGES, SHORT, TIMEOUT, call, chat_stream, gateway, openai_provider
from faultserver import (
    Behaviour,
    Conn,
    FaultServer,
    Request,
    chat_chunk,
    chat_completion,
    drip,
    json_reply,
    keepalive_only,
    sse,
    sse_chat,
)
from ratatoskr import ChatOptions, RetryPolicy
from ratatoskr.errors import RequestTimeout, ResponseTooLarge
from ratatoskr.wire.endpoint import Limits

RETRIES = FAST_RETRY.max_attempts
SLACK = 3.0
SSE_BODY = b"".join(b"data: %s\n\n" % json.dumps(c).encode() for c in (chat_chunk("slow"), chat_chunk(finish="stop")))
JSON_BODY = json.dumps(chat_completion("slow")).encode()


def _drip(mode: str, interval: float) -> object:
    if mode == "chat":
        return drip(JSON_BODY, interval, content_type="application/json")
    return drip(SSE_BODY + b"data: [DONE]\n\n", interval)


#: Pinned to the one provider: its own typed error comes back (an unpinned chain would wrap it in AllProvidersFailed).
PINNED = "openai:m"


@pytest.mark.parametrize("mode", ["chat", "stream"])
async def test_a_drip_fed_answer_is_cut_at_the_deadline(mode: str) -> None:
    short = Limits(timeout=SHORT)
    async with FaultServer(_drip(mode, 0.02)) as server, gateway(openai_provider(server, limits=short)) as gw:
        start = anyio.current_time()
        with pytest.raises(RequestTimeout):
            await call(gw, mode, PINNED)
        elapsed = anyio.current_time() - start
    assert len(server.requests) == RETRIES
    assert RETRIES * SHORT * 0.9 < elapsed < RETRIES * SHORT + SLACK


async def test_keep_alive_comments_are_not_progress() -> None:
    short = Limits(timeout=SHORT)
    async with FaultServer(keepalive_only(0.05)) as server, gateway(openai_provider(server, limits=short)) as gw:
        start = anyio.current_time()
        with pytest.raises(RequestTimeout, match="no first event"):
            await chat_stream(gw, PINNED)
        elapsed = anyio.current_time() - start
    assert len(server.requests) == RETRIES
    assert elapsed < RETRIES * SHORT + SLACK


async def test_a_stream_that_goes_quiet_after_its_first_event_is_cut_by_the_idle_limit() -> None:
    first_then_keepalives = sse([chat_chunk("one"), *[b": keep-alive\n\n"] * 100], delay=0.05)
    limits = Limits(timeout=TIMEOUT, idle_timeout=0.3)
    seen: list[str] = []
    async with FaultServer(first_then_keepalives) as server, gateway(openai_provider(server, limits=limits)) as gw:
        start = anyio.current_time()
        with pytest.raises(RequestTimeout, match="no stream event for 0.3 s"):
            async for event in gw.chat_stream(MESSAGES, options=ChatOptions(model="m")):
                seen.append(getattr(event, "text", ""))
        elapsed = anyio.current_time() - start
    assert seen == ["one"]
    assert len(server.requests) == 1  # the stream had started: its error reaches the caller
    assert elapsed < 0.3 + SLACK


async def test_a_stream_that_never_ends_is_cut_by_the_total_limit() -> None:
    endless = sse([chat_chunk("tick ")] * 1000, delay=0.05)
    limits = Limits(timeout=TIMEOUT, stream_timeout=1.0)
    async with FaultServer(endless) as server, gateway(openai_provider(server, limits=limits)) as gw:
        start = anyio.current_time()
        with pytest.raises(RequestTimeout, match="longer than 1 s"):
            await chat_stream(gw)
        elapsed = anyio.current_time() - start
    assert len(server.requests) == 1
    assert 0.9 < elapsed < 1.0 + SLACK


@pytest.mark.parametrize("mode", ["chat", "stream"])
async def test_an_answer_over_the_size_cap_is_refused_typed(mode: str) -> None:
    text = "x" * (2 * 1024 * 1024)
    answer = json_reply(chat_completion(text)) if mode == "chat" else sse_chat(text)
    limits = Limits(timeout=5, max_response_bytes=1024 * 1024)
    async with FaultServer(answer) as server, gateway(openai_provider(server, limits=limits)) as gw:
        with pytest.raises(ResponseTooLarge):
            await call(gw, mode, PINNED)
    assert len(server.requests) == 1  # not transient: asking again would get the same answer


@pytest.mark.parametrize("mode", ["chat", "stream"])
async def test_an_answer_under_the_size_cap_passes(mode: str) -> None:
    text = "x" * (512 * 1024)
    answer = json_reply(chat_completion(text)) if mode == "chat" else sse_chat(text)
    limits = Limits(timeout=5, max_response_bytes=1024 * 1024)
    async with FaultServer(answer) as server, gateway(openai_provider(server, limits=limits)) as gw:
        assert await call(gw, mode, PINNED) == text


async def _must_show(outcomes: dict[str, tuple[BaseException | None, float, int]], backend: str) -> None:
    """The four calls (drip, keep-alive; plain and streamed) side by side, on the running backend."""
    retry = RetryPolicy(max_attempts=2, initial_delay=0.1, max_delay=0.1, jitter=False)

    async def one(name: str, fault: Behaviour, mode: str) -> None:
        async with (
            FaultServer(fault) as server,
            gateway(openai_provider(server, limits=Limits(timeout=3)), retry=retry) as gw,
        ):
            start = anyio.current_time()
            error: BaseException | None = None
            try:
                await call(gw, mode, PINNED)
            except RequestTimeout as exc:
                error = exc
            outcomes[f"{backend} {name}"] = (error, anyio.current_time() - start, len(server.requests))

    async with anyio.create_task_group() as group:
        group.start_soon(one, "drip-chat", _drip("chat", 1.0), "chat")
        group.start_soon(one, "drip-stream", _drip("stream", 1.0), "stream")
        group.start_soon(one, "keepalive-stream", keepalive_only(1.0), "stream")
        group.start_soon(one, "keepalive-chat", keepalive_only(1.0), "chat")


@pytest.mark.parametrize("anyio_backend", ["asyncio"])  # trio runs too: in a thread, beside it
async def test_must_show_drip_and_keep_alive_end_typed_within_about_ten_seconds() -> None:
    """Issue 8: ``timeout = 3`` and two attempts against a server that drip-feeds one byte a second, or sends
    only keep-alive comments, end in a typed timeout within about 10 s, on asyncio and on trio. Both backends
    run at once (trio's event loop in a worker thread) so the proof costs one run's time, not two."""
    outcomes: dict[str, tuple[BaseException | None, float, int]] = {}
    on_trio = partial(anyio.run, _must_show, outcomes, "trio", backend="trio")
    async with anyio.create_task_group() as group:
        group.start_soon(_must_show, outcomes, "asyncio")
        group.start_soon(anyio.to_thread.run_sync, on_trio)
    assert len(outcomes) == 8
    for name, (error, elapsed, attempts) in outcomes.items():
        assert isinstance(error, RequestTimeout), name
        assert attempts == 2, name
        assert 6.0 <= elapsed < 10.0 + SLACK, (name, elapsed)


@pytest.mark.parametrize("mode", ["chat", "stream"])
async def test_cancelling_the_callers_scope_stops_the_request_and_closes_the_connection(mode: str) -> None:
    """A caller's own deadline (an anyio cancel scope) works on any provider: the call stops at once and the
    server sees the connection closed (the fd check after the test proves nothing is left open)."""
    arrived, closed = anyio.Event(), anyio.Event()

    async def hang_and_notice(conn: Conn, request: Request) -> bool:
        arrived.set()
        await conn.wait_closed()
        closed.set()
        return False

    limits = Limits(timeout=60)
    async with FaultServer(hang_and_notice) as server, gateway(openai_provider(server, limits=limits)) as gw:
        async with anyio.create_task_group() as group:
            group.start_soon(call, gw, mode, PINNED)
            with anyio.fail_after(SLACK):
                await arrived.wait()
            start = anyio.current_time()
            group.cancel_scope.cancel()  # the caller gives up while the server sits on the request
        with anyio.fail_after(SLACK):
            await closed.wait()
        assert anyio.current_time() - start < SLACK
    assert len(server.requests) == 1


async def test_leaving_a_stream_early_closes_its_connection() -> None:
    closed = anyio.Event()

    async def endless(conn: Conn, request: Request) -> bool:
        await conn.head(200, {"content-type": "text/event-stream"})
        try:
            while True:
                await conn.chunk(b"data: %s\n\n" % json.dumps(chat_chunk("tick ")).encode())
                await anyio.sleep(0.01)
        finally:
            closed.set()

    async with FaultServer(endless) as server, gateway(openai_provider(server)) as gw:
        events = gw.chat_stream(MESSAGES, options=ChatOptions(model=PINNED))
        async for event in events:
            if getattr(event, "text", None):
                break
        await events.aclose()  # type: ignore[attr-defined]
        with anyio.fail_after(SLACK):
            await closed.wait()
