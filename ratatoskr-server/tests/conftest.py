"""A real ratd on 127.0.0.1 (random free port, its own thread and asyncio loop) serving an EmbeddedGateway built
from the demo plugin and a scripted test plugin; tests compare what ServiceClient returns with what the same
gateway returns when called directly."""

from __future__ import annotations

import json
import struct
import threading
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any

import anyio
import anyio.to_thread
import attrs
import pytest
import ratatoskr.demo
import ratatoskr.types as rt
from ratatoskr import errors as E
from ratatoskr import serde
from ratatoskr.config import Settings
from ratatoskr.gateway import EmbeddedGateway
from ratatoskr.plugins import PluginManager, hookimpl
from ratatoskr_server import ServiceClient
from ratatoskr_server.config import ServerConfig
from ratatoskr_server.server import ServerThread


class PluginError(E.ProviderError):
    """A third-party error class the client does not know: it comes back as its nearest known base."""


#: text given to ``embed(text, "errors:boom")`` → the error the errors provider raises.
ERRORS: dict[str, BaseException] = {
    "ModelNotAvailable": E.ModelNotAvailable("boom", provider="errors", reason="not loaded"),
    "RateLimited": E.RateLimited("slow down", retry_after=1.5, provider="errors"),
    "InvalidInput": E.InvalidInput("text is too odd"),
    "UnsupportedParameter": E.UnsupportedParameter("top_k", model="boom", provider="errors", reason="no"),
    "NoProvider": E.NoProvider("embed"),
    "AuthenticationFailed": E.AuthenticationFailed("bad key", provider="errors", status=401),
    "PaymentRequired": E.PaymentRequired("", provider="errors", status=402),
    "PermissionDenied": E.PermissionDenied("no", provider="errors", status=403),
    "ContentFiltered": E.ContentFiltered("flagged", provider="errors"),
    "ContextLengthExceeded": E.ContextLengthExceeded("too long", limit=512, provider="errors", status=400),
    "RequestTooLarge": E.RequestTooLarge("big", provider="errors", status=413),
    "ModelNotFound": E.ModelNotFound("boom", provider="errors", detail="gone"),
    "PresetNotFound": E.PresetNotFound("gold", "embed"),
    "CapabilityNotSupported": E.CapabilityNotSupported("embed", "not here"),
    "ConfigurationError": E.ConfigurationError("bad table"),
    "ApiError": E.ApiError("upstream 502", provider="errors", status=502),
    "Overloaded": E.Overloaded("busy", retry_after=3.0, provider="errors", status=503),
    "TransportError": E.TransportError("reset", provider="errors"),
    "RequestTimeout": E.RequestTimeout("slow upstream", provider="errors"),
    "StreamError": E.StreamError("broken", provider="errors"),
    "ResponseFormatError": E.ResponseFormatError("garbage", provider="errors"),
    "EmptyResponse": E.EmptyResponse("", provider="errors"),
    "PluginError": PluginError("a plugin's own error", provider="errors", status=418),
}


@attrs.define
class Script:
    """State shared between the tests and the providers running in the daemon's thread."""

    stream_started: threading.Event = attrs.field(factory=threading.Event)
    stream_closed: threading.Event = attrs.field(factory=threading.Event)
    release: threading.Event = attrs.field(factory=threading.Event)
    in_flight: int = 0
    max_in_flight: int = 0
    lock: threading.Lock = attrs.field(factory=threading.Lock)


SCRIPT = Script()


def echo(messages: Sequence[rt.Message], tools: Sequence[rt.ToolDefinition] | None, options: rt.ChatOptions) -> str:
    """What the provider received, as JSON: proves every field crossed the wire."""
    return json.dumps(
        {
            "messages": [serde.unstructure(m) for m in messages],
            "tools": None if tools is None else [serde.unstructure(t) for t in tools],
            "options": serde.unstructure(options),
        },
        sort_keys=True,
    )


class ScriptedChat:
    """Chat with reasoning blocks (signed and redacted), tool calls, usage with cache figures; an endless stream."""

    name = "scripted"
    priority = 100
    models = frozenset({"scripted", "endless"})
    supported_parameters = None
    supports_tools = True

    async def chat(
        self, messages: Sequence[rt.Message], tools: Sequence[rt.ToolDefinition] | None, options: rt.ChatOptions
    ) -> rt.ChatResponse:
        if options.model not in self.models:
            raise E.ModelNotAvailable(options.model, provider=self.name)
        return rt.ChatResponse(
            content=echo(messages, tools, options),
            reasoning="thought",
            tool_calls=(rt.ToolCall("call_1", "lookup", '{"q": "x"}'),),
            usage=rt.Usage(10, 5, 15, reasoning_tokens=3, cached_tokens=4, cache_creation_tokens=2),
            finish_reason=rt.FinishReason.TOOL_CALLS,
            model=options.model,
            provider=self.name,
            reasoning_blocks=(
                rt.ReasoningBlock("thought", signature="sig-1", provider=self.name),
                rt.ReasoningBlock("", redacted="opaque==", provider=self.name),
            ),
        )

    async def chat_stream(
        self, messages: Sequence[rt.Message], tools: Sequence[rt.ToolDefinition] | None, options: rt.ChatOptions
    ) -> AsyncIterator[Any]:
        if options.model not in self.models:
            raise E.ModelNotAvailable(options.model, provider=self.name)
        if options.model == "endless":
            SCRIPT.stream_started.set()
            try:
                yield rt.ContentEvent("first")
                await anyio.sleep_forever()
            finally:
                SCRIPT.stream_closed.set()
        if messages[-1].content == "fail midway":
            yield rt.ContentEvent("partial")
            raise E.StreamError("connection dropped mid-stream", provider=self.name)
        yield rt.ReasoningEvent("thinking")
        yield rt.ReasoningEvent("", signature="sig-1")
        yield rt.ReasoningEvent("", redacted="opaque==")
        yield rt.ContentEvent(echo(messages, tools, options))
        yield rt.ToolCallStart(0, "call_1", "lookup")
        yield rt.ToolCallDelta(0, '{"q":')
        yield rt.ToolCallDelta(0, ' "x"}')
        yield rt.ToolCallEnd(0)
        yield rt.UsageEvent(rt.Usage(10, 5, 15, reasoning_tokens=3, cached_tokens=4))
        yield rt.DoneEvent(rt.FinishReason.TOOL_CALLS)


