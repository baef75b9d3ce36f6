"""Build a plugin's providers in a test, the way a gateway does (each factory once, every capability hook called)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ratatoskr.config import Settings
from ratatoskr.plugins import BuiltProviders, PluginManager

__all__ = ["build_plugin"]


def build_plugin(
    plugin: object,
    config: Mapping[str, Any] | None = None,
    *,
    secrets: Mapping[str, Any] | None = None,
    env: Mapping[str, str] | None = None,
    name: str = "plugin",
) -> BuiltProviders:
    """Register ``plugin`` alone and build it from a config dict (the file's tables), a secrets dict and an
    environment (empty by default, so the machine's variables never leak into a test).

    :return: the chains per capability and the providers that were not usable (see :class:`BuiltProviders`).
    """
    plugins = PluginManager(env={})
    plugins.register(plugin, name)
    return plugins.build(Settings.from_dict(config or {}, secrets=secrets, env=env or {}))
