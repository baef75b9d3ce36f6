"""Telemetry along the dispatch road, recorded by a fake OpenTelemetry tracer and meters (no SDK is installed): a
stream's span lasts until the stream ends and records a mid-stream error; token usage, cache lookups and parameter
refusals are counted. And streams close their provider's generator before ``aclose`` returns; an anyio deadline
around a call stops it."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncGenerator, Iterator, Sequence
from types import SimpleNamespace
from typing import Any

import anyio
import pytest
from ratatoskr import (
    CacheConfig,
    ChatOptions,
    EmbeddedGateway,
    Message,
    RetryPolicy,
    StreamError,
    UnsupportedParameter,
)
from ratatoskr.dispatch.cache import ResponseCache
from ratatoskr.dispatch.discovery import ParameterDiscovery
from ratatoskr.dispatch.dispatcher import Dispatcher
from ratatoskr.dispatch.telemetry import Telemetry
from ratatoskr.providers import Capability
from ratatoskr.testing import Fail, FakeChatProvider, FakeEmbeddingProvider
from ratatoskr.types import ChatEvent, ChatResponse, ContentEvent, DoneEvent, ToolDefinition, Usage, UsageEvent

MSGS = [Message.user("hi")]


class FakeSpan:
    def __init__(self, name: str, start_time: int | None = None) -> None:
        self.name, self.start_time = name, start_time
        self.ended = False
        self.errors: list[BaseException] = []
        self.attributes: dict[str, Any] = {}

    def record_exception(self, error: BaseException) -> None:
        self.errors.append(error)

    def set_attribute(self, key: str, value: Any) -> None:
        self.attributes[key] = value

    def set_status(self, status: Any) -> None:
        self.attributes["status"] = status

    def end(self) -> None:
        self.ended = True


class FakeTracer:
    def __init__(self) -> None:
        self.spans: list[FakeSpan] = []

    def start_span(self, name: str, attributes: dict[str, str], start_time: int | None = None) -> FakeSpan:
        self.spans.append(FakeSpan(name, start_time))
        return self.spans[-1]

    @contextlib.contextmanager
    def start_as_current_span(self, name: str, attributes: dict[str, str]) -> Iterator[FakeSpan]:
        span = self.start_span(name, attributes)
        yield span
        span.end()


class FakeInstrument:
    def __init__(self) -> None:
        self.values: list[tuple[float, dict[str, Any]]] = []

    def add(self, value: float, attributes: dict[str, Any]) -> None:
        self.values.append((value, attributes))

    record = add


def recording() -> tuple[Telemetry, FakeTracer, tuple[FakeInstrument, ...]]:
    """A Telemetry wired to fakes, as if an SDK were configured."""
    from opentelemetry import trace

    telemetry, tracer = Telemetry(), FakeTracer()
    instruments = tuple(FakeInstrument() for _ in range(6))
    telemetry._trace = SimpleNamespace(get_tracer_provider=object, get_tracer=lambda name: tracer)
    telemetry._proxy = trace.ProxyTracerProvider
    telemetry._meter_state = instruments
    telemetry._metrics = SimpleNamespace(get_meter_provider=object)  # as if a meter provider were installed
    telemetry._meter_proxy = type(None)
    return telemetry, tracer, instruments


def gateway(*providers: Any, telemetry: Telemetry, **kw: Any) -> EmbeddedGateway:
    chains: dict[Capability, list[Any]] = {Capability.CHAT: [], Capability.EMBED: []}
    for p in providers:
        chains[Capability.CHAT if isinstance(p, FakeChatProvider) else Capability.EMBED].append(p)
    dispatcher = Dispatcher(chains, retry=RetryPolicy.disabled(), telemetry=telemetry, **kw)
    return EmbeddedGateway(dispatcher, cache=ResponseCache(CacheConfig()))


def tokens(instruments: Sequence[FakeInstrument]) -> list[tuple[float, str]]:
    return [(value, attrs["gen_ai.token.type"]) for value, attrs in instruments[3].values]


async def test_a_streams_span_lasts_until_the_stream_ends_and_its_usage_is_recorded_once() -> None:
    telemetry, tracer, instruments = recording()
    chat = FakeChatProvider("c").queue(
        [ContentEvent("a"), UsageEvent(Usage(3, 1, 4)), UsageEvent(Usage(3, 4, 7)), DoneEvent()]
    )
    stream = gateway(chat, telemetry=telemetry).chat_stream(MSGS, options=ChatOptions(model="m"))
    assert isinstance(await stream.__anext__(), ContentEvent)
    (span,) = tracer.spans
    assert span.name == "chat_stream m" and not span.ended and span.start_time is not None
    assert [e async for e in stream][-1].type == "done"
    assert span.ended and span.errors == []
    assert tokens(instruments) == [(3, "input"), (4, "output")]  # the latest figures, once


async def test_a_mid_stream_error_is_recorded_on_the_streams_span() -> None:
    telemetry, tracer, _ = recording()
    chat = FakeChatProvider("c").queue([ContentEvent("a"), Fail(StreamError("cut"))])
    with pytest.raises(StreamError, match="cut"):
        async for _ in gateway(chat, telemetry=telemetry).chat_stream(MSGS, options=ChatOptions(model="m")):
            pass
    (span,) = tracer.spans
    assert span.ended and [str(e) for e in span.errors] == ["cut"]
    assert span.attributes["error.type"] == "StreamError"


async def test_token_usage_cache_lookups_and_refusals_are_counted() -> None:
    telemetry, tracer, instruments = recording()
    chat = FakeChatProvider("c").queue(ChatResponse("ok", usage=Usage(5, 2, 7)))
    chat.queue(Fail(UnsupportedParameter("seed", model="m", provider="c")))
    embed = FakeEmbeddingProvider("e")
    gw = gateway(chat, embed, telemetry=telemetry, discovery=ParameterDiscovery())
    await gw.chat(MSGS, options=ChatOptions(model="m"))
    assert tokens(instruments) == [(5, "input"), (2, "output")]
    assert [s.name for s in tracer.spans] == ["chat m"] and tracer.spans[0].ended
    await gw.embed_batch(["a", "b"], "m")
    await gw.embed_batch(["a", "c"], "m")
    lookups = [(v, a["ratatoskr.cache.hit"]) for v, a in instruments[4].values]
    assert lookups == [(2, False), (1, True), (1, False)]
    with pytest.raises(UnsupportedParameter):
        await gw.chat(MSGS, options=ChatOptions(model="m", seed=1))
    assert [a["parameter"] for _, a in instruments[5].values] == ["seed"]


class Watched:
    """A chat provider whose stream records that it was closed, and whose calls can hang."""

    name, priority, models = "watched", 0, None

    def __init__(self) -> None:
        self.closed: list[str] = []

    async def chat(
        self, messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
    ) -> ChatResponse:
        try:
            await anyio.sleep_forever()
        finally:
            self.closed.append("chat")
        raise AssertionError("unreachable")

    async def chat_stream(
        self, messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
    ) -> AsyncGenerator[ChatEvent, None]:
        try:
            for word in ("one", "two", "three"):
                yield ContentEvent(word)
            yield DoneEvent()
        finally:
            self.closed.append("stream")


async def test_aclose_closes_the_providers_stream_before_it_returns() -> None:
    provider = Watched()
    gw = EmbeddedGateway.builder().provider(provider).build()
    stream = gw.chat_stream(MSGS, options=ChatOptions(model="m"))
    assert await stream.__anext__() == ContentEvent("one")
    await stream.aclose()
    assert provider.closed == ["stream"]  # closed, not left to the garbage collector (filterwarnings = error)


async def test_a_deadline_around_a_call_stops_it() -> None:
    """The per-call deadline of the Python API: an anyio scope around the call (``fail_after`` / ``move_on_after``)."""
    provider = Watched()
    gw = EmbeddedGateway.builder().provider(provider).build()
    start = anyio.current_time()
    with pytest.raises(TimeoutError), anyio.fail_after(0.1):
        await gw.chat(MSGS, options=ChatOptions(model="m"))
    assert anyio.current_time() - start < 5
    assert provider.closed == ["chat"]  # the provider's work was cancelled, not left running
