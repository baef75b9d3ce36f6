"""Cost: results and stream usage carry what the request cost at the registry's prices; cost and latency routing."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from ratatoskr import (
    ChatOptions,
    ChatResponse,
    ConfigurationError,
    Cost,
    DoneEvent,
    EmbeddedGateway,
    GenerateDone,
    GenerateOptions,
    GenerateResponse,
    Message,
    ModelInfo,
    ModelMetadata,
    ModelRegistry,
    PricingInfo,
    TextEvent,
    Usage,
    UsageEvent,
)
from ratatoskr.dispatch.pricing import ProviderCost, usage_cost
from ratatoskr.dispatch.routing import RoutingConfig, RoutingStrategy
from ratatoskr.providers import Capability
from ratatoskr.testing import FakeChatProvider

USAGE = Usage(prompt_tokens=1_000, completion_tokens=500, total_tokens=1_500)


def priced(model: str, prompt: float | None, completion: float | None, **extra: float) -> ModelMetadata:
    return ModelMetadata(ModelInfo(model, "x", ("Chat",)), pricing=PricingInfo(prompt, completion, **extra))


def registry(*entries: ModelMetadata) -> ModelRegistry:
    models = ModelRegistry.with_seed()
    models.merge(entries)
    return models


def test_usage_cost_prompt_and_completion() -> None:
    cost = usage_cost(USAGE, PricingInfo(3.0, 15.0))
    assert cost == Cost(total=pytest.approx(0.0105), prompt=pytest.approx(0.003), completion=pytest.approx(0.0075))


def test_cached_and_reasoning_tokens_take_their_own_price_when_given() -> None:
    usage = Usage(1_000, 500, 1_500, reasoning_tokens=200, cached_tokens=800)
    plain = usage_cost(usage, PricingInfo(3.0, 15.0))
    assert plain is not None and plain.cached is None and plain.reasoning is None
    assert plain.total == pytest.approx(0.0105)
    cost = usage_cost(usage, PricingInfo(3.0, 15.0, cached_cost_per_mtok=0.3, reasoning_cost_per_mtok=10.0))
    assert cost is not None
    assert cost.cached == pytest.approx(800 * 0.3 / 1e6)
    assert cost.prompt == pytest.approx(200 * 3.0 / 1e6 + 800 * 0.3 / 1e6)
    assert cost.reasoning == pytest.approx(200 * 10.0 / 1e6)
    assert cost.completion == pytest.approx(300 * 15.0 / 1e6 + 200 * 10.0 / 1e6)
    assert cost.total == pytest.approx(cost.prompt + cost.completion)


def test_no_cost_without_both_prices() -> None:
    assert usage_cost(USAGE, PricingInfo(3.0, None)) is None
    assert usage_cost(USAGE, PricingInfo()) is None


async def test_a_chat_through_a_priced_model_carries_its_cost() -> None:
    provider = FakeChatProvider("fake").queue(ChatResponse("hi", usage=USAGE))
    gateway = EmbeddedGateway.builder().provider(provider).model_registry(registry()).build()
    reply = await gateway.chat([Message.user("x")], None, ChatOptions(model="anthropic/claude-sonnet-4.6"))
    assert reply.usage is not None and reply.usage.cost is not None
    assert reply.usage.cost.total == pytest.approx(1_000 * 3 / 1e6 + 500 * 15 / 1e6)  # the seed's $3/$15
    unknown = await gateway.chat([Message.user("x")], None, ChatOptions(model="nobody/knows"))
    assert unknown.usage is None or unknown.usage.cost is None


async def test_presets_and_pins_are_priced_by_the_model_they_name() -> None:
    provider = FakeChatProvider("fake").queue(ChatResponse("a", usage=USAGE), ChatResponse("b", usage=USAGE))
    gateway = EmbeddedGateway.builder().provider(provider).model_registry(registry()).build()
    preset = await gateway.chat([Message.user("x")], None, ChatOptions(model="ratatoskr:premium/summariser"))
    assert preset.usage.cost.total == pytest.approx(1_000 * 1 / 1e6 + 500 * 5 / 1e6)  # type: ignore[union-attr]  # haiku
    pinned = await gateway.chat([Message.user("x")], None, ChatOptions(model="fake:openai/gpt-4o"))
    assert pinned.usage.cost.total == pytest.approx(1_000 * 2.5 / 1e6 + 500 * 10 / 1e6)  # type: ignore[union-attr]


async def test_stream_usage_events_carry_the_cost() -> None:
    events = [UsageEvent(USAGE), DoneEvent()]
    provider = FakeChatProvider("fake").queue(events)
    gateway = EmbeddedGateway.builder().provider(provider).model_registry(registry()).build()
    got = [e async for e in gateway.chat_stream([Message.user("x")], None, ChatOptions(model="openai/gpt-4o"))]
    usage = [e for e in got if isinstance(e, UsageEvent)]
    assert len(usage) == 1 and usage[0].usage.cost is not None
    assert usage[0].usage.cost.total == pytest.approx(0.0025 + 0.005)
    assert isinstance(got[-1], DoneEvent)


class Completer:
    name = "completer"
    priority = 0
    models = None

    async def generate(self, prompt: str, options: GenerateOptions) -> GenerateResponse:
        return GenerateResponse("text", USAGE, model=options.model)

    async def generate_stream(self, prompt: str, options: GenerateOptions) -> AsyncIterator[TextEvent | GenerateDone]:
        yield TextEvent("text")
        yield GenerateDone(usage=USAGE)


async def test_generate_and_its_stream_carry_the_cost() -> None:
    gateway = EmbeddedGateway.builder().provider(Completer()).model_registry(registry()).build()
    options = GenerateOptions(model="openai/gpt-4o")
    result = await gateway.generate("p", options)
    assert result.usage.cost.total == pytest.approx(0.0075)  # type: ignore[union-attr]
    done = [e async for e in gateway.generate_stream("p", options)][-1]
    assert isinstance(done, GenerateDone) and done.usage.cost.total == pytest.approx(0.0075)  # type: ignore[union-attr]


def two_providers() -> tuple[FakeChatProvider, FakeChatProvider]:
    dear = FakeChatProvider("dear", priority=10).queue(ChatResponse("from dear", usage=USAGE))
    cheap = FakeChatProvider("cheap", priority=0).queue(ChatResponse("from cheap", usage=USAGE))
    return dear, cheap


PRICES = registry(priced("dear:shared/model", 2.0, 8.0), priced("cheap:shared/model", 0.5, 1.0))


async def test_strategy_cost_picks_the_cheaper_of_two_providers_serving_one_model() -> None:
    for strategy, served, dollars in (("priority", "dear", 0.006), ("cost", "cheap", 0.001)):
        dear, cheap = two_providers()
        gateway = (
            EmbeddedGateway.builder()
            .provider(dear)
            .provider(cheap)
            .routing({"strategy": strategy})
            .model_registry(PRICES)
            .build()
        )
        reply = await gateway.chat([Message.user("x")], None, ChatOptions(model="shared/model"))
        assert (reply.provider, reply.content) == (served, f"from {served}")
        assert reply.usage.cost.total == pytest.approx(dollars)  # type: ignore[union-attr]  # each at its own price
        assert gateway.dispatcher.providers_by_cost("shared/model") == [
            ProviderCost("cheap", 0.5, 1.0),
            ProviderCost("dear", 2.0, 8.0),
        ]


async def test_cost_strategy_per_capability_and_unknown_prices_last() -> None:
    dear, cheap = two_providers()
    config = RoutingConfig.from_config({"strategy": {"embed": "cost"}})
    assert config.strategy[Capability.CHAT] is RoutingStrategy.PRIORITY
    assert config.strategy[Capability.EMBED] is RoutingStrategy.COST
    only_dear = registry(priced("dear:other/model", 9.0, 9.0))
    gateway = (
        EmbeddedGateway.builder()
        .provider(cheap)
        .provider(dear)
        .routing({"strategy": "cost"})
        .model_registry(only_dear)
        .build()
    )
    plan = gateway.dispatcher.plan(Capability.CHAT, "other/model")
    assert [p.name for p, _ in plan.candidates] == ["dear", "cheap"]  # a known price beats an unknown one


def test_equal_prices_go_by_latency_and_latency_strategy_by_ewma() -> None:
    names = ["a", "b", "c"]
    latency = {"a": 0.9, "b": 0.1, "c": None}.get
    price = {"a": PricingInfo(1, 1), "b": PricingInfo(1, 1), "c": PricingInfo(5, 5)}

    def arrange(strategy: str) -> list[str]:
        return RoutingConfig(strategy=strategy).arrange(
            Capability.CHAT, names, "m", name_of=str, price=lambda p, m: price[p], latency=latency
        )

    assert arrange("cost") == ["b", "a", "c"]
    assert arrange("latency") == ["c", "b", "a"]  # not measured yet: tried first, so it gets measured
    assert arrange("priority") == names


async def test_latency_strategy_follows_measured_latency() -> None:
    dear, cheap = two_providers()
    gateway = EmbeddedGateway.builder().provider(dear).provider(cheap).routing({"strategy": "latency"}).build()
    gateway.dispatcher.latency("dear").observe(2.0)
    gateway.dispatcher.latency("cheap").observe(0.05)
    reply = await gateway.chat([Message.user("x")], None, ChatOptions(model="any"))
    assert reply.provider == "cheap"


@pytest.mark.parametrize(
    "table",
    [{"strategy": "cheapest"}, {"strategy": {"chat": "fast"}}, {"strategy": {"talk": "cost"}}, {"strategy": 3}],
)
def test_bad_strategies_are_configuration_errors(table: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError, match="routing.strategy"):
        RoutingConfig.from_config(table)


async def test_the_config_file_sets_the_strategy() -> None:
    from ratatoskr import Settings

    dear, cheap = two_providers()
    settings = Settings.from_dict({"routing": {"strategy": {"chat": "cost"}, "chat": "dear"}})
    gateway = (
        (EmbeddedGateway.builder().settings(settings).plugins(False).provider(dear).provider(cheap))
        .model_registry(PRICES)
        .build()
    )
    reply = await gateway.chat([Message.user("x")], None, ChatOptions(model="shared/model"))
    assert reply.provider == "cheap"  # the strategy orders the chain the preference built
