"""pytest fixtures for testing code that uses Ratatoskr, and for plugin authors.

- ``ratatoskr_plugins``: a :class:`~ratatoskr.plugins.PluginManager` with NO entry points loaded; call
  ``ratatoskr_plugins.register(module_or_object, "name")`` to add an in-process plugin for this test.
- ``ratatoskr_gateway_factory``: builds an ``EmbeddedGateway`` from those plugins and a config dict.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import pytest

from ratatoskr.config import Settings
from ratatoskr.plugins import PluginManager


@pytest.fixture
def ratatoskr_plugins() -> PluginManager:
    return PluginManager(env={})


@pytest.fixture
def ratatoskr_gateway_factory(ratatoskr_plugins: PluginManager) -> Callable[..., Any]:
    from ratatoskr.gateway import EmbeddedGateway

    def build(config: Mapping[str, Any] | None = None, *, secrets: Mapping[str, Any] | None = None) -> Any:
        settings = Settings.from_dict(config or {}, secrets=secrets)
        return EmbeddedGateway.builder().settings(settings).plugins(ratatoskr_plugins).build()

    return build
