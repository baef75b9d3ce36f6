"""``ServiceClient``: the ``ModelGateway`` of a running ``ratd``, for asyncio and trio alike.

Under asyncio the client uses grpc.aio on the caller's loop (:mod:`ratatoskr_server._aio`); under trio (grpc.aio is
bound to asyncio) it uses grpcio's synchronous channel and stubs and waits for them in
worker threads (``anyio.to_thread.run_sync`` with a ``CapacityLimiter``). A unary RPC is started with
``.future()`` and cancelled when the caller is cancelled; a stream is read one event per thread hop and cancelled
as soon as the consumer stops (``break``, ``aclose()``, cancellation). Errors come back as the SAME Ratatoskr error
class the daemon raised (see :mod:`ratatoskr_server.errors`).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Callable, Iterator, Mapping, Sequence
from contextlib import aclosing
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
import anyio.to_thread
import attrs
import grpc
import sniffio
from ratatoskr.errors import ConfigurationError, InvalidInput, ModelNotAvailable, RatatoskrError, ResponseFormatError
from ratatoskr.types.capability import Capability
from ratatoskr.types.chat import ChatEvent, ChatOptions, ChatResponse, Message, ToolDefinition
from ratatoskr.types.generate import GenerateEvent, GenerateOptions, GenerateResponse
from ratatoskr.types.inference import ClassifyResult, Embedding, NliResult, StanceResult, Token
from ratatoskr.types.model import ModelInfo, ModelMetadata, ModelStatus
from ratatoskr.types.preset import PresetResolution

from ratatoskr_server import _codec_chat as CC
from ratatoskr_server import _convert as C
from ratatoskr_server._aio import AioTransport
from ratatoskr_server._generated import ratatoskr_pb2 as pb
from ratatoskr_server._generated import ratatoskr_pb2_grpc as pb_grpc
from ratatoskr_server.config import DEFAULT_ADDRESS, ServerConfig
from ratatoskr_server.errors import DAEMON, from_rpc_error

if TYPE_CHECKING:
    from ratatoskr.config import Settings

__all__ = ["DaemonHealth", "ServiceClient"]

T = TypeVar("T")
_END = object()


@attrs.frozen
class DaemonHealth:
    """What ``ratd`` says about itself."""

    healthy: bool
    version: str
    core_version: str
    providers: tuple[str, ...] = ()


def _next(iterator: Iterator[Any]) -> Any:
    return next(iterator, _END)


def _on_asyncio() -> bool:
    return sniffio.current_async_library() == "asyncio"


def _read(path: str | Path | None) -> bytes | None:
    if path is None:
        return None
    try:
        return Path(path).expanduser().read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"cannot read {path}: {exc}") from exc


def _encode(fn: Callable[..., T], *args: Any) -> T:
    """A request message; a value the proto cannot hold (a negative seed, ...) is the caller's ``InvalidInput``."""
    try:
        return fn(*args)
    except (*C.DECODE_ERRORS, RatatoskrError) as exc:
        with C.decoding(InvalidInput, "request"):  # the one mapping, entered only on failure (the hot path)
            raise exc
    raise AssertionError("unreachable")


def _response(what: str) -> Any:
    return C.decoding(ResponseFormatError, f"{what} from {DAEMON}", provider=DAEMON)


def _decoded(decode: Callable[[Any], T], item: Any, what: str) -> T:
    """A reply or stream event decoded; what ``_response`` does, entered only on failure (the hot path)."""
    try:
        return decode(item)
    except (*C.DECODE_ERRORS, RatatoskrError) as exc:
        with _response(what):
            raise exc
    raise AssertionError("unreachable")


