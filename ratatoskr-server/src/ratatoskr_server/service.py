"""The gRPC servicer: one method per ``ModelGateway`` method, on grpc.aio (the only asyncio-bound code we have).

Every RPC goes through one boundary (:func:`_unary` / :func:`_streaming`): take a slot from the
:class:`RequestGate` (``max_concurrent_requests``), apply ``request_timeout``, run, and turn any error into a
status with :func:`ratatoskr_server.errors.to_status`. A malformed request is ``InvalidInput``; an unexpected
exception (a bug) is logged with its traceback and ends the RPC with INTERNAL; the daemon goes on either way.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable
from contextlib import aclosing, asynccontextmanager
from importlib import metadata
from typing import Any, NoReturn, TypeVar

from anyio.lowlevel import current_token
from grpc import aio
from ratatoskr.errors import InvalidInput, RatatoskrError, RequestTimeout
from ratatoskr.protocol import ModelGateway
from ratatoskr.types import ChatEvent, GenerateEvent
from ratatoskr.wire.deadline import Expired, bounded

from ratatoskr_server import _codec_chat as CC
from ratatoskr_server import _convert as C
from ratatoskr_server._decode import Undecodable, add_guarded
from ratatoskr_server._generated import ratatoskr_pb2 as pb
from ratatoskr_server._generated import ratatoskr_pb2_grpc as pb_grpc
from ratatoskr_server.batching import MicroBatcher
from ratatoskr_server.errors import to_status
from ratatoskr_server.security import MODELS_OF, permitted
from ratatoskr_server.tokens import TokenStore

__all__ = ["RatatoskrService", "RequestGate", "add_to_server"]

log = logging.getLogger("ratatoskr_server")
R = TypeVar("R")


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "unknown"


class RequestGate:
    """At most ``limit`` RPCs run at once; the others wait in line. ``in_flight`` and ``waiting`` are observable
    from any thread through ``changed`` (a ``threading.Condition``), for tests and monitoring."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.in_flight = 0
        self.waiting = 0
        self.changed = threading.Condition()
        self._semaphore: asyncio.Semaphore | None = None

    def _update(self, in_flight: int = 0, waiting: int = 0) -> None:
        with self.changed:
            self.in_flight += in_flight
            self.waiting += waiting
            self.changed.notify_all()

    async def enter(self) -> None:
        """Take a slot, waiting in line (counted in ``waiting``) only when none is free; pair with :meth:`leave`."""
        semaphore = self._semaphore
        if semaphore is None:  # made on first use, inside the server's event loop
            semaphore = self._semaphore = asyncio.Semaphore(self.limit)
        if not semaphore.locked():  # a free slot: taken without waiting (one update, not four, per RPC)
            await semaphore.acquire()
            self._update(in_flight=1)
            return
        self._update(waiting=1)
        try:
            await semaphore.acquire()
        except BaseException:
            self._update(waiting=-1)
            raise
        self._update(in_flight=1, waiting=-1)

    def leave(self) -> None:
        """Give the slot back."""
        self._update(in_flight=-1)
        assert self._semaphore is not None
        self._semaphore.release()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """:meth:`enter` … :meth:`leave` as a context manager."""
        await self.enter()
        try:
            yield
        finally:
            self.leave()


async def _abort(context: aio.ServicerContext[Any, Any], exc: BaseException) -> NoReturn:
    if not isinstance(exc, RatatoskrError):
        log.error("unexpected error in an RPC", exc_info=exc)
    code, details, trailing = to_status(exc)
    await context.abort(code, details, trailing)
    raise AssertionError("unreachable: context.abort raises")


def _timeout_error(seconds: float) -> RequestTimeout:
    return RequestTimeout(f"request_timeout of {seconds:g} s exceeded in ratd")


Handler = Callable[["RatatoskrService", Any], Awaitable[Any]]
StreamHandler = Callable[["RatatoskrService", Any], AsyncGenerator[Any, None]]


def _authorization(context: aio.ServicerContext[Any, Any]) -> str | None:
    for key, value in context.invocation_metadata() or ():
        if key == "authorization":
            return value if isinstance(value, str) else value.decode()
    return None


def _unary(fn: Handler) -> Callable[..., Awaitable[Any]]:
    @functools.wraps(fn)
    async def handler(self: RatatoskrService, request: Any, context: aio.ServicerContext[Any, Any]) -> Any:
        try:
            await self.admit(fn.__name__, request, context)
            try:  # request_timeout bounds the wait for a slot and the call (a cancel scope only if it waits)
                return await bounded(self.served(fn, request), self.backend(), timeout=self.timeout)
            except Expired:
                raise _timeout_error(self.timeout) from None
        except Exception as exc:  # the one boundary: every error leaves as a status (_abort logs the unexpected)
            await _abort(context, exc)

    return handler


