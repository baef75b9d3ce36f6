"""The built-in DEMO plugin: toy providers that need no model, no key and no network.

Registered through the ``ratatoskr`` entry point like any plugin. Its answers are NOT model output (see
:mod:`ratatoskr.demo.provider`). This module holds only the hooks and the declared ``[providers.demo]`` table, so
loading the plugin (every CLI start does) imports nothing else. One :class:`~ratatoskr.demo.provider.DemoProvider`
serves all seven capabilities: every hook returns the same factory, which the core builds once per gateway. Turn it
off with ``[providers.demo] enabled = false``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from attrs import frozen

from ratatoskr.config_schema import setting
from ratatoskr.plugins import provider_plugin
from ratatoskr.provider_factory import ProviderConfig, ProviderFactory
from ratatoskr.providers import PRIORITY_DEMO

if TYPE_CHECKING:
    from ratatoskr.demo.provider import DemoProvider

NAME = "demo"


@frozen(kw_only=True)
class DemoConfig(ProviderConfig):
    """``[providers.demo]``: on by default."""

    priority: int = setting(PRIORITY_DEMO, doc="Higher runs earlier in fallback chains.")


def _build(config: DemoConfig) -> DemoProvider:
    from ratatoskr.demo.provider import DemoProvider

    return DemoProvider(config.priority)


demo = ProviderFactory(NAME, DemoConfig, _build, default_on=True)
plugin = provider_plugin(demo, "chat", "generate", "embed", "nli", "classify", "stance", "tokenize")
