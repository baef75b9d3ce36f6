"""The HTTP boundary of every provider: status and transport errors mapped to the Ratatoskr error tree.

Providers send through :func:`send_json`, :func:`stream_bytes` (and its ``stream_lines``/``stream_sse``/
``stream_ndjson`` wrappers); each checks the status, maps an error response with :func:`error_from_response`
and maps httpx exceptions with :func:`translate_transport_errors`, always ``raise ... from exc``.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import AsyncGenerator, AsyncIterator, Iterator, Mapping
from contextlib import aclosing, contextmanager
from typing import Any

import anyio
import httpx

from ratatoskr.errors import (
    ApiError,
    AuthenticationFailed,
    ContentFiltered,
    ContextLengthExceeded,
    InvalidInput,
    ModelNotFound,
    Overloaded,
    PaymentRequired,
    PermissionDenied,
    RatatoskrError,
    RateLimited,
    RequestTimeout,
    RequestTooLarge,
    ResponseFormatError,
    StreamError,
    TransportError,
)
from ratatoskr.wire._errors import (
    ANTHROPIC_ERROR_STATUS,
    context_limit,
    error_details,
    looks_like_content_filter,
    looks_like_context_overflow,
    looks_like_unknown_model,
)
from ratatoskr.wire._retry_after import parse_retry_after
from ratatoskr.wire.ndjson import aiter_ndjson
from ratatoskr.wire.sse import ServerSentEvent, aiter_sse

__all__ = [
    "error_from_response",
    "error_from_stream_object",
    "parse_retry_after",
    "send_json",
    "stream_bytes",
    "stream_lines",
    "stream_ndjson",
    "stream_sse",
    "translate_transport_errors",
]


def error_from_response(
    status: int,
    headers: Mapping[str, str],
    body: bytes | str,
    *,
    provider: str,
    model: str | None = None,
) -> RatatoskrError:
    """The Ratatoskr error for an HTTP error response, carrying the provider's own message."""
    message, code, extra = error_details(body)
    text = f"{provider}: HTTP {status}: {message}"
    kw: dict[str, Any] = {"provider": provider, "status": status}
    if status == 400 or (status == 403 and looks_like_content_filter(message, code, extra)):
        if looks_like_context_overflow(message, code):
            return ContextLengthExceeded(text, limit=context_limit(message), **kw)
        if looks_like_content_filter(message, code, extra):
            return ContentFiltered(text, **kw)
        if looks_like_unknown_model(message, code):
            return ModelNotFound(model or "?", provider=provider, detail=message)
        return InvalidInput(text, provider=provider)
    if status == 401:
        return AuthenticationFailed(text, **kw)
    if status == 402:
        return PaymentRequired(text, **kw)
    if status == 403:
        return PermissionDenied(text, **kw)
    if status == 404:
        return ModelNotFound(model or "?", provider=provider, detail=f"HTTP 404: {message}")
    if status == 408:
        return RequestTimeout(text, **kw)
    if status == 413:
        if looks_like_context_overflow(message, code):
            return ContextLengthExceeded(text, limit=context_limit(message), **kw)
        return RequestTooLarge(text, **kw)
    if status == 422:
        return InvalidInput(text, provider=provider)
    if status == 429:
        return RateLimited(text, retry_after=parse_retry_after(headers), **kw)
    if status in (503, 529):
        wait = parse_retry_after(headers)
        if wait is None and isinstance(extra.get("estimated_time"), int | float):
            wait = float(extra["estimated_time"])  # HuggingFace: "model is loading", with an estimate
        return Overloaded(text, retry_after=wait, **kw)
    return ApiError(text, **kw)


def error_from_stream_object(obj: Any, *, provider: str, model: str | None = None) -> RatatoskrError:
    """The error for an error object met inside a stream (OpenAI/OpenRouter ``{"error": {...}}``,
    Anthropic ``{"type": "error", "error": {...}}``, Ollama ``{"error": "..."}``).

    A status-like code (or an Anthropic error type) is mapped like a response status; a generic server
    failure mid-stream is a :class:`StreamError` (transient: the stream broke).
    """
    message, code, _ = error_details(json.dumps(obj) if not isinstance(obj, str) else obj)
    status = code if isinstance(code, int) and 400 <= code <= 599 else ANTHROPIC_ERROR_STATUS.get(str(code))
    if status is not None and status not in (500, 502, 504):
        return error_from_response(status, {}, json.dumps(obj), provider=provider, model=model)
    return StreamError(f"{provider}: error in stream: {message}", provider=provider, status=status)


