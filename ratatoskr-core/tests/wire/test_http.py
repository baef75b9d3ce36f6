"""The HTTP boundary: Retry-After parsing, status → error mapping, transport errors, send/stream helpers."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest
from ratatoskr import errors
from ratatoskr.wire.http import (
    error_from_response,
    error_from_stream_object,
    parse_retry_after,
    send_json,
    stream_lines,
    stream_ndjson,
    stream_sse,
    translate_transport_errors,
)

NOW = 1_700_000_000.0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"Retry-After": "7"}, 7.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after": format_datetime(datetime.fromtimestamp(NOW + 30, UTC), usegmt=True)}, 30.0),
        ({"x-ratelimit-reset-requests": "1s", "x-ratelimit-reset-tokens": "6m0s"}, 360.0),
        (
            {
                "x-ratelimit-reset-requests": "20ms",
                "x-ratelimit-remaining-requests": "0",
                "x-ratelimit-reset-tokens": "6m0s",
                "x-ratelimit-remaining-tokens": "900",
            },
            0.02,
        ),
        ({"anthropic-ratelimit-requests-reset": datetime.fromtimestamp(NOW + 12, UTC).isoformat()}, 12.0),
        ({"X-RateLimit-Reset": str(int((NOW + 5) * 1000))}, 5.0),
        ({"retry-after": "Wed, 21 Oct 2015 07:28:00 GMT"}, 0.0),  # in the past: no wait, never negative
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_parse_retry_after(headers: dict[str, str], expected: float | None) -> None:
    got = parse_retry_after(headers, now=NOW)
    assert got == pytest.approx(expected) if expected is not None else got is None


def test_parse_retry_after_on_httpx_headers() -> None:
    assert parse_retry_after(httpx.Headers({"Retry-After": "3"})) == 3.0


OPENAI_BODY = {
    "error": {
        "message": "Rate limit reached for gpt-4o",
        "type": "requests",
        "param": None,
        "code": "rate_limit_exceeded",
    }
}


@pytest.mark.parametrize(
    ("status", "body", "cls"),
    [
        (
            400,
            {
                "error": {
                    "message": "This model's maximum context length is 8192 tokens. However, you requested "
                    "9000 tokens.",
                    "type": "invalid_request_error",
                    "code": "context_length_exceeded",
                }
            },
            errors.ContextLengthExceeded,
        ),
        (
            400,
            {
                "type": "error",
                "error": {
                    "type": "invalid_request_error",
                    "message": "prompt is too long: 210000 tokens > 200000 maximum",
                },
            },
            errors.ContextLengthExceeded,
        ),
        (
            400,
            {
                "error": {
                    "message": "Your request was rejected by our content management policy",
                    "code": "content_policy_violation",
                }
            },
            errors.ContentFiltered,
        ),
        (400, {"error": {"message": "Invalid value for 'temperature'", "code": None}}, errors.InvalidInput),
        (400, {"error": {"code": 400, "message": "foo/bar is not a valid model ID"}}, errors.ModelNotFound),
        (401, {"error": {"code": 401, "message": "No auth credentials found"}}, errors.AuthenticationFailed),
        (402, {"error": {"code": 402, "message": "Insufficient credits"}}, errors.PaymentRequired),
        (403, {"error": {"code": 403, "message": "Forbidden"}}, errors.PermissionDenied),
        (
            403,
            {
                "error": {
                    "code": 403,
                    "message": "Input was flagged",
                    "metadata": {"reasons": ["violence"], "flagged_input": "..."},
                }
            },
            errors.ContentFiltered,
        ),
        (404, {"error": 'model "llama9" not found, try pulling it first'}, errors.ModelNotFound),
        (408, {"error": {"code": 408, "message": "timeout"}}, errors.RequestTimeout),
        (
            413,
            {"type": "error", "error": {"type": "request_too_large", "message": "Request exceeds the size"}},
            errors.RequestTooLarge,
        ),
        (422, {"detail": [{"loc": ["body", "messages"], "msg": "field required"}]}, errors.InvalidInput),
        (429, OPENAI_BODY, errors.RateLimited),
        (500, {"error": {"message": "The server had an error"}}, errors.ApiError),
        (502, "<html>Bad gateway</html>", errors.ApiError),
        (503, {"error": "Model bert is currently loading", "estimated_time": 20.0}, errors.Overloaded),
        (529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}, errors.Overloaded),
    ],
)
def test_error_from_response(status: int, body: object, cls: type[errors.RatatoskrError]) -> None:
    raw = body if isinstance(body, str) else json.dumps(body)
    error = error_from_response(status, {"retry-after": "2"}, raw.encode(), provider="p", model="m")
    assert type(error) is cls
    assert error.provider == "p"
    if cls is not errors.ModelNotFound:
        assert str(status) in str(error)


def test_error_carries_the_provider_message_and_retry_after() -> None:
    error = error_from_response(429, {"retry-after": "2"}, json.dumps(OPENAI_BODY), provider="openai")
    assert "Rate limit reached for gpt-4o" in str(error)
    assert error.retry_after == 2.0 and error.is_transient
    overloaded = error_from_response(503, {}, b'{"error": "loading", "estimated_time": 20.0}', provider="hf")
    assert overloaded.retry_after == 20.0


def test_context_limit_is_read_from_the_message() -> None:
    body = {
        "error": {
            "message": "This model's maximum context length is 128,000 tokens.",
            "code": "context_length_exceeded",
        }
    }
    error = error_from_response(400, {}, json.dumps(body), provider="openai")
    assert isinstance(error, errors.ContextLengthExceeded) and error.limit == 128000


def test_openrouter_upstream_raw_message_is_shown() -> None:
    body = {
        "error": {
            "code": 400,
            "message": "Provider returned error",
            "metadata": {"raw": "upstream says: bad schema", "provider_name": "Together"},
        }
    }
    assert "upstream says: bad schema" in str(error_from_response(400, {}, json.dumps(body), provider="openrouter"))


@pytest.mark.parametrize(
    ("obj", "cls"),
    [
        ({"error": {"code": 502, "message": "Provider disconnected"}}, errors.StreamError),
        ({"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}, errors.Overloaded),
        ({"type": "error", "error": {"type": "api_error", "message": "Internal"}}, errors.StreamError),
        ({"error": {"code": 429, "message": "slow down"}}, errors.RateLimited),
        ({"error": "something broke"}, errors.StreamError),
    ],
)
def test_error_from_stream_object(obj: object, cls: type[errors.RatatoskrError]) -> None:
    assert type(error_from_stream_object(obj, provider="p")) is cls


@pytest.mark.parametrize(
    ("exc", "cls"),
    [
        (httpx.ConnectTimeout("slow"), errors.RequestTimeout),
        (httpx.ReadTimeout("slow"), errors.RequestTimeout),
        (httpx.ConnectError("refused"), errors.TransportError),
        (httpx.RemoteProtocolError("peer closed"), errors.TransportError),
        (httpx.ReadError("reset"), errors.TransportError),
    ],
)
def test_translate_transport_errors(exc: Exception, cls: type[errors.RatatoskrError]) -> None:
    with pytest.raises(cls) as caught, translate_transport_errors("p"):
        raise exc
    assert caught.value.__cause__ is exc and caught.value.is_transient


def test_a_broken_body_is_a_stream_error() -> None:
    with pytest.raises(errors.StreamError), translate_transport_errors("p", streaming=True):
        raise httpx.RemoteProtocolError("peer closed connection without sending complete message body")


def _client(handler: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.MockTransport(handler))  # type: ignore[arg-type]


async def test_send_json_returns_json_and_maps_errors() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/ok":
            return httpx.Response(200, json={"echo": json.loads(request.content)})
        if request.url.path == "/garbage":
            return httpx.Response(200, content=b"<html>")
        return httpx.Response(401, json={"error": {"message": "Incorrect API key provided"}})

    async with _client(handler) as client:
        assert await send_json(client, "POST", "http://x/ok", json={"a": 1}, provider="p") == {"echo": {"a": 1}}
        with pytest.raises(errors.ResponseFormatError, match="not JSON"):
            await send_json(client, "GET", "http://x/garbage", provider="p")
        with pytest.raises(errors.AuthenticationFailed, match="Incorrect API key"):
            await send_json(client, "GET", "http://x/no", provider="p")


async def test_send_json_maps_a_connection_failure() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with _client(handler) as client:
        with pytest.raises(errors.TransportError, match="connection refused"):
            await send_json(client, "GET", "http://x/", provider="p")


async def test_stream_helpers() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/sse":
            return httpx.Response(
                200, content=b": keepalive\n\ndata: 1\n\ndata: 2\n\n", headers={"content-type": "text/event-stream"}
            )
        if request.url.path == "/ndjson":
            return httpx.Response(200, content=b'{"a": 1}\n{"a": 2}\n')
        if request.url.path == "/lines":
            return httpx.Response(200, content="x\r\nÿ\nlast".encode())
        if request.url.path == "/json-error":
            return httpx.Response(200, json={"error": {"code": 429, "message": "busy"}})
        return httpx.Response(503, json={"error": {"message": "overloaded"}}, headers={"retry-after": "4"})

    async with _client(handler) as client:
        assert [e.data async for e in stream_sse(client, "POST", "http://x/sse", json={}, provider="p")] == ["1", "2"]
        assert [v async for v in stream_ndjson(client, "POST", "http://x/ndjson", provider="p")] == [{"a": 1}, {"a": 2}]
        assert [line async for line in stream_lines(client, "GET", "http://x/lines", provider="p")] == [
            "x",
            "ÿ",
            "last",
        ]
        with pytest.raises(errors.RateLimited):
            [e async for e in stream_sse(client, "POST", "http://x/json-error", provider="p")]
        with pytest.raises(errors.Overloaded) as caught:
            [e async for e in stream_sse(client, "POST", "http://x/down", provider="p")]
        assert caught.value.retry_after == 4.0
