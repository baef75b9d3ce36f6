"""What every provider plugin of the workspace promises, checked once for all of them through its entry point:
one provider object serves every capability its plugin names (and no other), and ``enabled = false`` wins over
the environment variable that would otherwise turn it on. (That plugin modules stay cheap to import is checked for
every entry point by ratatoskr-core's ``test_plugin_modules_of_the_workspace_are_cheap_to_import``.)"""

from __future__ import annotations

from importlib import metadata
from typing import Any

import pytest
from ratatoskr.plugins import ENTRY_POINT_GROUP, ProviderPlugin
from ratatoskr.providers import CHAIN_CAPABILITIES
from ratatoskr.testing import build_plugin

#: entry-point name -> (its table, the environment) that turn the provider on.
ENABLED_BY: dict[str, tuple[dict[str, Any], dict[str, str]]] = {
    "anthropic": ({}, {"ANTHROPIC_API_KEY": "sk"}),
    "demo": ({}, {}),
    "google": ({}, {"GOOGLE_API_KEY": "k"}),
    "huggingface": ({}, {"HF_TOKEN": "hf_x"}),
    "local": ({}, {}),
    "ollama": ({}, {"OLLAMA_HOST": "gpu-box:8080"}),
    "openai": ({}, {"OPENAI_API_KEY": "sk"}),
    "openrouter": ({}, {"OPENROUTER_API_KEY": "sk"}),
}


def _plugin(name: str) -> ProviderPlugin:
    (entry_point,) = metadata.entry_points(group=ENTRY_POINT_GROUP, name=name)
    plugin = entry_point.load()
    assert isinstance(plugin, ProviderPlugin), f"{name}'s entry point names {plugin!r}"
    return plugin


def test_every_provider_entry_point_is_covered_here() -> None:
    providers = {ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP) if ep.name != "server"}
    assert providers == set(ENABLED_BY)


@pytest.mark.parametrize("name", sorted(ENABLED_BY))
def test_one_provider_object_serves_every_capability_its_plugin_names(name: str) -> None:
    plugin = _plugin(name)
    table, env = ENABLED_BY[name]
    built = build_plugin(plugin, {"providers": {name: table}}, env=env, name=name)
    assert built.unusable == {}
    (provider,) = built.chains[plugin.capabilities[0]]
    for cap in CHAIN_CAPABILITIES:
        assert built.chains[cap] == ([provider] if cap in plugin.capabilities else []), cap


@pytest.mark.parametrize("name", sorted(ENABLED_BY))
def test_a_disabled_table_wins_over_the_environment(name: str) -> None:
    table, env = ENABLED_BY[name]
    built = build_plugin(_plugin(name), {"providers": {name: {**table, "enabled": False}}}, env=env, name=name)
    assert all(chain == [] for chain in built.chains.values())
