"""The HTTP boundary: Retry-After parsing, the generic status → error mapping, classifiers, transport errors."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from email.utils import format_datetime

import httpx
import pytest
from ratatoskr import errors
from ratatoskr.wire.failure import HttpFailure
from ratatoskr.wire.http import (
    error_from_response,
    error_from_stream_object,
    parse_retry_after,
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
        (400, {"error": {"message": "Invalid value for 'temperature'", "code": None}}, errors.InvalidInput),
        # the generic mapping reads no message: a context overflow is the provider classifier's call
        (400, {"error": {"message": "prompt is too long", "type": "invalid_request_error"}}, errors.InvalidInput),
        (401, {"error": {"code": 401, "message": "No auth credentials found"}}, errors.AuthenticationFailed),
        (402, {"error": {"code": 402, "message": "Insufficient credits"}}, errors.PaymentRequired),
        (403, {"error": {"code": 403, "message": "Forbidden"}}, errors.PermissionDenied),
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
def test_generic_status_mapping(status: int, body: object, cls: type[errors.RatatoskrError]) -> None:
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


def test_a_classifier_sees_the_failure_read_once_and_may_defer() -> None:
    def classify(failure: HttpFailure) -> errors.RatatoskrError | None:
        assert (failure.status, failure.code, failure.model) == (400, "context_length_exceeded", "m")
        assert failure.detail["param"] == "messages" and failure.data["error"] is failure.detail
        return errors.ContextLengthExceeded(failure.text, provider=failure.provider) if failure.model else None

    body = {"error": {"message": "too long", "code": "context_length_exceeded", "param": "messages"}}
    decided = error_from_response(400, {}, json.dumps(body), provider="p", model="m", classifier=classify)
    assert isinstance(decided, errors.ContextLengthExceeded) and str(decided) == "p: HTTP 400: too long"
    deferred = error_from_response(400, {}, json.dumps(body), provider="p", classifier=lambda f: None)
    assert type(deferred) is errors.InvalidInput


@pytest.mark.parametrize(
    ("obj", "cls"),
    [
        ({"error": {"code": 502, "message": "Provider disconnected"}}, errors.StreamError),
        ({"error": {"code": 429, "message": "slow down"}}, errors.RateLimited),
        ({"error": {"code": 401, "message": "key revoked"}}, errors.AuthenticationFailed),
        ({"error": {"code": "server_error", "message": "oops"}}, errors.StreamError),
        ({"error": "something broke"}, errors.StreamError),
    ],
)
def test_error_from_stream_object(obj: object, cls: type[errors.RatatoskrError]) -> None:
    error = error_from_stream_object(obj, provider="p")
    assert type(error) is cls
    assert "error in stream" in str(error) or cls is not errors.StreamError


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
