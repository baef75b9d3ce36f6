"""One HTTP endpoint of a provider: base URL, headers, client, error classifier, deadlines and size caps.

Every HTTP provider talks through an :class:`Endpoint`; it is the one place where a request's deadline lives::

    endpoint = Endpoint("https://api.acme.ai/v1", provider="acme", headers={"authorization": f"Bearer {key}"},
                        classify=classify_acme_error, timeout=120)
    answer = await endpoint.post_json("chat", body, model=model)            # decoded JSON
    async for event in endpoint.stream_sse("chat", body, model=model): ...  # ServerSentEvent
    async for obj in endpoint.stream_ndjson("api/chat", body, model=model): ...
    models = await endpoint.get_json("models")

- A JSON exchange ends within ``limits.timeout`` as a whole (connect, send, every read, the whole body): a
  server that drip-feeds its answer is cut at the deadline with :class:`~ratatoskr.errors.RequestTimeout`.
- A stream gets ``limits.timeout`` for its first event, then ``limits.idle`` between events (SSE comments
  and keep-alives are not events, so they do not count as progress), and ``limits.stream_timeout`` as a
  whole when set.
- An answer, or one stream event, over ``limits.max_response_bytes`` raises
  :class:`~ratatoskr.errors.ResponseTooLarge`.
- An error status is read once into a :class:`~ratatoskr.wire.failure.HttpFailure` and given to the
  provider's classifier (``classify=``); when it returns ``None`` the generic status mapping decides.
  A 200 ``application/json`` answer to a stream request that carries ``{"error": ...}`` is classified too.
- A secret the request carried (an API key in ``Authorization``, ``x-api-key``, ``x-goog-api-key``, …) is
  replaced by ``[redacted]`` in an error body before it is read, so an upstream that echoes it hands it to
  nobody.
- Transport failures become :class:`~ratatoskr.errors.TransportError` (``StreamError`` once a body was
  being read), always chained.

The ``httpx.AsyncClient`` is injected (tests) or created on first use and closed by :meth:`aclose`; an
injected client belongs to whoever injected it. Building an endpoint imports no httpx.
"""

from __future__ import annotations

import json
import math
from collections.abc import AsyncGenerator, Iterator, Mapping
from contextlib import aclosing, contextmanager
from typing import TYPE_CHECKING, Any, TypeVar, cast

import anyio
from anyio.lowlevel import current_token
from attrs import evolve

from ratatoskr.errors import RatatoskrError, RequestTimeout, ResponseFormatError, ResponseTooLarge
from ratatoskr.wire._body import END, FIRST, IDLE, Budget, Decoder, body_chunks, close, drain, missed, once
from ratatoskr.wire.deadline import Expired, bounded
from ratatoskr.wire.failure import ErrorClassifier, classify, failure_from_object, failure_from_response
from ratatoskr.wire.http import decode_json, translate_transport_errors
from ratatoskr.wire.limits import DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT, Limits
from ratatoskr.wire.ndjson import NDJSONDecoder
from ratatoskr.wire.redact import redact, secrets_in
from ratatoskr.wire.sse import ServerSentEvent, SSEDecoder

if TYPE_CHECKING:
    import httpx

    from ratatoskr.wire._pool import PooledClient

__all__ = ["DEFAULT_MAX_RESPONSE_BYTES", "DEFAULT_TIMEOUT", "Endpoint", "Limits"]


T = TypeVar("T")

#: The most of an error body that is kept (the rest is read and dropped).
ERROR_BODY_BYTES = 64 * 1024


