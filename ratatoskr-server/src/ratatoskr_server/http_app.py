"""The OpenAI-compatible HTTP API of ratd: a small hand-written ASGI app (no framework), served by uvicorn.

Per request the app does only what it must: one dict lookup for the route, the token check, one ``json.loads``
of the body, the gateway call, one ``json.dumps`` of the answer. Errors leave in OpenAI's shape
(``{"error": {"message", "type", "param", "code"}}``) with the HTTP status the cause deserves and ``Retry-After``
when it carried a delay. Routes live in :mod:`ratatoskr_server.http_routes`.
"""

from __future__ import annotations

import json
import logging
import math
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from typing import Any

from ratatoskr import errors as E
from ratatoskr.protocol import ModelGateway

from ratatoskr_server.batching import MicroBatcher
from ratatoskr_server.http_metrics import Metrics
from ratatoskr_server.security import permitted
from ratatoskr_server.tokens import TokenStore

__all__ = ["HttpError", "OpenAIApp", "Request", "error_status"]

log = logging.getLogger("ratatoskr_server.http")

Send = Callable[[dict[str, Any]], Awaitable[None]]
Receive = Callable[[], Awaitable[dict[str, Any]]]
JSON_HEADERS = [(b"content-type", b"application/json")]
SSE_HEADERS = [(b"content-type", b"text/event-stream"), (b"cache-control", b"no-cache")]


class HttpError(E.InvalidInput):
    """A request the HTTP layer refuses before it reaches the gateway (unknown route, bad body, ...)."""

    def __init__(self, message: str, status: int = 400, *, code: str | None = None) -> None:
        super().__init__(message)
        self.http_status = status
        self.code = code


#: (status, OpenAI error type, code) per error class; nearest class in the MRO wins.
_STATUS: dict[type[E.RatatoskrError], tuple[int, str, str | None]] = {
    E.UnsupportedParameter: (400, "invalid_request_error", "unsupported_parameter"),
    E.InvalidInput: (400, "invalid_request_error", None),
    E.ContextLengthExceeded: (400, "invalid_request_error", "context_length_exceeded"),
    E.ContentFiltered: (400, "invalid_request_error", "content_filter"),
    E.AuthenticationFailed: (401, "authentication_error", "invalid_api_key"),
    E.PaymentRequired: (402, "insufficient_quota", None),
    E.PermissionDenied: (403, "permission_error", None),
    E.ModelNotFound: (404, "invalid_request_error", "model_not_found"),
    E.ModelNotAvailable: (404, "invalid_request_error", "model_not_found"),
    E.PresetNotFound: (404, "invalid_request_error", "model_not_found"),
    E.NoProvider: (404, "invalid_request_error", "model_not_found"),
    E.RequestTooLarge: (413, "invalid_request_error", "request_too_large"),
    E.RateLimited: (429, "rate_limit_error", "rate_limit_exceeded"),
    E.CapabilityNotSupported: (501, "server_error", "not_implemented"),
    E.ConfigurationError: (500, "server_error", None),
    E.Overloaded: (503, "server_error", "overloaded"),
    E.RequestTimeout: (504, "server_error", "timeout"),
    E.ProviderError: (502, "upstream_error", None),
}


def _exhausted(exc: E.AllProvidersFailed) -> tuple[int, str, str | None]:
    """An exhausted chain: 503 when a provider failed transiently (try again later), 502 when one failed for
    good, 404 when every provider declined (none serves the model), as gRPC's UNAVAILABLE / NOT_FOUND split."""
    if exc.is_transient:
        return 503, "server_error", "overloaded"
    if any(not a.declined for a in exc.attempts):
        return 502, "upstream_error", None
    return 404, "invalid_request_error", "model_not_found"


def error_status(exc: BaseException) -> tuple[int, dict[str, Any], list[tuple[bytes, bytes]]]:
    """HTTP status, OpenAI error body and extra headers for ``exc``."""
    if isinstance(exc, HttpError):
        status, kind, code = exc.http_status, "invalid_request_error", exc.code
    elif isinstance(exc, E.RatatoskrError):
        status, kind, code = next((_STATUS[c] for c in type(exc).__mro__ if c in _STATUS), (500, "server_error", None))
        if isinstance(exc, E.AllProvidersFailed) and not isinstance(exc, E.NoProvider):
            status, kind, code = _exhausted(exc)
        if isinstance(exc, E.AuthenticationFailed | E.PermissionDenied) and exc.provider not in (None, "ratd"):
            status, kind = 502, "upstream_error"  # the daemon's provider key was refused: not the client's fault
    else:
        status, kind, code = 500, "server_error", None
    message = str(exc) if isinstance(exc, E.RatatoskrError) else f"internal error in ratd: {type(exc).__name__}"
    body: dict[str, dict[str, Any]] = {"error": {"message": message, "type": kind, "param": None, "code": code}}
    if isinstance(exc, E.RatatoskrError) and not isinstance(exc, HttpError):
        body["error"]["ratatoskr_error"] = type(exc).__name__
        if isinstance(exc, E.AllProvidersFailed) and exc.attempts:
            body["error"]["attempts"] = [_attempt(a) for a in exc.attempts]
    headers: list[tuple[bytes, bytes]] = []
    retry = exc.retry_after if isinstance(exc, E.RatatoskrError) else None
    if retry is not None:
        headers.append((b"retry-after", str(max(1, math.ceil(retry))).encode()))
    if status == 401:
        headers.append((b"www-authenticate", b'Bearer realm="ratd"'))
    return status, body, headers


