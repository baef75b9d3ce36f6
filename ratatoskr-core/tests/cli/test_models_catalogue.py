"""``ratatoskr models``: --provider / --local / --capability filters, context window and price from the registry,
and ``models --all``: the registry's catalogue, each model usable now (by which provider) or not, and why."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from ratatoskr import Capability, ModelInfo, ModelStatus, ModelStatusKind, hookimpl
from ratatoskr.plugins import PluginManager
from ratatoskr.testing import FakeChatProvider, FakeEmbeddingProvider

from .conftest import Result


class RemoteChat(FakeChatProvider):
    """A remote chat provider that lists two models (one of them in the registry's seed)."""

    async def list_models(self) -> list[ModelInfo]:
        return [
            ModelInfo("openai/gpt-4o", self.name, (Capability.CHAT,)),
            ModelInfo("house-model", self.name, (Capability.CHAT,)),
        ]


class LocalEmbedder(FakeEmbeddingProvider):
    """Runs on this machine; has the seed's MiniLM on disk, nothing else."""

    local = True

    async def list_models(self) -> list[ModelInfo]:
        return [
            ModelInfo(
                "sentence-transformers/all-MiniLM-L6-v2",
                self.name,
                (Capability.EMBED, Capability.LOCAL_INFERENCE),
            )
        ]

    async def model_status(self, model: str) -> ModelStatus:
        if model == "sentence-transformers/all-MiniLM-L6-v2":
            return ModelStatus(ModelStatusKind.READY, "files on disk", self.name)
        return ModelStatus(ModelStatusKind.UNAVAILABLE, "not downloaded", self.name)


@pytest.fixture
def served(plugins: PluginManager) -> PluginManager:
    remote = RemoteChat("router", models=["openai/gpt-4o", "house-model"])
    local = LocalEmbedder("onnx")

    class Plugin:
        @hookimpl
        def ratatoskr_chat_providers(self) -> list[Any]:
            return [remote]

        @hookimpl
        def ratatoskr_embed_providers(self) -> list[Any]:
            return [local]

    plugins.register(Plugin(), "fakes")
    return plugins


def _table(out: str) -> dict[str, list[str]]:
    return {line.split()[0]: line.split() for line in out.splitlines()[1:]}


def test_served_models_show_context_and_price_from_the_registry(
    served: PluginManager, cli: Callable[..., Result]
) -> None:
    result = cli("models")
    assert result.code == 0, result.err
    rows = _table(result.out)
    assert "price in/out" in result.out.splitlines()[0]
    assert rows["openai/gpt-4o"][-4:] == ["128000", "$2.5", "/", "$10"]  # the provider gave neither: the registry did
    assert rows["house-model"][-1] == "—"  # not in the registry: nothing invented
    as_json = {m["id"]: m for m in json.loads(cli("models", "--json").out)}
    assert as_json["openai/gpt-4o"]["price_per_mtok"]["prompt_cost_per_mtok"] == 2.5
    assert as_json["house-model"]["price_per_mtok"] is None


def test_filters(served: PluginManager, cli: Callable[..., Result]) -> None:
    assert set(_table(cli("models", "--provider", "router").out)) == {"openai/gpt-4o", "house-model"}
    assert set(_table(cli("models", "--local").out)) == {"sentence-transformers/all-MiniLM-L6-v2"}
    assert set(_table(cli("models", "--capability", "embed").out)) == {"sentence-transformers/all-MiniLM-L6-v2"}
    assert cli("models", "--provider", "nobody").out.strip() == "no models available"


def test_all_marks_each_catalogue_model_usable_or_says_why_not(
    served: PluginManager, cli: Callable[..., Result]
) -> None:
    result = cli("models", "--all", "--json")
    assert result.code == 0, result.err
    catalogue = {m["id"]: m for m in json.loads(result.out)}
    assert len(catalogue) > 10  # the whole registry, not only what is served
    gpt = catalogue["openai/gpt-4o"]
    assert (gpt["usable"], gpt["served_by"]) == (True, "router")
    assert gpt["price_per_mtok"]["completion_cost_per_mtok"] == 10.0
    minilm = catalogue["sentence-transformers/all-MiniLM-L6-v2"]
    assert (minilm["usable"], minilm["served_by"], minilm["reason"]) == (True, "onnx", "files on disk")
    other = catalogue["anthropic/claude-haiku-4.5"]
    assert other["usable"] is False and other["served_by"] is None
    assert "router" in other["reason"]  # the provider that was tried says why it would not serve it
    text = cli("models", "--all", "--capability", "embed").out
    assert text.splitlines()[1].split()[:1] == ["sentence-transformers/all-MiniLM-L6-v2"]
    assert "yes (onnx)" in text
    assert set(_table(cli("models", "--all", "--local").out)) == {"sentence-transformers/all-MiniLM-L6-v2"}
    assert set(_table(cli("models", "--all", "--provider", "router").out)) == {"openai/gpt-4o"}


def test_all_without_providers_says_what_to_enable(cli: Callable[..., Result]) -> None:
    catalogue = json.loads(cli("models", "--all", "--json").out)
    assert catalogue and not any(m["usable"] for m in catalogue)
    assert all(m["reason"] for m in catalogue)