class Errors:
    """Embeds nothing: ``embed(<error name>, "errors:boom")`` raises that error; ``gated`` waits for a release."""

    name = "errors"
    priority = 100
    models = frozenset({"boom", "gated", "hang"})

    async def embed(self, text: str, model: str) -> rt.Embedding:
        if model not in self.models:
            raise E.ModelNotAvailable(model, provider=self.name)
        if model in ("gated", "hang"):
            with SCRIPT.lock:
                SCRIPT.in_flight += 1
                SCRIPT.max_in_flight = max(SCRIPT.max_in_flight, SCRIPT.in_flight)
            try:
                await anyio.to_thread.run_sync(SCRIPT.release.wait, abandon_on_cancel=True)
            finally:
                with SCRIPT.lock:
                    SCRIPT.in_flight -= 1
            return rt.Embedding([1.0], model, self.name)
        if text == "bug":
            raise RuntimeError("a provider bug")
        raise ERRORS[text]

    async def embed_batch(self, texts: Sequence[str], model: str) -> list[rt.Embedding]:
        return [await self.embed(t, model) for t in texts]


class Metadata:
    name = "scripted"
    priority = 100
    models = None

    async def fetch_metadata(self, model: str) -> rt.ModelMetadata:
        return rt.ModelMetadata(
            info=rt.ModelInfo(model, "scripted", ("Chat", "ToolUse"), context_window=8192),
            parameters={
                rt.ParameterName("temperature"): rt.ParameterAvailability.mutable(rt.ParameterRange(0.0, 2.0, 1.0)),
                rt.ParameterName("seed"): rt.ParameterAvailability.read_only({"fixed": 7}),
                rt.ParameterName("top_k"): rt.ParameterAvailability("unsupported"),
                rt.ParameterName("x_custom"): rt.ParameterAvailability("opaque"),
            },
            pricing=rt.PricingInfo(0.5, 1.5),
            max_output_tokens=4096,
        )


class ScriptedPlugin:
    @hookimpl
    def ratatoskr_chat_providers(self, settings: Settings) -> list[Any]:
        return [ScriptedChat()]

    @hookimpl
    def ratatoskr_embed_providers(self, settings: Settings) -> list[Any]:
        return [Errors()]

    @hookimpl
    def ratatoskr_metadata_providers(self, settings: Settings) -> list[Any]:
        return [Metadata()]


_F32 = struct.Struct("f")


def f32(value: Any) -> Any:
    """``value`` with every float rounded to float32, as scores and embeddings cross the wire (the original's
    proto types them ``float``)."""
    if isinstance(value, float):
        return _F32.unpack(_F32.pack(value))[0]
    if isinstance(value, list | tuple):
        return type(value)(f32(v) for v in value)
    if isinstance(value, dict):
        return {k: f32(v) for k, v in value.items()}
    if attrs.has(type(value)):
        return attrs.evolve(value, **{a.name: f32(getattr(value, a.name)) for a in attrs.fields(type(value)) if a.init})
    return value


def make_gateway() -> EmbeddedGateway:
    plugins = PluginManager(env={})
    plugins.register(ratatoskr.demo.plugin, "demo")
    plugins.register(ScriptedPlugin(), "scripted")
    settings = Settings.from_dict({"retry": {"max_attempts": 1}})
    return EmbeddedGateway.builder().settings(settings).plugins(plugins).build()


@pytest.fixture(scope="session")
def daemon() -> Iterator[ServerThread]:
    with ServerThread(make_gateway(), ServerConfig(address="127.0.0.1:0", max_concurrent_requests=8)) as server:
        yield server


@pytest.fixture
def script() -> Iterator[Script]:
    SCRIPT.stream_started.clear()
    SCRIPT.stream_closed.clear()
    SCRIPT.release.clear()
    SCRIPT.in_flight = SCRIPT.max_in_flight = 0
    yield SCRIPT
    SCRIPT.release.set()  # never leave a provider waiting


@pytest.fixture
async def client(daemon: ServerThread) -> AsyncIterator[ServiceClient]:
    async with ServiceClient(daemon.address, timeout=10) as client:
        yield client


@pytest.fixture
async def direct() -> AsyncIterator[EmbeddedGateway]:
    async with make_gateway() as gateway:
        yield gateway


@pytest.fixture
def errors() -> dict[str, BaseException]:
    return ERRORS


@pytest.fixture
def gateway_factory() -> Callable[[], EmbeddedGateway]:
    return make_gateway