@contextmanager
def translate_transport_errors(provider: str, *, streaming: bool = False) -> Iterator[None]:
    """Map httpx exceptions to Ratatoskr errors (chained). ``streaming``: a failure while reading a body
    that had started is a :class:`StreamError`."""
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


def _decode_json(content: bytes, *, provider: str) -> Any:
    try:
        return json.loads(content)
    except ValueError as exc:
        shown = content[:200].decode("utf-8", errors="replace")
        raise ResponseFormatError(f"{provider}: response is not JSON ({exc}): {shown!r}", provider=provider) from exc


async def send_json(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    json: Any = None,
    headers: Mapping[str, str] | None = None,
    provider: str,
    model: str | None = None,
) -> Any:
    """Send a request (JSON body when given) and return the decoded JSON answer, or raise the mapped error."""
    with translate_transport_errors(provider):
        response = await client.request(method, url, json=json, headers=headers)
    if response.status_code >= 400:
        raise error_from_response(
            response.status_code, response.headers, response.content, provider=provider, model=model
        )
    return _decode_json(response.content, provider=provider)


async def stream_bytes(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    json: Any = None,
    headers: Mapping[str, str] | None = None,
    provider: str,
    model: str | None = None,
) -> AsyncGenerator[bytes, None]:
    """The body of a streamed response, chunk by chunk, after the status check.

    A server that answers a stream request with one ``application/json`` error object (some do, with 200)
    raises the mapped error instead of yielding it.
    """
    with translate_transport_errors(provider):
        async with client.stream(method, url, json=json, headers=headers) as response:
            if response.status_code >= 400:
                body = await response.aread()
                raise error_from_response(response.status_code, response.headers, body, provider=provider, model=model)
            if response.headers.get("content-type", "").split(";")[0].strip() == "application/json":
                body = await response.aread()
                obj = _decode_json(body, provider=provider) if body.strip() else None
                if isinstance(obj, dict) and "error" in obj:
                    raise error_from_stream_object(obj, provider=provider, model=model)
                yield body
                return
            chunks = response.aiter_bytes()
            with translate_transport_errors(provider, streaming=True):
                try:
                    async for chunk in chunks:
                        yield chunk
                except GeneratorExit:
                    await _drain(chunks)
                    raise


#: How long an abandoned stream may take to finish on its own (see _drain).
DRAIN_SECONDS = 0.25


async def _drain(chunks: AsyncIterator[bytes]) -> None:
    """Read what is left of a body the consumer stopped reading, for a short while.

    httpx reads bodies through nested async generators; left suspended, they are garbage-collected
    unexhausted, which trio reports as a ResourceWarning. A stream stopped by an error object or after
    ``[DONE]`` ends within milliseconds, so reading it out closes them cleanly; a stream stopped in the
    middle of a long answer is given up after ``DRAIN_SECONDS`` (the connection is then closed).
    """
    with anyio.move_on_after(DRAIN_SECONDS):
        async for _ in chunks:
            pass


async def stream_lines(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    json: Any = None,
    headers: Mapping[str, str] | None = None,
    provider: str,
    model: str | None = None,
) -> AsyncGenerator[str, None]:
    """The body of a streamed response, line by line (line ends removed)."""
    pending = ""
    text = codecs.getincrementaldecoder("utf-8")(errors="replace")
    async with aclosing(
        stream_bytes(client, method, url, json=json, headers=headers, provider=provider, model=model)
    ) as chunks:
        async for chunk in chunks:
            *lines, pending = (pending + text.decode(chunk)).split("\n")
            for line in lines:
                yield line.removesuffix("\r")
    pending += text.decode(b"", final=True)
    if pending:
        yield pending.removesuffix("\r")


async def stream_sse(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    json: Any = None,
    headers: Mapping[str, str] | None = None,
    provider: str,
    model: str | None = None,
) -> AsyncGenerator[ServerSentEvent, None]:
    """The Server-Sent Events of a streamed response."""
    async with (
        aclosing(
            stream_bytes(client, method, url, json=json, headers=headers, provider=provider, model=model)
        ) as chunks,
        aclosing(aiter_sse(chunks)) as events,
    ):
        async for event in events:
            yield event


async def stream_ndjson(
    client: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    json: Any = None,
    headers: Mapping[str, str] | None = None,
    provider: str,
    model: str | None = None,
) -> AsyncGenerator[Any, None]:
    """The JSON values of a newline-delimited JSON response (Ollama)."""
    async with (
        aclosing(
            stream_bytes(client, method, url, json=json, headers=headers, provider=provider, model=model)
        ) as chunks,
        aclosing(aiter_ndjson(chunks, provider=provider)) as values,
    ):
        async for value in values:
            yield value
