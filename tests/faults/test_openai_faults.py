"""Every scripted fault against the OpenAI-compatible provider, through the gateway, streamed and not.

Each request ends in success or the right typed error, the server counts the attempts the retry policy
allows (three for a transient error, one for anything else), and the whole call ends within a generous upper
bound. The autouse ``no_leaks`` fixture checks descriptors and ResourceWarnings after each test.
"""

from __future__ import annotations

import email.utils
import time

import pytest
from clients import FAST_RETRY, MESSAGES, SHORT, Case, call, ends_in_typed_error, gateway, openai_provider, params
from faultserver import (
    Behaviour,
    FaultServer,
    chat_chunk,
    chat_completion,
    hang,
    json_reply,
    raw,
    raw_body,
    reset,
    reset_mid_stream,
    sse,
    sse_chat,
    status,
)
from ratatoskr import ChatOptions
from ratatoskr.errors import (
    ApiError,
    AuthenticationFailed,
    InvalidInput,
    Overloaded,
    PermissionDenied,
    RateLimited,
    RequestTimeout,
    ResponseFormatError,
    StreamError,
    TransportError,
)
from ratatoskr.wire.endpoint import Limits

RETRIES = FAST_RETRY.max_attempts


def _date(offset: float) -> str:
    return email.utils.formatdate(time.time() + offset, usegmt=True)


def retry_after(value: str) -> Behaviour:
    return status(429, {"retry-after": value})


# The header is read by the same code for streamed and plain requests: the odd values are sent to one of them.
RATE_LIMITS = [
    Case("429-retry-after-seconds", retry_after("1"), RateLimited, RETRIES),
    Case("429-retry-after-http-date", retry_after(_date(30)), RateLimited, RETRIES),
    Case("429-retry-after-past-date", retry_after(_date(-30)), RateLimited, RETRIES, ("chat",)),
    Case("429-retry-after-ms", status(429, {"retry-after-ms": "20"}), RateLimited, RETRIES, ("chat",)),
    Case("429-retry-after-nan", retry_after("NaN"), RateLimited, RETRIES),
    Case("429-retry-after-inf", retry_after("inf"), RateLimited, RETRIES, ("chat",)),
    Case("429-retry-after-negative", retry_after("-5"), RateLimited, RETRIES, ("chat",)),
    Case("429-retry-after-1e12", retry_after("1e12"), RateLimited, RETRIES, ("chat",)),
    Case("429-retry-after-1e300", retry_after("1e300"), RateLimited, RETRIES, ("chat",)),
    Case("429-retry-after-text", retry_after("soon"), RateLimited, RETRIES, ("chat",)),
    Case("429-retry-after-ms-nan", status(429, {"retry-after-ms": "nan"}), RateLimited, RETRIES, ("chat",)),
    Case(
        "429-ratelimit-reset-garbage",
        status(429, {"x-ratelimit-reset-requests": "-inf"}),
        RateLimited,
        RETRIES,
        ("chat",),
    ),
]
SERVER_ERRORS = [
    Case("500", status(500), ApiError, RETRIES),
    Case("502", status(502), ApiError, RETRIES),
    Case("503", status(503, {"retry-after": "nan"}), Overloaded, RETRIES),
    Case("529", status(529), Overloaded, RETRIES),
]
CONNECTION = [
    Case("hang", hang, RequestTimeout, RETRIES, timeout=SHORT),
    Case("reset-before-response", reset, TransportError, RETRIES),
    Case("close-before-response", raw(b""), TransportError, RETRIES),
    Case("garbage-status-line", raw(b"HTTP/9 banana\r\n\r\n"), TransportError, RETRIES),
    Case(
        "body-shorter-than-content-length",
        raw(b'HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 500\r\n\r\n{"id": "x"'),
        TransportError,
        RETRIES,
        modes=("chat",),
    ),
    Case("reset-mid-stream-before-first-event", reset_mid_stream([]), StreamError, RETRIES, modes=("stream",)),
    Case("reset-mid-stream", reset_mid_stream([chat_chunk("par")]), StreamError, 1, modes=("stream",)),
]
BODIES = [
    Case("truncated-json", raw_body(b'{"id": "x", "choices": [{"mess', 200), ResponseFormatError, 1, ("chat",)),
    Case(
        "html-page",
        raw_body(b"<html>oops</html>", 200, {"content-type": "text/html; charset=utf-8"}),
        ResponseFormatError,
        1,
    ),
    Case("malformed-sse", sse(["{not json"]), ResponseFormatError, 1, modes=("stream",)),
    Case("stream-ends-unfinished", sse([chat_chunk("par")], done=False), StreamError, 1, modes=("stream",)),
    Case("stream-empty", sse([], done=False), StreamError, RETRIES, modes=("stream",)),
    Case(
        "in-band-error-502", sse([{"error": {"message": "upstream", "code": 502}}]), StreamError, RETRIES, ("stream",)
    ),
    Case("in-band-error-429", sse([{"error": {"message": "slow", "code": 429}}]), RateLimited, RETRIES, ("stream",)),
    Case("in-band-error-400", sse([{"error": {"message": "bad", "code": 400}}]), InvalidInput, 1, ("stream",)),
    Case(
        "in-band-error-event",
        sse([b'event: error\ndata: {"error": {"message": "x", "code": 503}}\n\n']),
        Overloaded,
        RETRIES,
        ("stream",),
    ),
    Case(
        "json-error-on-a-stream-request", json_reply({"error": {"message": "busy", "code": 503}}), Overloaded, RETRIES
    ),
]
PERMANENT = [
    Case("400", status(400), InvalidInput, 1),
    Case("401", status(401), AuthenticationFailed, 1),
    Case("403", status(403), PermissionDenied, 1),
    Case("422", status(422), InvalidInput, 1),
]
CASES = RATE_LIMITS + SERVER_ERRORS + CONNECTION + BODIES + PERMANENT
#: One transient fault of each family, for the recovery and fallback tests (every one is retried above).
RECOVERS = [c for c in CASES if c.id in {"429-retry-after-nan", "503", "hang", "reset-before-response",
                                          "reset-mid-stream-before-first-event", "in-band-error-502"}]  # fmt: skip
