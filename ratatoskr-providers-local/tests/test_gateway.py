"""The local provider through the EmbeddedGateway: plugin registration, fallback, capabilities."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ratatoskr.errors import AllProvidersFailed, ConfigurationError, ModelNotAvailable
from ratatoskr.gateway import EmbeddedGateway
from ratatoskr.plugins import PluginManager
from ratatoskr.providers import CHAIN_CAPABILITIES, PRIORITY_LOCAL, Capability
from ratatoskr.testing import FakeEmbeddingProvider
from ratatoskr.types import NliLabel
from ratatoskr_providers_local import BUNDLED_ID, LocalProvider, plugin

from .conftest import make_provider


@pytest.fixture
def gateway_factory(
    ratatoskr_plugins: PluginManager, ratatoskr_gateway_factory: Callable[..., Any]
) -> Callable[..., Any]:
    ratatoskr_plugins.register(plugin.plugin, "local")
    return ratatoskr_gateway_factory


async def test_plugin_registers_one_provider_for_every_capability(gateway_factory: Callable[..., Any]) -> None:
    gateway = gateway_factory({"providers": {"local": {"download": False}}})
    chains = {cap: gateway.dispatcher.chain(cap) for cap in CHAIN_CAPABILITIES}
    local = chains[Capability.EMBED][0]
    assert isinstance(local, LocalProvider) and local.priority == PRIORITY_LOCAL
    for cap in (Capability.NLI, Capability.CLASSIFY, Capability.STANCE, Capability.TOKENIZE):
        assert chains[cap] == (local,)
    assert not chains[Capability.CHAT]
    assert Capability.LOCAL_INFERENCE in await gateway.capabilities()


async def test_on_by_default_and_off_with_enabled_false(gateway_factory: Callable[..., Any]) -> None:
    assert gateway_factory({}).dispatcher.chain(Capability.EMBED)
    assert not gateway_factory({"providers": {"local": {"enabled": False}}}).dispatcher.chain(Capability.EMBED)


def test_bad_config_is_a_configuration_error(gateway_factory: Callable[..., Any]) -> None:
    with pytest.raises(ConfigurationError, match="device"):
        gateway_factory({"providers": {"local": {"device": "tpu"}}})
    with pytest.raises(
        ConfigurationError, match=r"\[providers.local\] unknown key 'ram_budget' \(did you mean 'ram_budget_mb'\?\)"
    ):
        gateway_factory({"providers": {"local": {"ram_budget": 5}}})


async def test_default_embed_model_through_the_gateway(minilm: Any) -> None:
    gateway = EmbeddedGateway.builder().provider(make_provider(minilm)).build()
    result = await gateway.embed("some text", gateway.default_model("embed"))
    assert (result.provider, result.dimensions) == ("local", 384)
    assert await gateway.count_tokens("some text", gateway.default_model("tokenize")) == 2


async def test_over_budget_model_falls_back_to_the_next_provider() -> None:
    fallback = FakeEmbeddingProvider("remote", priority=0)
    local = make_provider(ram_budget_mb=1)  # 1 MB: the 22 MB MiniLM cannot fit at all
    gateway = EmbeddedGateway.builder().provider(local).provider(fallback).build()
    result = await gateway.embed("some text", BUNDLED_ID)
    assert result.provider == "remote"
    assert fallback.calls == [("embed", ("some text", BUNDLED_ID))]
    (report,) = await gateway.explain(BUNDLED_ID, "embed")
    assert report.status is not None and report.status.provider == "remote"
    (declined,) = report.attempts
    assert declined.provider == "local" and "RAM budget" in declined.message
    with pytest.raises(ModelNotAvailable, match="RAM budget"):
        await local.embed("some text", BUNDLED_ID)


async def test_not_downloaded_model_moves_on_with_a_reason(tmp_path: Path) -> None:
    fallback = FakeEmbeddingProvider("remote", priority=0)
    gateway = EmbeddedGateway.builder().provider(make_provider(models_dir=tmp_path)).provider(fallback).build()
    assert (await gateway.embed("text", "BAAI/bge-small-en-v1.5")).provider == "remote"
    alone = EmbeddedGateway.builder().provider(make_provider(models_dir=tmp_path)).build()
    with pytest.raises(AllProvidersFailed, match=r"local: declined .*BAAI/bge-small-en-v1.5.*ratatoskr local pull"):
        await alone.embed("text", "bge-small-en-v1.5")


async def test_hf_hub_offline_turns_downloads_off(gateway_factory: Callable[..., Any], tmp_path: Path) -> None:
    from ratatoskr.config import Settings

    settings = Settings.from_dict({"providers": {"local": {"models_dir": str(tmp_path)}}}, env={"HF_HUB_OFFLINE": "1"})
    (provider,) = plugin.local.providers(settings)
    assert provider.config.download is False
    with pytest.raises(ModelNotAvailable, match="downloads are off"):
        await provider.embed("text", "BAAI/bge-base-en-v1.5")


async def test_nli_and_zero_shot_through_the_gateway(tiny_nli: Path) -> None:
    gateway = EmbeddedGateway.builder().provider(make_provider()).build()
    result = await gateway.infer_nli("A man is eating food.", "The man is not eating.", str(tiny_nli))
    assert result.label is NliLabel.CONTRADICTION
    pinned = await gateway.classify_zero_shot("The team won the game.", ["game", "politics"], f"local:{tiny_nli}")
    assert pinned.top_label == "game" and pinned.provider == "local"
