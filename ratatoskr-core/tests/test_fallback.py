"""Fallback semantics of the dispatcher, through the gateway."""

import pytest
from ratatoskr import (
    AllProvidersFailed,
    AuthenticationFailed,
    ChatOptions,
    EmbeddedGateway,
    InvalidInput,
    Message,
    ModelNotAvailable,
    NoProvider,
    RateLimited,
    RetryPolicy,
    TransportError,
)
from ratatoskr.testing import Fail, FakeChatProvider, FakeEmbeddingProvider

FAST_RETRY = RetryPolicy(max_attempts=3, initial_delay=0.001, max_delay=0.002, jitter=False)


def gateway(*providers: object, retry: RetryPolicy = FAST_RETRY, routing: dict | None = None) -> EmbeddedGateway:
    builder = EmbeddedGateway.builder().retry(retry)
    for p in providers:
        builder.provider(p)
    if routing:
        builder.routing(routing)
    return builder.build()


async def test_model_not_served_moves_to_the_next_provider() -> None:
    first = FakeEmbeddingProvider("first", priority=10, models={"other"}, fake_id=1)
    second = FakeEmbeddingProvider("second", priority=5, fake_id=2)
    result = await gateway(first, second).embed("hi", "wanted")
    assert result.provider == "second"
    assert result.values == (2.0, 2.0)


async def test_provider_raising_model_not_available_moves_on() -> None:
    first = FakeEmbeddingProvider("first", priority=10).queue(Fail(ModelNotAvailable("m", reason="over budget")))
    second = FakeEmbeddingProvider("second", priority=5, fake_id=2)
    result = await gateway(first, second).embed("hi", "m")
    assert result.provider == "second"
    assert [c[0] for c in first.calls] == ["embed"]


async def test_permanent_error_stops_the_chain() -> None:
    first = FakeEmbeddingProvider("first", priority=10).queue(Fail(AuthenticationFailed("bad key")))
    second = FakeEmbeddingProvider("second", priority=5)
    with pytest.raises(AuthenticationFailed, match="bad key") as info:
        await gateway(first, second).embed("hi", "m")
    assert info.value.provider == "first"
    assert second.calls == []


async def test_an_exhausted_chain_lists_every_provider_with_what_it_said() -> None:
    first = FakeEmbeddingProvider("first", priority=10).queue(Fail(ModelNotAvailable("m", reason="one")))
    second = FakeEmbeddingProvider("second", priority=5).queue(Fail(TransportError("reset"), times=3))
    third = FakeEmbeddingProvider("third", priority=1, models={"other"})
    with pytest.raises(AllProvidersFailed) as info:
        await gateway(first, second, third).embed("hi", "m")
    error = info.value
    assert [(a.provider, a.declined, a.kind) for a in error.attempts] == [
        ("first", True, "ModelNotAvailable"),
        ("second", False, "TransportError"),
        ("third", True, "ModelNotAvailable"),
    ]
    assert error.attempts[0].message == "model 'm' is not available from provider first: one"
    assert error.is_transient  # a provider failed transiently: trying later may work
    assert str(error).splitlines() == [
        "no provider served embed model 'm'",
        "  - first: declined (ModelNotAvailable): model 'm' is not available from provider first: one",
        "  - second: failed (TransportError): reset",
        "  - third: declined (ModelNotAvailable): model 'm' is not available from provider third",
    ]


async def test_transient_error_is_retried_then_moves_on() -> None:
    first = FakeEmbeddingProvider("first", priority=10).queue(Fail(TransportError("reset"), times=3))
    second = FakeEmbeddingProvider("second", priority=5, fake_id=2)
    gw = gateway(first, second)
    result = await gw.embed("hi", "m")
    assert result.provider == "second"
    assert len(first.calls) == 3  # max_attempts includes the first call


async def test_transient_error_recovers_on_retry_with_the_same_provider() -> None:
    first = FakeEmbeddingProvider("first", priority=10, fake_id=1).queue(Fail(RateLimited(retry_after=0.001)))
    second = FakeEmbeddingProvider("second", priority=5)
    result = await gateway(first, second).embed("hi", "m")
    assert result.provider == "first"
    assert second.calls == []


async def test_no_retry_policy_still_moves_on_after_one_transient_failure() -> None:
    first = FakeEmbeddingProvider("first", priority=10).queue(Fail(TransportError("reset")))
    second = FakeEmbeddingProvider("second", priority=5)
    result = await gateway(first, second, retry=RetryPolicy.disabled()).embed("hi", "m")
    assert result.provider == "second"
    assert len(first.calls) == 1


async def test_pinned_provider_gets_the_bare_model_and_no_fallback() -> None:
    first = FakeEmbeddingProvider("first", priority=10)
    second = FakeEmbeddingProvider("second", priority=5).queue(Fail(ModelNotAvailable("m")))
    gw = gateway(first, second)
    with pytest.raises(ModelNotAvailable):  # no chain: the pinned provider's own error
        await gw.embed("hi", "second:m")
    assert second.calls == [("embed", ("hi", "m"))]
    assert first.calls == []


async def test_colon_that_is_not_a_provider_is_part_of_the_model_name() -> None:
    provider = FakeEmbeddingProvider("only")
    result = await gateway(provider).embed("hi", "llama3:latest")
    assert result.model == "llama3:latest"


async def test_pinning_a_provider_without_the_capability_is_invalid_input() -> None:
    chat = FakeChatProvider("chatty")
    embed = FakeEmbeddingProvider("embedder")
    with pytest.raises(InvalidInput, match="chatty.*embed"):
        await gateway(chat, embed).embed("hi", "chatty:m")


async def test_empty_chain_names_the_capability() -> None:
    with pytest.raises(NoProvider, match="embed"):
        await gateway(FakeChatProvider("c")).embed("hi", "m")


async def test_priority_orders_the_chain_and_routing_overrides_it() -> None:
    low = FakeEmbeddingProvider("low", priority=1, fake_id=1)
    high = FakeEmbeddingProvider("high", priority=9, fake_id=9)
    assert (await gateway(low, high).embed("x", "m")).provider == "high"
    routed = gateway(low, high, routing={"embed": "low"})
    assert (await routed.embed("x", "m")).provider == "low"


async def test_latency_is_recorded_per_provider() -> None:
    first = FakeEmbeddingProvider("first", priority=10)
    gw = gateway(first)
    await gw.embed("a", "m")
    await gw.embed("b", "m")
    tracker = gw.dispatcher.latency("first")
    assert tracker.count == 2
    assert tracker.average is not None and tracker.average > 0


async def test_chat_falls_back_and_reports_the_serving_provider() -> None:
    first = FakeChatProvider("first", priority=10).queue(Fail(ModelNotAvailable("m")))
    second = FakeChatProvider("second", priority=5).queue("hello")
    reply = await gateway(first, second).chat([Message.user("hi")], options=ChatOptions(model="m"))
    assert (reply.content, reply.provider, reply.model) == ("hello", "second", "m")