def _attempt(attempt: E.ProviderAttempt) -> dict[str, Any]:
    """One provider's part in an ``AllProvidersFailed``: who, whether it declined, its error class and message,
    and its retry delay and upstream HTTP status when it had them."""
    out: dict[str, Any] = {
        "provider": attempt.provider,
        "declined": attempt.declined,
        "error": attempt.kind,
        "message": attempt.message,
    }
    if attempt.error.retry_after is not None:
        out["retry_after"] = attempt.error.retry_after
    status = getattr(attempt.error, "status", None)
    if isinstance(status, int):
        out["status"] = status
    return out


def dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


class Request:
    """What a route handler gets: the parsed JSON body, the gateway and the authorization check."""

    __slots__ = ("app", "authorization", "body", "method", "path")

    def __init__(self, app: OpenAIApp, method: str, path: str, body: Any, authorization: str | None) -> None:
        self.app = app
        self.method = method
        self.path = path
        self.body = body
        self.authorization = authorization

    @property
    def gateway(self) -> ModelGateway:
        return self.app.gateway

    def field(self, name: str, kind: type | tuple[type, ...] = str, *, required: bool = True) -> Any:
        if not isinstance(self.body, dict):
            raise HttpError("the request body must be a JSON object")
        value = self.body.get(name)
        if value is None:
            if required:
                raise HttpError(f"'{name}' is required", code="missing_required_parameter")
            return None
        if not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            raise HttpError(f"'{name}' has the wrong type ({type(value).__name__})", code="invalid_type")
        return value

    async def allow(self, capability: str | None, *models: str) -> None:
        await permitted(self.app.tokens, self.authorization, capability, models, self.app.gateway.resolve_preset)


#: A route answers a JSON value (status 200) or an async iterator of SSE ``data`` payloads (bytes).
Handler = Callable[[Request], Awaitable[Any]]


class Stream:
    """A streamed answer: ``first`` was already produced (errors before it become a normal error response)."""

    __slots__ = ("events",)

    def __init__(self, events: AsyncGenerator[bytes, None]) -> None:
        self.events = events


class OpenAIApp:
    """The ASGI application. ``routes`` maps ``(method, path)`` to a handler."""

    def __init__(
        self,
        gateway: ModelGateway,
        routes: dict[tuple[str, str], Handler],
        *,
        tokens: TokenStore | None = None,
        max_body: int = 64 * 1024 * 1024,
        metrics: Metrics | None = None,
        batcher: MicroBatcher | None = None,
    ) -> None:
        self.gateway = gateway
        self.batcher = batcher or MicroBatcher(gateway)
        self.routes = routes
        self.tokens = tokens
        self.max_body = max_body
        self.metrics = metrics or Metrics()

    async def __call__(self, scope: dict[str, Any], receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await _lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        started = time.perf_counter()
        path: str = scope["path"]
        route = self.routes.get((scope["method"], path))
        status = 500
        try:
            if route is None:
                known = any(p == path for _, p in self.routes)
                raise HttpError(
                    f"{scope['method']} {path} is not a ratd route", 405 if known else 404, code="unknown_route"
                )
            body = await self._body(receive) if scope["method"] == "POST" else None
            authorization = None
            for key, value in scope["headers"]:
                if key == b"authorization":
                    authorization = value.decode("latin-1")
                    break
            result = await route(Request(self, scope["method"], path, body, authorization))
            if isinstance(result, Stream):
                status = 200
                await self._stream(send, result)
            else:
                status = 200
                content_type, payload = result if isinstance(result, tuple) else (None, dumps(result))
                headers = [(b"content-type", content_type)] if content_type else JSON_HEADERS
                await _respond(send, 200, payload, headers)
        except Exception as exc:  # the one boundary: every error leaves in OpenAI's shape
            if not isinstance(exc, E.RatatoskrError):
                log.error("unexpected error in %s %s", scope["method"], path, exc_info=exc)
            status, error, headers = error_status(exc)
            await _respond(send, status, dumps(error), JSON_HEADERS + headers)
        finally:
            seconds = time.perf_counter() - started
            if route is not None:
                self.metrics.observe(path, status, seconds, scope["method"])
            else:  # an unknown route or method: one series, whatever the client sent
                self.metrics.observe("other", status, seconds, "_OTHER")

    async def _body(self, receive: Receive) -> Any:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body:
                raise HttpError(f"request body over {self.max_body} bytes", 413, code="request_too_large")
            chunks.append(chunk)
            if not message.get("more_body"):
                break
        raw = b"".join(chunks)
        try:
            return json.loads(raw) if raw else {}
        except ValueError as exc:
            raise HttpError(f"the request body is not JSON: {exc}") from exc

    async def _stream(self, send: Send, stream: Stream) -> None:
        await send({"type": "http.response.start", "status": 200, "headers": SSE_HEADERS})
        try:
            async for data in stream.events:
                await send({"type": "http.response.body", "body": b"data: " + data + b"\n\n", "more_body": True})
        except Exception as exc:  # headers are gone: the error travels as a last event, OpenAI's way
            if not isinstance(exc, E.RatatoskrError):
                log.error("unexpected error in a stream", exc_info=exc)
            _, error, _ = error_status(exc)
            await send({"type": "http.response.body", "body": b"data: " + dumps(error) + b"\n\n", "more_body": True})
        finally:
            await stream.events.aclose()
        await send({"type": "http.response.body", "body": b"data: [DONE]\n\n", "more_body": False})


async def _respond(send: Send, status: int, payload: bytes, headers: list[tuple[bytes, bytes]]) -> None:
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": payload})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