class ServiceClient:
    """A :class:`~ratatoskr.protocol.ModelGateway` that forwards every call to ``ratd`` at ``address``.

    :param address: ``host:port`` or ``unix:/path``.
    :param timeout: seconds per unary RPC (``None``: no client deadline; the daemon's ``request_timeout`` applies).
    :param max_concurrency: calls waiting on the daemon at once (each holds a worker thread while it waits).
    :param token: a client token (``ratd token create``), sent as ``authorization: Bearer <token>``.
    :param tls: connect with TLS (implied by ``ca`` or a client certificate); without ``ca`` the system's roots
        verify the daemon's certificate.
    :param ca: PEM file of the CA that signed the daemon's certificate.
    :param client_cert: PEM certificate chain and ``client_key`` PEM key, for a daemon that requires client
        certificates (mTLS).
    """

    def __init__(
        self,
        address: str = DEFAULT_ADDRESS,
        *,
        timeout: float | None = None,
        max_concurrency: int = 64,
        max_message_mb: int = 64,
        token: str | None = None,
        tls: bool = False,
        ca: str | Path | None = None,
        client_cert: str | Path | None = None,
        client_key: str | Path | None = None,
    ) -> None:
        self.address = address
        self.timeout = timeout
        self._metadata = (("authorization", f"Bearer {token}"),) if token else None
        options = ServerConfig(max_message_mb=max_message_mb).channel_options
        credentials = None
        if tls or ca is not None or client_cert is not None:
            credentials = grpc.ssl_channel_credentials(
                root_certificates=_read(ca), private_key=_read(client_key), certificate_chain=_read(client_cert)
            )
            self._channel = grpc.secure_channel(address, credentials, options=options)
        else:
            self._channel = grpc.insecure_channel(address, options=options)
        self._stub = pb_grpc.RatatoskrStub(self._channel)
        self._limiter = anyio.CapacityLimiter(max_concurrency)
        self._aio = AioTransport(address, options, credentials)

    @classmethod
    def from_settings(cls, address: str, settings: Settings, **kw: Any) -> ServiceClient:
        """A client for ``address`` with the token and TLS files the settings name: ``RATATOSKR_DAEMON_TOKEN`` (else
        ``[daemon] token`` in the secrets file), ``RATATOSKR_DAEMON_CA``, ``RATATOSKR_DAEMON_CERT`` and
        ``RATATOSKR_DAEMON_KEY``."""
        env, table = settings.env, settings.secrets.get("daemon") or {}
        token = env.get("RATATOSKR_DAEMON_TOKEN") or (table.get("token") if isinstance(table, Mapping) else None)
        kw.setdefault("token", token or None)
        kw.setdefault("ca", env.get("RATATOSKR_DAEMON_CA") or None)
        kw.setdefault("client_cert", env.get("RATATOSKR_DAEMON_CERT") or None)
        kw.setdefault("client_key", env.get("RATATOSKR_DAEMON_KEY") or None)
        return cls(address, **kw)

    @classmethod
    async def connect(cls, address: str = DEFAULT_ADDRESS, *, wait: float = 5.0, **kw: Any) -> ServiceClient:
        """A client whose daemon answered a health check within ``wait`` seconds (else ``TransportError``)."""
        client = cls(address, **kw)
        try:
            await client._unary("Health", pb.HealthRequest(), deadline=wait)
        except BaseException:
            await client.aclose()
            raise
        return client

    async def __aenter__(self) -> ServiceClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        if _on_asyncio():
            await self._aio.close()
        self._channel.close()

    def __repr__(self) -> str:
        return f"<ServiceClient {self.address}>"

    # ---- transport ---------------------------------------------------------------------------------------

    async def _unary(self, method: str, request: Any, *, deadline: float | None = None) -> Any:
        seconds = deadline if deadline is not None else self.timeout
        if _on_asyncio():  # grpc.aio on the caller's loop: no thread hop
            return await self._aio.unary(method, request, seconds, self._metadata)
        call = getattr(self._stub, method).future(request, timeout=seconds, metadata=self._metadata)
        try:
            return await anyio.to_thread.run_sync(call.result, abandon_on_cancel=True, limiter=self._limiter)
        except grpc.RpcError as exc:
            raise from_rpc_error(exc, method) from exc
        finally:
            call.cancel()  # no-op once done; frees the worker thread at once if we were cancelled

    def _stream(self, method: str, request: Any) -> AsyncGenerator[Any, None]:
        """The RPC's replies: on asyncio grpc.aio's own stream (no layer of ours per event), else via threads."""
        if _on_asyncio():
            return self._aio.stream(method, request, self._metadata)
        return self._threaded_stream(method, request)

    async def _threaded_stream(self, method: str, request: Any) -> AsyncGenerator[Any, None]:
        call = getattr(self._stub, method)(request, metadata=self._metadata)
        try:
            while True:
                item = await anyio.to_thread.run_sync(_next, call, abandon_on_cancel=True, limiter=self._limiter)
                if item is _END:
                    return
                yield item
        except grpc.RpcError as exc:
            raise from_rpc_error(exc, method) from exc
        finally:
            call.cancel()  # the consumer stopped early, or was cancelled: end the RPC on the daemon too

    # ---- chat and generate ----------------------------------------------------------------------------------

    async def chat(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolDefinition] | None = None,
        options: ChatOptions | None = None,
    ) -> ChatResponse:
        reply = await self._unary("Chat", _encode(CC.chat_request, messages, tools, options))
        return _decoded(CC.chat_response_from_pb, reply, "ChatResponse")

    async def chat_stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolDefinition] | None = None,
        options: ChatOptions | None = None,
    ) -> AsyncGenerator[ChatEvent, None]:
        # aclosing: when the consumer stops, the RPC is cancelled now, not whenever the generator is collected.
        async with aclosing(self._stream("ChatStream", _encode(CC.chat_request, messages, tools, options))) as items:
            async for item in items:
                yield _decoded(CC.chat_event_from_pb, item, "ChatEvent")

    async def generate(self, prompt: str, options: GenerateOptions) -> GenerateResponse:
        reply = await self._unary("Generate", _encode(CC.generate_request, prompt, options))
        return _decoded(CC.generate_response_from_pb, reply, "GenerateResponse")

    async def generate_stream(self, prompt: str, options: GenerateOptions) -> AsyncGenerator[GenerateEvent, None]:
        async with aclosing(self._stream("GenerateStream", _encode(CC.generate_request, prompt, options))) as items:
            async for item in items:
                yield _decoded(CC.generate_event_from_pb, item, "GenerateEvent")

    # ---- analysis -----------------------------------------------------------------------------------------

    async def _call(self, method: str, request: Any, decode: Callable[[Any], T]) -> T:
        return _decoded(decode, await self._unary(method, request), method)

    async def embed(self, text: str, model: str) -> Embedding:
        return await self._call("Embed", pb.EmbedRequest(text=text, model=model), C.embedding_from_pb)

    async def embed_batch(self, texts: Sequence[str], model: str) -> list[Embedding]:
        request = pb.EmbedBatchRequest(texts=list(texts), model=model)
        return await self._call("EmbedBatch", request, lambda r: [C.embedding_from_pb(e) for e in r.embeddings])

    async def infer_nli(self, premise: str, hypothesis: str, model: str) -> NliResult:
        request = pb.NliRequest(premise=premise, hypothesis=hypothesis, model=model)
        return await self._call("InferNli", request, C.nli_from_pb)

    async def infer_nli_batch(self, pairs: Sequence[tuple[str, str]], model: str) -> list[NliResult]:
        request = pb.NliBatchRequest(pairs=[pb.NliPair(premise=p, hypothesis=h) for p, h in pairs], model=model)
        return await self._call("InferNliBatch", request, lambda r: [C.nli_from_pb(x) for x in r.results])

    async def classify_zero_shot(
        self,
        text: str,
        labels: Sequence[str],
        model: str,
        *,
        multi_label: bool = False,
        hypothesis_template: str | None = None,
    ) -> ClassifyResult:
        request = pb.ClassifyRequest(
            text=text,
            labels=list(labels),
            model=model,
            multi_label=multi_label,
            hypothesis_template=hypothesis_template,
        )
        return await self._call("ClassifyZeroShot", request, C.classify_from_pb)

    async def classify_stance(self, text: str, target: str, model: str) -> StanceResult:
        request = pb.StanceRequest(text=text, target=target, model=model)
        return await self._call("ClassifyStance", request, C.stance_from_pb)

    async def count_tokens(self, text: str, model: str) -> int:
        return await self._call("CountTokens", pb.TokenCountRequest(text=text, model=model), lambda r: int(r.count))

    async def tokenize(self, text: str, model: str) -> list[Token]:
        return await self._call("Tokenize", pb.TokenizeRequest(text=text, model=model), C.tokens_from_pb)

    # ---- introspection ------------------------------------------------------------------------------------

    async def list_models(self) -> list[ModelInfo]:
        return await self._call(
            "ListModels", pb.ListModelsRequest(), lambda r: [C.model_info_from_pb(m) for m in r.models]
        )

    async def model_status(self, model: str) -> ModelStatus:
        return await self._call("ModelStatus", pb.ModelStatusRequest(model=model), C.model_status_from_pb)

    async def model_metadata(self, model: str) -> ModelMetadata | None:
        return await self._call("GetModelMetadata", pb.ModelMetadataRequest(model=model), C.metadata_from_pb)

    async def fetch_model_metadata(self, model: str) -> ModelMetadata:
        """Metadata fetched by the daemon's providers; a ``found=false`` reply is ``ModelNotAvailable`` (as the
        original's client maps it: a daemon that has no metadata for ``model``)."""
        found = await self._call("FetchModelMetadata", pb.ModelMetadataRequest(model=model), C.metadata_from_pb)
        if found is None:
            raise ModelNotAvailable(model, provider=DAEMON, reason="the daemon has no metadata for it (found=false)")
        return found

    async def capabilities(self) -> frozenset[Capability]:
        return await self._call("GetCapabilities", pb.CapabilitiesRequest(), C.capabilities_from_pb)

    async def resolve_preset(self, tier: str, capability: str) -> PresetResolution | None:
        request = pb.ResolvePresetRequest(tier=tier, capability=capability)
        return await self._call("ResolvePreset", request, C.preset_from_pb)

    async def list_presets(self) -> Mapping[str, frozenset[str]]:
        return await self._call("ListPresets", pb.ListPresetsRequest(), C.presets_from_pb)

    async def health(self) -> DaemonHealth:
        """The daemon's versions and providers (not part of ``ModelGateway``)."""
        return await self._call(
            "Health",
            pb.HealthRequest(),
            lambda r: DaemonHealth(r.healthy, r.version, r.core_version, tuple(r.providers)),
        )