def _streaming(convert: Callable[[Any], Any]) -> Callable[[StreamHandler], Callable[..., AsyncIterator[Any]]]:
    """An RPC streaming what ``fn`` opens (the gateway's events), each converted by ``convert`` on its way out.

    The slot is held for the whole stream; ``request_timeout`` bounds the wait for a slot and the first event
    together, then each wait for the next event (not the time the client takes to read one). Per event there
    is the conversion and nothing else: the wait is bounded by :func:`ratatoskr.wire.deadline.bounded`, which
    costs a cancel scope only when the next event is not ready at once (rescheduling an asyncio timer twice
    per event cost more than the conversion)."""

    def decorate(fn: StreamHandler) -> Callable[..., AsyncIterator[Any]]:
        @functools.wraps(fn)
        async def handler(self: RatatoskrService, request: Any, context: aio.ServicerContext[Any, Any]) -> Any:
            try:
                await self.admit(fn.__name__, request, context)
                backend = self.backend()
                deadline: float | None = backend.current_time() + self.timeout  # a slot, then the first event
                try:
                    async with asyncio.timeout_at(deadline):
                        await self.gate.enter()
                except TimeoutError as exc:
                    raise _timeout_error(self.timeout) from exc
                try:
                    async with aclosing(fn(self, request)) as events:
                        while True:
                            try:
                                item = await bounded(anext(events), backend, deadline, timeout=self.timeout)
                            except StopAsyncIteration:
                                break
                            except Expired:
                                raise _timeout_error(self.timeout) from None
                            yield convert(item)
                            deadline = None  # then each wait for an event: timeout from when it begins
                finally:
                    self.gate.leave()
            except Exception as exc:  # a mid-stream error ends the stream with its status
                await _abort(context, exc)

        return handler

    return decorate


def _request(what: str) -> Any:
    return C.decoding(InvalidInput, what)


