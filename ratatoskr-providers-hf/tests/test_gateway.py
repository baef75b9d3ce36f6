"""Through the gateway: the plugin's registration, and HuggingFace as the fallback for a local provider."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from ratatoskr.errors import ModelNotAvailable
from ratatoskr.plugins import hookimpl
from ratatoskr.providers import PRIORITY_LOCAL, PRIORITY_REMOTE
from ratatoskr.types import Embedding, StanceLabel, StanceResult
from ratatoskr_providers_hf import plugin

MINI = "sentence-transformers/all-MiniLM-L6-v2"
HF_CONFIG = {"providers": {"huggingface": {"api_key": "hf_test"}, "demo": {"enabled": False}}}


class OverBudgetLocal:
    """Stands in for the local ONNX provider when the model does not fit the RAM budget."""

    name = "local"
    priority = PRIORITY_LOCAL
    models = None
    local = True

    def __init__(self) -> None:
        self.calls: list[str] = []

    def _refuse(self, model: str) -> ModelNotAvailable:
        self.calls.append(model)
        return ModelNotAvailable(model, provider=self.name, reason="needs 90 MB, over the RAM budget of 1 MB")

    async def embed(self, text: str, model: str) -> Embedding:
        raise self._refuse(model)

    async def embed_batch(self, texts: Sequence[str], model: str) -> list[Embedding]:
        raise self._refuse(model)

    async def classify_stance(self, text: str, target: str, model: str) -> StanceResult:
        raise self._refuse(model)


@pytest.fixture
def local() -> OverBudgetLocal:
    return OverBudgetLocal()


@pytest.fixture
def gateway_factory(ratatoskr_plugins, ratatoskr_gateway_factory, local):
    class LocalPlugin:
        @hookimpl
        def ratatoskr_embed_providers(self, settings):
            return [local]

        @hookimpl
        def ratatoskr_stance_providers(self, settings):
            return [local]

    ratatoskr_plugins.register(LocalPlugin(), "local")
    ratatoskr_plugins.register(plugin.plugin, "huggingface")
    return ratatoskr_gateway_factory


async def test_local_over_budget_falls_back_to_huggingface(gateway_factory, local, cassette) -> None:
    async with gateway_factory(HF_CONFIG) as gateway:
        with cassette("serverless_embed"):
            result = await gateway.embed("Today is a sunny day and I will get some ice cream.", MINI)
    assert local.calls == [MINI]
    assert result.provider == "huggingface"
    assert result.values == (0.6, 0.0, -0.8)


async def test_hf_prefix_pins_the_huggingface_provider(gateway_factory, local, cassette) -> None:
    """The extra is ratatoskr[hf]: ``hf:MODEL`` pins the huggingface provider, which receives MODEL itself."""
    async with gateway_factory(HF_CONFIG) as gateway:
        with cassette("serverless_embed"):  # the cassette matches the URL: the model name has no "hf:" in it
            result = await gateway.embed("Today is a sunny day and I will get some ice cream.", f"hf:{MINI}")
    assert local.calls == []  # pinned: no chain
    assert (result.provider, result.model) == ("huggingface", MINI)


async def test_hf_prefix_without_the_provider_is_refused(ratatoskr_plugins, ratatoskr_gateway_factory) -> None:
    from ratatoskr.errors import InvalidInput

    ratatoskr_plugins.register(plugin.plugin, "huggingface")
    config = {"providers": {"huggingface": {"enabled": False}}}
    async with ratatoskr_gateway_factory(config) as gateway:
        with pytest.raises(InvalidInput, match=r"pins the huggingface provider, which is not installed or not enabled"):
            await gateway.infer_nli("a", "b", "hf:cross-encoder/nli-deberta-v3-small")


async def test_stance_falls_back_on_the_callers_model(gateway_factory, local, cassette) -> None:
    model = "MoritzLaurer/DeBERTa-v3-base-mnli-fever-anli"
    async with gateway_factory(HF_CONFIG) as gateway:
        with cassette("serverless_stance"):
            result = await gateway.classify_stance(
                "Nuclear plants are the cleanest reliable power we have; we should build more.", "nuclear power", model
            )
    assert (result.provider, result.model, result.label) == ("huggingface", model, StanceLabel.FAVOR)


async def test_a_loading_model_is_retried_after_its_estimated_time(gateway_factory, cassette) -> None:
    config = {**HF_CONFIG, "retry": {"initial_delay": 0.001, "jitter": False}}
    async with gateway_factory(config) as gateway:
        with cassette("loading_then_ready") as played:
            result = await gateway.embed("hello", f"huggingface:{MINI}")
    assert played.play_count == 2
    assert result.values == (1.0, 0.0) and result.provider == "huggingface"


def test_registered_for_four_capabilities_sharing_one_provider(ratatoskr_plugins) -> None:
    from ratatoskr.config import Settings
    from ratatoskr.providers import Capability

    ratatoskr_plugins.register(plugin.plugin, "huggingface")
    settings = Settings.from_dict(HF_CONFIG)
    found = ratatoskr_plugins.build(settings).chains
    served = {cap for cap, providers in found.items() if providers}
    assert served == {Capability.EMBED, Capability.NLI, Capability.CLASSIFY, Capability.STANCE}
    objects = {id(p) for providers in found.values() for p in providers}
    assert len(objects) == 1
    provider = found[Capability.EMBED][0]
    assert provider.priority == PRIORITY_REMOTE and provider.config.api_key == "hf_test"


async def test_real_local_provider_over_its_ram_budget_falls_back(
    ratatoskr_plugins, ratatoskr_gateway_factory, cassette
) -> None:
    """The real local ONNX provider with a 1 MB budget refuses the bundled MiniLM; HuggingFace answers."""
    local_plugin = pytest.importorskip("ratatoskr_providers_local.plugin")
    ratatoskr_plugins.register(local_plugin.plugin, "local")
    ratatoskr_plugins.register(plugin.plugin, "huggingface")
    config = {"providers": {**HF_CONFIG["providers"], "local": {"ram_budget_mb": 1, "download": False}}}
    async with ratatoskr_gateway_factory(config) as gateway:
        local_status = await gateway.model_status(f"local:{MINI}")
        with cassette("serverless_embed"):
            result = await gateway.embed("Today is a sunny day and I will get some ice cream.", MINI)
    assert result.provider == "huggingface"
    assert result.values == (0.6, 0.0, -0.8)
    assert "RAM budget" in (local_status.reason or "")
