"""The plugin manager: pluggy, entry-point group ``ratatoskr``, a typed method per hook.

Environment switches (like pytest's):

- ``RATATOSKR_DISABLE_PLUGIN_AUTOLOAD=1``: load no entry points; ``RATATOSKR_PLUGINS=a,b`` then loads just those.
- ``RATATOSKR_BLOCK_PLUGINS=a,b``: never load these entry points (by entry-point name).
- ``RATATOSKR_TRACE_HOOKS=1``: print every hook call and result to stderr.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterable, Mapping
from importlib import metadata
from typing import Any

import attrs
import pluggy

from ratatoskr import hookspecs
from ratatoskr.errors import ConfigurationError
from ratatoskr.providers import Capability, Provider

__all__ = ["ENTRY_POINT_GROUP", "PluginInfo", "PluginManager", "hookimpl"]

ENTRY_POINT_GROUP = "ratatoskr"
#: Mark a function as an implementation of a Ratatoskr hook.
hookimpl = pluggy.HookimplMarker(hookspecs.PROJECT)

_CAPABILITY_HOOKS: dict[Capability, str] = {cap: f"ratatoskr_{cap.value}_providers" for cap in Capability}


@attrs.frozen
class PluginInfo:
    name: str
    distribution: str | None
    version: str | None
    capabilities: tuple[str, ...]
    module: str


def _csv(value: str | None) -> set[str]:
    return {part.strip() for part in (value or "").split(",") if part.strip()}


class PluginManager:
    """Wraps ``pluggy.PluginManager`` with a typed method per hook."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self._env = os.environ if env is None else env
        self._pm = pluggy.PluginManager(hookspecs.PROJECT)
        self._pm.add_hookspecs(hookspecs)
        self._dists: dict[str, tuple[str | None, str | None]] = {}
        if self._env.get("RATATOSKR_TRACE_HOOKS"):
            self._pm.trace.root.setwriter(sys.stderr.write)
            self._pm.enable_tracing()

    @property
    def pluggy(self) -> pluggy.PluginManager:
        return self._pm

    @property
    def blocked(self) -> set[str]:
        return _csv(self._env.get("RATATOSKR_BLOCK_PLUGINS"))

    def load_entrypoints(self) -> None:
        """Load plugins from entry points, honouring the environment switches."""
        autoload = not self._env.get("RATATOSKR_DISABLE_PLUGIN_AUTOLOAD")
        wanted = _csv(self._env.get("RATATOSKR_PLUGINS"))
        blocked = self.blocked
        for ep in metadata.entry_points(group=ENTRY_POINT_GROUP):
            if ep.name in blocked or self._pm.has_plugin(ep.name):
                continue
            if not autoload and ep.name not in wanted:
                continue
            try:
                plugin = ep.load()
            except Exception as exc:  # a broken third-party plugin must name itself, not crash obscurely
                raise ConfigurationError(f"plugin {ep.name!r} ({ep.value}) failed to load: {exc!r}") from exc
            dist = ep.dist
            self.register(
                plugin, ep.name, distribution=dist.name if dist else None, version=dist.version if dist else None
            )

    def register(
        self, plugin: object, name: str, *, distribution: str | None = None, version: str | None = None
    ) -> None:
        if name in self.blocked:
            return
        self._pm.register(plugin, name=name)
        self._dists[name] = (distribution, version)

    def unregister(self, name: str) -> None:
        self._pm.unregister(name=name)
        self._dists.pop(name, None)

    def plugins(self) -> list[PluginInfo]:
        out = []
        for name, plugin in self._pm.list_name_plugin():
            hooks = {caller.name for caller in self._pm.get_hookcallers(plugin) or ()}
            caps = tuple(cap.value for cap, hook in _CAPABILITY_HOOKS.items() if hook in hooks)
            dist, version = self._dists.get(name, (None, None))
            module = getattr(plugin, "__name__", type(plugin).__module__)
            out.append(PluginInfo(name, dist, version, caps, module))
        return sorted(out, key=lambda p: p.name)

    # ---- typed hook calls ----------------------------------------------------------------------------------

    def configure(self, settings: Any) -> None:
        self._pm.hook.ratatoskr_configure(settings=settings)

    def providers(self, capability: Capability, settings: Any) -> list[Provider]:
        """Every provider that plugins register for ``capability``, checked against the protocol."""
        hook = getattr(self._pm.hook, _CAPABILITY_HOOKS[capability])
        found: list[Provider] = []
        for result in hook(settings=settings):
            found.extend(self._check(capability, result))
        return found

    @staticmethod
    def _check(capability: Capability, result: Iterable[Provider] | None) -> Iterable[Provider]:
        from ratatoskr.registry.chain import protocol_for

        if result is None:
            return ()
        proto = protocol_for(capability)
        items = list(result)
        for item in items:
            if not isinstance(item, proto):
                raise ConfigurationError(
                    f"a plugin registered {item!r} as a {capability.value} provider, "
                    f"but it does not implement {proto.__name__}"
                )
        return items

    def remote_gateway(self, address: str, settings: Any) -> Any:
        """The gateway a plugin connects to at ``address`` (the daemon's client), or ``None``."""
        return self._pm.hook.ratatoskr_remote_gateway(address=address, settings=settings)

    def register_commands(self, app: Any) -> None:
        """Let each plugin add CLI commands; a failing plugin is named in the error."""
        for impl in self._pm.hook.ratatoskr_register_commands.get_hookimpls():
            try:
                impl.function(**{name: app for name in impl.argnames if name == "app"})
            except Exception as exc:  # a broken third-party plugin must name itself
                raise ConfigurationError(f"plugin {impl.plugin_name!r} failed to add its commands: {exc!r}") from exc
