"""An HTTP error, read once (:class:`HttpFailure`), and the generic mapping: status → error class, Retry-After.

Nothing here knows a provider. What a provider's error *means* beyond its status (a context overflow, a
content filter, "model not pulled", "model loading, wait 20 s") is decided by that provider's classifier,
which receives the :class:`HttpFailure` and returns a typed error, or ``None`` to let :func:`generic_error`
decide from the status alone.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from attrs import field, frozen

from ratatoskr.errors import (
    ApiError,
    AuthenticationFailed,
    InvalidInput,
    ModelNotFound,
    Overloaded,
    PaymentRequired,
    PermissionDenied,
    RatatoskrError,
    RateLimited,
    RequestTimeout,
    RequestTooLarge,
    StreamError,
)
from ratatoskr.wire._retry_after import parse_retry_after

__all__ = [
    "ErrorClassifier",
    "HttpFailure",
    "classify",
    "failure_from_object",
    "failure_from_response",
    "generic_error",
]

_MAX_SHOWN = 500


@frozen(kw_only=True)
class HttpFailure:
    """An error answer, or an error object met inside a stream, as a classifier sees it."""

    #: The provider's name, for messages and the error's ``provider``.
    provider: str
    #: The HTTP status; for an error object inside a stream, its status-like code when it has one, else None.
    status: int | None
    #: The provider's own message, for people.
    message: str
    #: The error code or type as sent (``"context_length_exceeded"``, ``"overloaded_error"``, ``429``), or None.
    code: Any = None
    #: The decoded JSON body (usually a dict), or None when the body was not JSON.
    data: Any = None
    headers: Mapping[str, str] = field(factory=dict)
    #: The model the request was for, when known.
    model: str | None = None
    #: True for an error object inside a stream (the response status was 200).
    in_stream: bool = False

    @property
    def detail(self) -> dict[str, Any]:
        """The inner error object (``data["error"]`` when it is an object, else ``data``), or ``{}``."""
        if not isinstance(self.data, dict):
            return {}
        inner = self.data.get("error")
        return inner if isinstance(inner, dict) else self.data

    @property
    def text(self) -> str:
        """``"provider: HTTP 400: message"`` (``"provider: error in stream: message"`` inside a stream)."""
        where = "error in stream" if self.in_stream else f"HTTP {self.status}"
        return f"{self.provider}: {where}: {self.message}"


#: A provider's error classifier: the typed error for a failure, or None to let the generic mapping decide.
ErrorClassifier = Callable[[HttpFailure], RatatoskrError | None]


def _join(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def _message_and_code(obj: Any, text: str) -> tuple[str, Any]:
    """From ``{"error": {"message", "code"|"type"}}``, ``{"error": "..."}``, ``{"message"|"detail": ...}``."""
    if not isinstance(obj, dict):
        return (text.strip()[:_MAX_SHOWN] or "(empty body)"), None
    error = obj.get("error", obj)
    if isinstance(error, dict):
        message = error.get("message") or error.get("detail") or error.get("msg") or json.dumps(error)[:_MAX_SHOWN]
        code = error.get("code") if error.get("code") is not None else error.get("type")
        return _join(message), code
    if error is not None and error is not obj:
        return _join(error), obj.get("code") or obj.get("error_type")
    return json.dumps(obj)[:_MAX_SHOWN], None


def failure_from_response(
    status: int, headers: Mapping[str, str], body: bytes | str, *, provider: str, model: str | None = None
) -> HttpFailure:
    """Read an error response once: its JSON (when it is JSON), message and code."""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    try:
        data = json.loads(text) if text.strip() else None
    except ValueError:
        data = None
    message, code = _message_and_code(data, text)
    return HttpFailure(
        provider=provider, status=status, message=message, code=code, data=data, headers=headers, model=model
    )


def failure_from_object(obj: Any, *, provider: str, model: str | None = None) -> HttpFailure:
    """Read an error object met inside a stream (OpenAI ``{"error": {...}}``, Ollama ``{"error": "..."}``)."""
    message, code = _message_and_code(obj, obj if isinstance(obj, str) else json.dumps(obj))
    status = code if isinstance(code, int) and not isinstance(code, bool) and 400 <= code <= 599 else None
    return HttpFailure(
        provider=provider, status=status, message=message, code=code, data=obj, model=model, in_stream=True
    )


def generic_error(failure: HttpFailure) -> RatatoskrError:
    """The error a status means on any HTTP API. Inside a stream, a failure without a client-error status
    (none, 500, 502, 504) is a transient :class:`StreamError`: the stream broke."""
    status, text, provider = failure.status, failure.text, failure.provider
    kw: dict[str, Any] = {"provider": provider, "status": status}
    if failure.in_stream and status in (None, 500, 502, 504):
        return StreamError(text, **kw)
    if status in (400, 422):
        return InvalidInput(text, provider=provider)
    if status == 401:
        return AuthenticationFailed(text, **kw)
    if status == 402:
        return PaymentRequired(text, **kw)
    if status == 403:
        return PermissionDenied(text, **kw)
    if status == 404:
        return ModelNotFound(failure.model or "?", provider=provider, detail=f"HTTP 404: {failure.message}")
    if status == 408:
        return RequestTimeout(text, **kw)
    if status == 413:
        return RequestTooLarge(text, **kw)
    if status == 429:
        return RateLimited(text, retry_after=parse_retry_after(failure.headers), **kw)
    if status in (503, 529):
        return Overloaded(text, retry_after=parse_retry_after(failure.headers), **kw)
    return ApiError(text, **kw)


def classify(failure: HttpFailure, classifier: ErrorClassifier | None) -> RatatoskrError:
    """The provider's decision when it makes one, else the generic one."""
    decided = classifier(failure) if classifier is not None else None
    return decided if decided is not None else generic_error(failure)