class Endpoint:
    """The HTTP side of a provider: one base URL, its headers, one client, its error classifier and limits."""

    __slots__ = ("_client", "_owned", "_urls", "base_url", "classifier", "headers", "limits", "provider")

    def __init__(
        self,
        base_url: str,
        *,
        provider: str,
        headers: Mapping[str, str] | None = None,
        client: httpx.AsyncClient | None = None,
        classify: ErrorClassifier | None = None,
        timeout: float | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.provider = provider
        #: Sent with every request; a call's ``headers=`` are merged over them.
        self.headers = dict(headers or {})
        self.classifier = classify
        limits = limits or Limits()
        self.limits = evolve(limits, timeout=timeout) if timeout is not None else limits
        self._client = client
        self._owned = client is None
        self._urls: dict[tuple[str, str], httpx.URL] = {}

    def __repr__(self) -> str:
        return f"<Endpoint {self.provider} {self.base_url}>"

    @property
    def client(self) -> httpx.AsyncClient:
        """The client (created on first use: httpx limits only connecting, the endpoint bounds the rest)."""
        if self._client is None:
            import httpx

            from ratatoskr.wire._pool import PooledClient

            connect = min(self.limits.connect_timeout, self.limits.timeout)
            # httpx keeps only 20 idle connections by default: under more concurrent calls than that, every
            # call past the 20th opened (and then dropped) a fresh connection. Keep as many as we allow; and
            # not in httpcore's pool, whose cost per request grows with the square of its connections (_pool).
            size = self.limits.max_connections
            pool = httpx.Limits(max_connections=size, max_keepalive_connections=size)
            self._client = PooledClient(timeout=httpx.Timeout(None, connect=connect), limits=pool)
        return self._client

    def url(self, path: str = "") -> str:
        """``base_url/path``; an absolute ``http(s)://`` path is used as it is."""
        if path.startswith(("http://", "https://")):
            return path
        return f"{self.base_url}/{path.lstrip('/')}" if path else self.base_url

    async def aclose(self) -> None:
        """Close the client if this endpoint created it; a later call creates a fresh one."""
        if self._client is not None and self._owned:
            await self._client.aclose()
            self._client = None

    # ---- errors -------------------------------------------------------------------------------------------

    def error(
        self, status: int, headers: Mapping[str, str], body: bytes | str, *, model: str | None = None
    ) -> RatatoskrError:
        """The typed error for an error answer (the provider's classifier, else the generic mapping)."""
        body = redact(body, secrets_in(self.headers))
        failure = failure_from_response(status, headers, body, provider=self.provider, model=model)
        return classify(failure, self.classifier)

    def stream_error(self, obj: Any, *, model: str | None = None) -> RatatoskrError:
        """The typed error for an error object met inside a stream or a 200 answer."""
        secrets = secrets_in(self.headers)
        if secrets:  # an upstream that echoes the key must not hand it to the user or a daemon client
            obj = json.loads(redact(json.dumps(obj), secrets))
        return classify(failure_from_object(obj, provider=self.provider, model=model), self.classifier)

    # ---- JSON ---------------------------------------------------------------------------------------------

    async def post_json(
        self, path: str, body: Any, *, model: str | None = None, headers: Mapping[str, str] | None = None
    ) -> Any:
        """POST a JSON body, return the decoded JSON answer (or raise the typed error)."""
        return await self.request_json("POST", path, body, model=model, headers=headers)

    async def get_json(
        self, path: str = "", *, model: str | None = None, headers: Mapping[str, str] | None = None
    ) -> Any:
        """GET, return the decoded JSON answer (or raise the typed error)."""
        return await self.request_json("GET", path, model=model, headers=headers)

    async def request_json(
        self,
        method: str,
        path: str = "",
        body: Any = None,
        *,
        model: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """One exchange, bounded as a whole by ``limits.timeout``; the decoded JSON answer."""
        limit = self.limits.timeout
        request = self._request(method, path, body, headers)
        with self._deadline(anyio.current_time() + limit, f"no complete answer within {limit:g} s"):
            response = await self._send(request)
            try:
                await self._raise_for_status(response, model)
                content = await self._read(response, self.limits.max_response_bytes)
            finally:
                await close(response)
        return self._json(content)

    # ---- streams ------------------------------------------------------------------------------------------

    def stream_sse(
        self, path: str, body: Any = None, *, model: str | None = None, headers: Mapping[str, str] | None = None
    ) -> AsyncGenerator[ServerSentEvent, None]:
        """POST, and the Server-Sent Events of the streamed answer (comments and keep-alives are not events)."""
        return self._stream(path, body, model, headers, SSEDecoder())

    def stream_ndjson(self, path: str, body: Any = None, *, model: str | None = None) -> AsyncGenerator[Any, None]:
        """POST, and the JSON values of the newline-delimited JSON answer (Ollama)."""
        return self._stream(path, body, model, None, NDJSONDecoder(provider=self.provider))

    async def _stream(
        self,
        path: str,
        body: Any,
        model: str | None,
        headers: Mapping[str, str] | None,
        decoder: Decoder[T],
    ) -> AsyncGenerator[T, None]:
        limits = self.limits
        request = self._request("POST", path, body, headers)
        backend = current_token().backend_class  # once per stream: anyio.current_time() looks it up on every call
        start = backend.current_time()
        end = start + limits.stream_timeout if limits.stream_timeout is not None else math.inf
        wait, why = min(start + limits.timeout, end), FIRST
        response: httpx.Response | None = None
        try:
            # Sending, the status and the start of the body: one cancel scope, httpx errors mapped on failure only.
            with backend.create_cancel_scope(deadline=wait) as scope:
                try:
                    response = await self._send(request)
                    await self._raise_for_status(response, model)
                    source = await self._stream_source(response, model)
                except Exception as exc:
                    with translate_transport_errors(self.provider):
                        raise exc
                    raise
            if scope.cancelled_caught or response is None:
                raise RequestTimeout(missed(why, self.provider, limits), provider=self.provider)
            budget = Budget(limits.max_response_bytes, self.provider)
            # Hot path, per body chunk: the decoder is fed here (no async-generator layer per event), and a read
            # is bounded by the deadline only if it actually waits (wire/deadline.py: a cancel scope per read
            # cost as much as all the rest per event). The deadline moves on only when a chunk completed an
            # event: keep-alives and comments are not progress. Cost measured by bench/bench_chat.py.
            chunks = source if source is not None else body_chunks(response)
            finished = False
            try:
                while True:
                    try:
                        chunk = await bounded(chunks.__anext__(), backend, wait)
                    except StopAsyncIteration:
                        break
                    except Expired:
                        raise RequestTimeout(missed(why, self.provider, limits), provider=self.provider) from None
                    except Exception as exc:  # httpx's, mapped in the one place, entered only on failure
                        with translate_transport_errors(self.provider, streaming=True):
                            raise exc
                        raise
                    if source is None:
                        budget.spend(len(chunk))
                    items = decoder.feed(chunk)
                    if not items:
                        continue
                    budget.used = 0
                    wait, why = backend.current_time() + limits.idle, IDLE
                    if end <= wait:
                        wait, why = end, END
                    for item in items:
                        yield item
                finished = True
                for item in decoder.close():
                    yield item
            finally:
                if source is not None:
                    await source.aclose()
                elif not finished:
                    await drain(chunks)  # a body left early (see drain)
        finally:
            if response is not None:
                await close(response)

    async def _stream_source(self, response: httpx.Response, model: str | None) -> AsyncGenerator[bytes, None] | None:
        """None for a stream body (read by the stream loop itself); the whole body of a 200 ``application/json``
        answer, unless it carries ``{"error": ...}``, which raises; an HTML page (a proxy's or captive portal's, a
        base URL pointing at a website) is a ResponseFormatError, not a stream that "ended before it finished"
        and is retried."""
        content_type = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if content_type == "text/html":
            page = await self._read(response, ERROR_BODY_BYTES, keep_going=True)
            shown = page[:200].decode("utf-8", errors="replace")
            raise ResponseFormatError(
                f"{self.provider}: expected a stream, got an HTML page: {shown!r}", provider=self.provider
            )
        if content_type != "application/json":
            return None
        content = await self._read(response, self.limits.max_response_bytes)
        obj = self._json(content) if content.strip() else None
        if isinstance(obj, dict) and "error" in obj:
            raise self.stream_error(obj, model=model)
        return once(content)

    # ---- plumbing -----------------------------------------------------------------------------------------

    @contextmanager
    def _deadline(self, deadline: float, why: str) -> Iterator[None]:
        """Everything inside ends by ``deadline`` (anyio clock) or raises RequestTimeout; httpx errors mapped."""
        with translate_transport_errors(self.provider), anyio.CancelScope(deadline=deadline) as scope:
            yield
        if scope.cancelled_caught:
            raise RequestTimeout(f"{self.provider}: {why}", provider=self.provider)

    def _request(self, method: str, path: str, body: Any, headers: Mapping[str, str] | None) -> httpx.Request:
        """The request, built before the deadline starts: creating the client on first use (loading the CA
        certificates) is blocking work of ours, not the server's time, and no cancel scope can interrupt it."""
        merged = {**self.headers, **headers} if headers else self.headers
        client = self.client
        if self._owned:  # our own PooledClient: its short road (half the CPU of build_request + send)
            return cast("PooledClient", client).json_request(method, self._url(path), merged, body)
        return client.build_request(method, self._url(path), json=body, headers=merged)

    def _url(self, path: str) -> httpx.URL:
        """``url(path)`` parsed once: httpx parses and validates a URL string on every request (~30 us, as much
        as the rest of building it). Keyed by the base URL too, which a caller may change."""
        key = (self.base_url, path)
        url = self._urls.get(key)
        if url is None:
            import httpx

            if len(self._urls) >= 256:  # paths carrying model names: keep it bounded
                self._urls.clear()
            url = self._urls[key] = httpx.URL(self.url(path))
        return url

    async def _send(self, request: httpx.Request) -> httpx.Response:
        if self._owned:
            return await cast("PooledClient", self.client).send_quickly(request)
        return await self.client.send(request, stream=True)

    async def _raise_for_status(self, response: httpx.Response, model: str | None) -> None:
        if response.status_code >= 400:
            content = await self._read(response, ERROR_BODY_BYTES, keep_going=True)
            # The headers actually sent (a call's own headers included) name every secret to hide.
            content = redact(content, secrets_in(response.request.headers))
            raise self.error(response.status_code, response.headers, content, model=model)

    async def _read(self, response: httpx.Response, limit: int, *, keep_going: bool = False) -> bytes:
        """The whole body, at most ``limit`` bytes (``keep_going``: read the rest and drop it)."""
        declared = response.headers.get("content-length", "")
        if not keep_going and declared.isdigit():
            if int(declared) > limit:
                raise self._too_large(limit)
            if response.headers.get("content-encoding", "identity").strip().lower() in ("", "identity"):
                # The common answer: its length is known and within the limit, nothing to decode (which could
                # grow it), so no size counting and no generator layer; every caller maps transport errors.
                return b"".join([chunk async for chunk in body_chunks(response)])
        parts: list[bytes] = []
        size = 0
        async with aclosing(self._body(response, streaming=False)) as chunks:
            async for chunk in chunks:
                if size + len(chunk) > limit:
                    if not keep_going:
                        raise self._too_large(limit)
                    chunk = chunk[: max(limit - size, 0)]
                size += len(chunk)
                parts.append(chunk)
        return b"".join(parts)

    async def _body(
        self, response: httpx.Response, *, streaming: bool = True, budget: Budget | None = None
    ) -> AsyncGenerator[bytes, None]:
        """The body chunks, each counted against ``budget`` when given; a read failure of a stream is a
        StreamError; a body left early is drained (see drain)."""
        chunks = response.aiter_bytes()
        finished = False
        try:
            with translate_transport_errors(self.provider, streaming=streaming):
                async for chunk in chunks:
                    if budget is not None:
                        budget.spend(len(chunk))
                    yield chunk
            finished = True
        finally:
            if not finished:
                await drain(chunks)

    def _too_large(self, limit: int) -> ResponseTooLarge:
        return ResponseTooLarge(
            f"{self.provider}: the answer is larger than {limit} bytes (max_response_bytes)",
            provider=self.provider,
            limit=limit,
        )

    def _json(self, content: bytes) -> Any:
        return decode_json(content, provider=self.provider)