class RatatoskrService(pb_grpc.RatatoskrServicer):
    """Serves ``gateway`` (any :class:`~ratatoskr.protocol.ModelGateway`) over gRPC."""

    def __init__(
        self,
        gateway: ModelGateway,
        *,
        gate: RequestGate,
        timeout: float,
        tokens: TokenStore | None = None,
        batcher: MicroBatcher | None = None,
    ) -> None:
        self.gateway = gateway
        self.gate = gate
        self.timeout = timeout
        self.tokens = tokens
        self.batcher = batcher or MicroBatcher(gateway)
        self._backend: Any = None

    async def admit(self, method: str, request: Any, context: aio.ServicerContext[Any, Any]) -> None:
        """What every RPC passes before its handler runs: a request that decoded, then :meth:`authorize`."""
        if isinstance(request, Undecodable):
            raise request.error()
        await self.authorize(method, request, context)

    def backend(self) -> Any:
        """anyio's backend class of the server's loop (for :func:`bounded`), looked up once."""
        if self._backend is None:
            self._backend = current_token().backend_class
        return self._backend

    async def served(self, fn: Handler, request: Any) -> Any:
        """``fn(self, request)`` in a slot of the request gate."""
        await self.gate.enter()
        try:
            return await fn(self, request)
        finally:
            self.gate.leave()

    async def authorize(self, method: str, request: Any, context: aio.ServicerContext[Any, Any]) -> None:
        """The client token check (a no-op without a token store); raises AuthenticationFailed/PermissionDenied."""
        if self.tokens is None or not self.tokens.required():
            return  # tokens off (no token file): nothing to read off the request
        capability, models_of = MODELS_OF.get(method, (None, lambda r: []))
        with _request(type(request).__name__):
            models = models_of(request)
        await permitted(self.tokens, _authorization(context), capability, models, self.gateway.resolve_preset)

    # ---- chat and generate -----------------------------------------------------------------------------

    @_unary
    async def Chat(self, request: pb.ChatRequest) -> pb.ChatResponse:
        with _request("ChatRequest"):
            messages, tools, options = CC.chat_args(request)
        return CC.chat_response(await self.gateway.chat(messages, tools, options))

    @_streaming(CC.chat_event)
    def ChatStream(self, request: pb.ChatRequest) -> AsyncGenerator[ChatEvent, None]:
        with _request("ChatRequest"):
            messages, tools, options = CC.chat_args(request)
        return self.gateway.chat_stream(messages, tools, options)

    @_unary
    async def Generate(self, request: pb.GenerateRequest) -> pb.GenerateResponse:
        with _request("GenerateRequest"):
            prompt, options = CC.generate_args(request)
        return CC.generate_response(await self.gateway.generate(prompt, options))  # type: ignore[arg-type]

    @_streaming(CC.generate_event)
    def GenerateStream(self, request: pb.GenerateRequest) -> AsyncGenerator[GenerateEvent, None]:
        with _request("GenerateRequest"):
            prompt, options = CC.generate_args(request)
        return self.gateway.generate_stream(prompt, options)  # type: ignore[arg-type]

    # ---- analysis --------------------------------------------------------------------------------------

    @_unary
    async def Embed(self, request: pb.EmbedRequest) -> pb.EmbedResponse:
        return C.embed_response(await self.batcher.embed(request.text, request.model))

    @_unary
    async def EmbedBatch(self, request: pb.EmbedBatchRequest) -> pb.EmbedBatchResponse:
        found = await self.batcher.embed_batch(list(request.texts), request.model)
        return pb.EmbedBatchResponse(embeddings=[C.embedding(e) for e in found])

    @_unary
    async def InferNli(self, request: pb.NliRequest) -> pb.NliResponse:
        return C.nli(await self.batcher.infer_nli(request.premise, request.hypothesis, request.model))

    @_unary
    async def InferNliBatch(self, request: pb.NliBatchRequest) -> pb.NliBatchResponse:
        pairs = [(p.premise, p.hypothesis) for p in request.pairs]
        found = await self.batcher.infer_nli_batch(pairs, request.model)
        return pb.NliBatchResponse(results=[C.nli(r) for r in found])

    @_unary
    async def ClassifyZeroShot(self, request: pb.ClassifyRequest) -> pb.ClassifyResponse:
        template = request.hypothesis_template if request.HasField("hypothesis_template") else None
        result = await self.gateway.classify_zero_shot(
            request.text,
            list(request.labels),
            request.model,
            multi_label=request.multi_label,
            hypothesis_template=template,
        )
        return C.classify(result)

    @_unary
    async def ClassifyStance(self, request: pb.StanceRequest) -> pb.StanceResponse:
        return C.stance(await self.gateway.classify_stance(request.text, request.target, request.model))

    @_unary
    async def CountTokens(self, request: pb.TokenCountRequest) -> pb.TokenCountResponse:
        return pb.TokenCountResponse(count=await self.gateway.count_tokens(request.text, request.model))

    @_unary
    async def Tokenize(self, request: pb.TokenizeRequest) -> pb.TokenizeResponse:
        return C.tokens(await self.gateway.tokenize(request.text, request.model))

    # ---- introspection ---------------------------------------------------------------------------------

    @_unary
    async def ListModels(self, request: pb.ListModelsRequest) -> pb.ListModelsResponse:
        return pb.ListModelsResponse(models=[C.model_info(m) for m in await self.gateway.list_models()])

    @_unary
    async def ModelStatus(self, request: pb.ModelStatusRequest) -> pb.ModelStatusResponse:
        return C.model_status(await self.gateway.model_status(request.model))

    @_unary
    async def GetModelMetadata(self, request: pb.ModelMetadataRequest) -> pb.ModelMetadataResponse:
        return C.metadata(await self.gateway.model_metadata(request.model))

    @_unary
    async def FetchModelMetadata(self, request: pb.ModelMetadataRequest) -> pb.ModelMetadataResponse:
        return C.metadata(await self.gateway.fetch_model_metadata(request.model))

    @_unary
    async def GetCapabilities(self, request: pb.CapabilitiesRequest) -> pb.CapabilitiesResponse:
        return C.capabilities(await self.gateway.capabilities())

    @_unary
    async def ResolvePreset(self, request: pb.ResolvePresetRequest) -> pb.ResolvePresetResponse:
        return C.preset(await self.gateway.resolve_preset(request.tier, request.capability))

    @_unary
    async def ListPresets(self, request: pb.ListPresetsRequest) -> pb.ListPresetsResponse:
        return C.presets(await self.gateway.list_presets())

    async def Health(self, request: pb.HealthRequest, context: aio.ServicerContext[Any, Any]) -> pb.HealthResponse:
        # Outside the gate on purpose: a saturated daemon still answers its health check.
        if isinstance(request, Undecodable):
            await _abort(context, request.error())
        names = getattr(getattr(self.gateway, "dispatcher", None), "provider_names", None)
        providers = sorted(names()) if callable(names) else []
        return pb.HealthResponse(
            healthy=True,
            version=_version("ratatoskr-server"),
            core_version=_version("ratatoskr-core"),
            providers=providers,
        )


def add_to_server(service: RatatoskrService, server: aio.Server) -> None:
    add_guarded(pb_grpc.add_RatatoskrServicer_to_server, service, server)  # undecodable: InvalidInput, no traceback
