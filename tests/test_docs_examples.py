"""The code in the plugin guides runs: the complete provider of docs/plugins/providers.md is built and called, and
the test of docs/plugins/testing.md passes."""

from __future__ import annotations

import re
import types
import warnings
from pathlib import Path

import pytest
from ratatoskr import ChatOptions, EmbeddedGateway, Message, PluginManager, Settings
from ratatoskr.errors import InvalidSetting
from ratatoskr.plugins import ProviderNotUsableWarning
from ratatoskr.providers import Capability

DOCS = Path(__file__).resolve().parents[1] / "docs/plugins"


def _block(page: str, heading: str | None = None) -> str:
    text = (DOCS / page).read_text()
    if heading is not None:
        text = text.split(f"## {heading}\n", 1)[1]
    match = re.search(r"```python\n(.*?)\n```", text, re.S)
    assert match, f"no python block in {page}"
    return match.group(1)


def _module(source: str, name: str) -> types.ModuleType:
    module = types.ModuleType(name)
    exec(compile(source, f"<{name}>", "exec"), module.__dict__)
    return module


def _gateway(plugin: types.ModuleType, data: dict, secrets: dict | None = None) -> EmbeddedGateway:
    pm = PluginManager(env={})
    pm.register(plugin.plugin, "acme")
    return EmbeddedGateway.from_settings(Settings.from_dict(data, secrets=secrets or {}), plugins=pm)


def test_the_provider_guide_shows_a_complete_three_capability_provider_in_under_60_lines() -> None:
    source = _block("providers.md", "A complete provider with three capabilities")
    assert len(source.splitlines()) < 60
    assert "ratatoskr/demo.py" not in (DOCS / "providers.md").read_text()  # it is ratatoskr/demo/provider.py


async def test_the_guides_provider_is_built_once_and_serves_its_three_capabilities() -> None:
    plugin = _module(_block("providers.md", "A complete provider with three capabilities"), "acme_plugin")
    gateway = _gateway(plugin, {"providers": {"acme": {"models": ["m"]}}}, secrets={"acme": {"api_key": "k"}})
    (chat,) = gateway.dispatcher.chain(Capability.CHAT)
    assert gateway.dispatcher.chain(Capability.EMBED) == (chat,) == gateway.dispatcher.chain(Capability.TOKENIZE)
    assert chat.config.api_key == "k" and chat.models == frozenset({"m"})
    assert (await gateway.chat([Message.user("hi")], options=ChatOptions(model="acme:m"))).content == "HI"
    assert (await gateway.embed("four", "acme:m")).values == (4.0, 1.0)
    assert await gateway.count_tokens("abc", "acme:m") == 3


def test_the_guides_provider_config_is_checked_by_the_core() -> None:
    plugin = _module(_block("providers.md", "A complete provider with three capabilities"), "acme_plugin")
    with pytest.raises(InvalidSetting, match=r"unknown key 'timout' \(did you mean 'timeout'\?\)"):
        _gateway(plugin, {"providers": {"acme": {"timout": 3}}}, secrets={"acme": {"api_key": "k"}})
    with pytest.raises(InvalidSetting, match="timeout must be a number above 0"):
        _gateway(plugin, {"providers": {"acme": {"timeout": 0}}}, secrets={"acme": {"api_key": "k"}})
    with pytest.warns(ProviderNotUsableWarning, match="ACME_API_KEY"):
        gateway = _gateway(plugin, {"providers": {"acme": {}}})
    assert "acme" in gateway.dispatcher.unusable
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert _gateway(plugin, {}).dispatcher.chain(Capability.CHAT) == ()  # no table, no key: simply off


async def test_the_testing_guides_example_passes() -> None:
    module = _module(_block("testing.md"), "testing_example")
    await module.test_falls_back()