FALLS_BACK = [c for c in RECOVERS if c.id != "hang"]


@pytest.mark.parametrize(("case", "mode"), params(CASES))
async def test_fault_ends_in_the_typed_error(case: Case, mode: str) -> None:
    error = await ends_in_typed_error(case, mode, lambda server: openai_provider(server, limits=case.limits))
    if isinstance(error, RateLimited):  # what reaches the caller is a wait it can sleep on
        wait = error.retry_after
        assert wait is None or 0.0 <= wait <= 3600.0, wait


@pytest.mark.parametrize(("case", "mode"), params(RECOVERS))
async def test_transient_fault_is_retried_then_succeeds(case: Case, mode: str) -> None:
    answer = json_reply(chat_completion("fine")) if mode == "chat" else sse_chat("fine")
    async with FaultServer([case.fault, answer]) as server, gateway(openai_provider(server)) as gw:
        assert await call(gw, mode) == "fine"
    assert len(server.requests) == 2


@pytest.mark.parametrize(("case", "mode"), params(FALLS_BACK))
async def test_transient_fault_falls_back_after_its_retries(case: Case, mode: str) -> None:
    answer = json_reply(chat_completion("backup")) if mode == "chat" else sse_chat("backup")
    async with FaultServer(case.fault) as broken, FaultServer(answer) as healthy:
        primary = openai_provider(broken, name="primary", priority=60)
        async with gateway(primary, openai_provider(healthy, name="backup", priority=50)) as gw:
            assert await call(gw, mode) == "backup"
    assert (len(broken.requests), len(healthy.requests)) == (RETRIES, 1)


@pytest.mark.parametrize(("case", "mode"), params(PERMANENT))
async def test_permanent_fault_stops_the_chain(case: Case, mode: str) -> None:
    async with FaultServer(case.fault) as broken, FaultServer(sse_chat("backup")) as healthy:
        primary = openai_provider(broken, name="primary", priority=60)
        async with gateway(primary, openai_provider(healthy, name="backup", priority=50)) as gw:
            with pytest.raises(case.error):
                await call(gw, mode)
    assert (len(broken.requests), len(healthy.requests)) == (1, 0)


@pytest.mark.parametrize("mode", ["chat", "stream"])
async def test_missing_done_after_a_finish_reason_is_a_complete_answer(mode: str) -> None:
    answer = json_reply(chat_completion("whole")) if mode == "chat" else sse_chat("whole", done=False)
    async with FaultServer(answer) as server, gateway(openai_provider(server)) as gw:
        assert await call(gw, mode) == "whole"


@pytest.mark.parametrize("mode", ["chat", "stream"])
async def test_a_huge_event_arrives_whole(mode: str) -> None:
    text = "x" * (8 * 1024 * 1024)
    answer = json_reply(chat_completion(text)) if mode == "chat" else sse_chat(text)
    async with FaultServer(answer) as server, gateway(openai_provider(server, limits=Limits(timeout=10))) as gw:
        assert await call(gw, mode) == text


async def test_a_stream_cut_mid_way_reaches_the_caller_after_its_first_events() -> None:
    fault = reset_mid_stream([chat_chunk("one "), chat_chunk("two")])
    seen: list[str] = []
    async with FaultServer(fault) as server, gateway(openai_provider(server)) as gw:
        with pytest.raises(StreamError):
            async for event in gw.chat_stream(MESSAGES, options=ChatOptions(model="m")):
                seen.append(getattr(event, "text", ""))
    assert "".join(seen) == "one two"
