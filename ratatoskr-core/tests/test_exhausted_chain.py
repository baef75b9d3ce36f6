"""Nothing answers that was not asked: the demo only for ``demo:`` pins, one typed error for an exhausted chain,
and any exception a provider raises typed at the dispatch boundary."""

from __future__ import annotations

import httpx
import pytest
from ratatoskr import (
    AllProvidersFailed,
    ChatOptions,
    ConfigurationError,
    ContentEvent,
    EmbeddedGateway,
    Message,
    ModelNotAvailable,
    NoProvider,
    ProviderBug,
    RetryPolicy,
)
from ratatoskr.demo.provider import DemoProvider
from ratatoskr.dispatch.dispatcher import Dispatcher
from ratatoskr.providers import CHAIN_CAPABILITIES, Capability, protocol_for
from ratatoskr.testing import Fail, FakeChatProvider, FakeEmbeddingProvider

NO_RETRY = RetryPolicy.disabled()


def gateway(*providers: object, **dispatcher: object) -> EmbeddedGateway:
    chains: dict[Capability, list[object]] = {cap: [] for cap in CHAIN_CAPABILITIES}
    for provider in providers:
        for cap in CHAIN_CAPABILITIES:
            if isinstance(provider, protocol_for(cap)):
                chains[cap].append(provider)
    return EmbeddedGateway(Dispatcher(chains, retry=NO_RETRY, **dispatcher))  # type: ignore[arg-type]


async def test_the_demo_is_never_a_fallback() -> None:
    failing = FakeEmbeddingProvider("real").queue(Fail(ModelNotAvailable("typo-model")))
    gw = gateway(DemoProvider(), failing)
    with pytest.raises(AllProvidersFailed) as info:
        await gw.embed("hello", "typo-model")
    assert [a.provider for a in info.value.attempts] == ["real"]
    assert "demo" not in [p.name for p in gw.dispatcher.chain(Capability.EMBED)]
    alone = gateway(DemoProvider())
    with pytest.raises(NoProvider, match="embed"):
        await alone.embed("hello", "anything")
    with pytest.raises(NoProvider, match="chat"):
        await alone.chat([Message.user("hi")], options=ChatOptions(model="gpt-4o"))


async def test_the_demo_answers_its_pin() -> None:
    gw = gateway(DemoProvider(), FakeEmbeddingProvider("real"))
    result = await gw.embed("hello", "demo:anything")
    assert (result.provider, result.model, len(result.values)) == ("demo", "anything", 64)


@pytest.mark.parametrize(
    "raised",
    [ValueError("bad value"), KeyError("missing"), httpx.ConnectError("connection refused")],
    ids=["ValueError", "KeyError", "httpx.ConnectError"],
)
async def test_a_foreign_exception_becomes_a_provider_bug_and_falls_back(raised: Exception) -> None:
    broken = FakeEmbeddingProvider("broken", priority=10).queue(Fail(raised))  # type: ignore[arg-type]
    backup = FakeEmbeddingProvider("backup", priority=1, fake_id=7)
    result = await gateway(broken, backup).embed("hi", "m")
    assert (result.provider, result.values) == ("backup", (2.0, 7.0))

    with pytest.raises(AllProvidersFailed) as chained:
        await gateway(FakeEmbeddingProvider("broken").queue(Fail(raised))).embed("hi", "m")  # type: ignore[arg-type]
    (attempt,) = chained.value.attempts
    assert (attempt.provider, attempt.kind, attempt.declined) == ("broken", "ProviderBug", False)

    pinned = FakeEmbeddingProvider("broken").queue(Fail(raised))  # type: ignore[arg-type]
    with pytest.raises(ProviderBug) as info:
        await gateway(pinned).embed("hi", "broken:m")
    assert info.value.__cause__ is raised
    assert info.value.provider == "broken"
    assert str(info.value).startswith(f"{type(raised).__name__}: ")


async def test_a_foreign_exception_mid_stream_is_typed_too() -> None:
    chat = FakeChatProvider("c").queue([ContentEvent("one"), Fail(ValueError("torn"))])  # type: ignore[arg-type]
    gw = gateway(chat)
    seen = []
    with pytest.raises(ProviderBug, match="ValueError: torn") as info:
        async for event in gw.chat_stream([Message.user("x")], options=ChatOptions(model="m")):
            seen.append(event)
    assert isinstance(info.value.__cause__, ValueError)
    assert [e.text for e in seen] == ["one"]


async def test_an_unknown_provider_prefix_is_named_when_nothing_serves_the_model() -> None:
    only = FakeEmbeddingProvider("only", models={"llama3:latest"})
    gw = gateway(only, known={"only": frozenset({Capability.EMBED}), "ollama": frozenset({Capability.EMBED})})
    assert (await gw.embed("x", "llama3:latest")).provider == "only"  # a colon is not a pin by itself
    with pytest.raises(AllProvidersFailed) as info:
        await gw.embed("x", "nosuch:model")
    assert info.value.headline == (
        "no provider served embed model 'nosuch:model': installed but not enabled: ollama (enable one with a "
        "[providers.NAME] table); no installed provider is named 'nosuch' (installed: ollama, only)"
    )


async def test_a_disabled_or_unusable_provider_pinned_says_why() -> None:
    only = FakeEmbeddingProvider("only")
    broken = ConfigurationError("providers.openai: no API key (set OPENAI_API_KEY)")
    gw = gateway(
        only,
        known={"only": frozenset({Capability.EMBED}), "ollama": frozenset({Capability.EMBED})},
        unusable={"openai": broken},
    )
    with pytest.raises(ConfigurationError, match=r"'ollama' is installed but not enabled.*\[providers\.ollama\]"):
        await gw.embed("x", "ollama:nomic")
    assert only.calls == []
    with pytest.raises(ConfigurationError) as info:
        await gw.embed("x", "openai:text-embedding-3-small")
    assert info.value is broken

    # unpinned: the unusable provider is listed with its reason when the chain is exhausted
    only.queue(Fail(ModelNotAvailable("typo-model")))
    with pytest.raises(AllProvidersFailed) as info:
        await gw.embed("x", "typo-model")
    assert [(a.provider, a.kind) for a in info.value.attempts] == [
        ("only", "ModelNotAvailable"),
        ("openai", "ConfigurationError"),
    ]


async def test_an_empty_chain_names_the_providers_that_are_installed_but_off() -> None:
    gw = gateway(FakeChatProvider("c"), known={"openai": frozenset({Capability.EMBED, Capability.CHAT})})
    with pytest.raises(NoProvider) as info:
        await gw.embed("x", "m")
    assert str(info.value) == (
        "no provider configured for embed (model 'm'): installed but not enabled: openai "
        "(enable one with a [providers.NAME] table)"
    )
