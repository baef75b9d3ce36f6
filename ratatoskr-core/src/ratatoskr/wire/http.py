"""The HTTP boundary's mappings: httpx exceptions and error answers to the Ratatoskr error tree.

:class:`~ratatoskr.wire.endpoint.Endpoint` uses these for every exchange; a provider rarely calls them itself.
An error answer is read once into a :class:`~ratatoskr.wire.failure.HttpFailure` and classified by the
provider's classifier, falling back to the generic status mapping (:func:`~ratatoskr.wire.failure.generic_error`).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from ratatoskr.errors import RatatoskrError, RequestTimeout, ResponseFormatError, StreamError, TransportError
from ratatoskr.wire._retry_after import parse_retry_after
from ratatoskr.wire.failure import ErrorClassifier, classify, failure_from_object, failure_from_response

__all__ = [
    "decode_json",
    "error_from_response",
    "error_from_stream_object",
    "parse_retry_after",
    "translate_transport_errors",
]


def error_from_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes | str,
    *,
    provider: str,
    model: str | None = None,
    classifier: ErrorClassifier | None = None,
) -> RatatoskrError:
    """The error for an HTTP error answer: the classifier's decision, else the generic status mapping."""
    failure = failure_from_response(status, headers, body, provider=provider, model=model)
    return classify(failure, classifier)


def error_from_stream_object(
    obj: Any, *, provider: str, model: str | None = None, classifier: ErrorClassifier | None = None
) -> RatatoskrError:
    """The error for an error object met inside a stream (OpenAI ``{"error": {...}}``, Ollama
    ``{"error": "..."}``): a status-like code maps like a response status; a server failure is a transient
    :class:`StreamError`."""
    return classify(failure_from_object(obj, provider=provider, model=model), classifier)


def decode_json(data: bytes | str, *, provider: str, what: str = "response") -> Any:
    """``data`` decoded, or a :class:`ResponseFormatError` naming the provider, what it was, and its start."""
    try:
        return json.loads(data)
    except ValueError as exc:
        shown = data[:200].decode("utf-8", errors="replace") if isinstance(data, bytes) else data[:200]
        raise ResponseFormatError(f"{provider}: {what} is not JSON ({exc}): {shown!r}", provider=provider) from exc


@contextmanager
def translate_transport_errors(provider: str, *, streaming: bool = False) -> Iterator[None]:
    """Map httpx exceptions to Ratatoskr errors (chained). ``streaming``: a failure while reading a body
    that had started is a :class:`StreamError`."""
    import httpx

    try:
        yield
    except httpx.TimeoutException as exc:
        raise RequestTimeout(f"{provider}: timed out ({type(exc).__name__}: {exc})", provider=provider) from exc
    except httpx.UnsupportedProtocol as exc:
        raise TransportError(f"{provider}: bad URL scheme: {exc}", provider=provider) from exc
    except httpx.TransportError as exc:
        cls = StreamError if streaming else TransportError
        raise cls(f"{provider}: connection failed ({type(exc).__name__}: {exc})", provider=provider) from exc
    except httpx.DecodingError as exc:
        raise ResponseFormatError(f"{provider}: cannot decode the response: {exc}", provider=provider) from exc
