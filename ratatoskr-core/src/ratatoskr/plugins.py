"""The plugin manager: pluggy, entry-point group ``ratatoskr``, a typed method per hook.

Environment switches (like pytest's):

- ``RATATOSKR_DISABLE_PLUGIN_AUTOLOAD=1``: load no entry points; ``RATATOSKR_PLUGINS=a,b`` then loads just those.
- ``RATATOSKR_BLOCK_PLUGINS=a,b``: never load these entry points (by entry-point name).
- ``RATATOSKR_TRACE_HOOKS=1``: print every hook call to stderr, one short line each: the hook, the plugins that
  answer it, and a summary of what came back (provider names, counts), never the settings, secrets or environment.

Provider hooks return provider objects or :class:`~ratatoskr.provider_factory.ProviderFactory` objects;
:meth:`PluginManager.build` builds each distinct factory once, so one provider object serves every capability whose
hook returned its factory. A factory that cannot build (a missing key, a value the environment got wrong) makes that
provider *not usable*: it is recorded in :attr:`BuiltProviders.unusable`, warned about once
(:class:`ProviderNotUsableWarning`), and every other provider keeps working. A mistake in the config file itself
(:class:`~ratatoskr.errors.InvalidSetting`) is refused outright.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Mapping, Sequence
from importlib import metadata
from typing import Any

import attrs
import pluggy

from ratatoskr import hookspecs
from ratatoskr.errors import ConfigurationError, InvalidSetting, RatatoskrError
from ratatoskr.provider_factory import ProviderFactory
from ratatoskr.providers import CHAIN_CAPABILITIES, Capability, Provider

__all__ = [
    "ENTRY_POINT_GROUP",
    "BuiltProviders",
    "PluginInfo",
    "PluginManager",
    "ProviderNotUsableWarning",
    "ProviderPlugin",
    "hookimpl",
    "provider_plugin",
]

ENTRY_POINT_GROUP = "ratatoskr"
#: Mark a function as an implementation of a Ratatoskr hook.
hookimpl = pluggy.HookimplMarker(hookspecs.PROJECT)

_CAPABILITY_HOOKS: dict[Capability, str] = {cap: f"ratatoskr_{cap.value}_providers" for cap in CHAIN_CAPABILITIES}


class ProviderPlugin:
    """A plugin object whose capability hooks each return one factory (made by :func:`provider_plugin`).

    pluggy takes any object with hookimpl-marked attributes as a plugin, so an entry point can name this object
    (``acme = "ratatoskr_acme.plugin:plugin"``) instead of a module of one-line hookimpls. There is still one hook
    per capability: the object simply has one attribute per capability it serves.
    """

    def __init__(self, factory: Any, capabilities: Sequence[Capability], hooks: Mapping[str, Any], module: str) -> None:
        self.factory = factory
        self.capabilities = tuple(capabilities)
        self.__name__ = module  # what ``ratatoskr plugins`` shows as the plugin's module
        for cap in self.capabilities:
            setattr(self, _CAPABILITY_HOOKS[cap], _returning(factory, _CAPABILITY_HOOKS[cap]))
        for name, function in hooks.items():
            if not name.startswith(f"{hookspecs.PROJECT}_") or name in _CAPABILITY_HOOKS.values():
                raise ConfigurationError(f"provider_plugin: {name!r} is not an extra ratatoskr hook")
            setattr(self, name, hookimpl(function))

    def __repr__(self) -> str:
        caps = ", ".join(cap.value for cap in self.capabilities)
        name = getattr(self.factory, "name", type(self.factory).__name__)
        return f"<ProviderPlugin {self.__name__}: {name} for {caps}>"


def _returning(factory: Any, name: str) -> Any:
    def hook() -> list[Any]:
        return [factory]

    hook.__name__ = hook.__qualname__ = name
    return hookimpl(hook)


def provider_plugin(factory: Any, *capabilities: Capability | str, **hooks: Any) -> ProviderPlugin:
    """The plugin of a provider distribution: ``plugin = provider_plugin(acme, "chat", "embed")``.

    Each named capability's hook returns ``[factory]``, so the core builds one provider object for all of them.
    ``factory`` may also be a ready provider object (as in tests: ``provider_plugin(FakeChatProvider(...), "chat")``).
    Other hooks go in as keywords with their hook name (``ratatoskr_register_commands=add_commands``); they are
    marked with :data:`hookimpl` here. Point the entry point at the result: ``acme = "ratatoskr_acme.plugin:plugin"``.
    """
    module = sys._getframe(1).f_globals.get("__name__", "__main__")  # as namedtuple names its caller's module
    caps = [Capability.parse(cap) for cap in capabilities]
    for cap in caps:
        if cap not in _CAPABILITY_HOOKS:
            names = ", ".join(c.value for c in CHAIN_CAPABILITIES)
            raise ConfigurationError(f"provider_plugin: {cap.value} has no provider hook (one of: {names})")
    return ProviderPlugin(factory, caps, hooks, module)


class ProviderNotUsableWarning(UserWarning):
    """A configured provider cannot be built (a missing key, ...); the others keep working."""


@attrs.frozen
class BuiltProviders:
    """What the plugins' provider hooks gave for one settings object."""

    #: Capability → its providers, in registration order (the dispatcher sorts them).
    chains: Mapping[Capability, list[Provider]]
    #: Provider name → why it cannot be built (a typed error); a call that needs it fails with that reason.
    unusable: Mapping[str, RatatoskrError]
    #: ``[providers.NAME]`` tables some plugin accounts for (factory names, plugin names, provider names).
    known_tables: frozenset[str]


@attrs.frozen
class PluginInfo:
    """One loaded plugin, as ``ratatoskr plugins`` lists it."""

    name: str
    distribution: str | None
    version: str | None
    capabilities: tuple[str, ...]
    module: str
    #: Why its provider cannot be built with the current settings (a missing key, ...); ``None`` when it can.
    not_usable: str | None = None


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
            self._pm.add_hookcall_monitoring(_trace_before, _trace_after)

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

    def installed(self) -> frozenset[str]:
        """Entry-point names of every installed plugin, loaded or not (blocked, autoload off)."""
        return frozenset(ep.name for ep in metadata.entry_points(group=ENTRY_POINT_GROUP))

    def config_sections(self) -> dict[str, Any]:
        """Top-level config sections plugins declare (``ratatoskr_config_sections``): name → config table class."""
        sections: dict[str, Any] = {}
        for result in self._pm.hook.ratatoskr_config_sections():
            sections.update(result or {})
        return sections

    def build(self, settings: Any) -> BuiltProviders:
        """Call every provider hook; build each distinct factory once; check each provider against its protocol.

        :raises InvalidSetting: a mistake in a provider's table (it is refused even when that provider is not used).
        :raises ConfigurationError: a hook returned something that is not a provider of its capability.
        """
        from ratatoskr.providers import protocol_for

        built: dict[int, list[Provider]] = {}
        unusable: dict[str, RatatoskrError] = {}
        known = {name for name, _ in self._pm.list_name_plugin()}
        chains: dict[Capability, list[Provider]] = {cap: [] for cap in CHAIN_CAPABILITIES}
        for cap, hook_name in _CAPABILITY_HOOKS.items():
            proto = protocol_for(cap)
            for result in getattr(self._pm.hook, hook_name)(settings=settings):
                for item in result or ():
                    if isinstance(item, ProviderFactory):
                        known.add(item.name)
                        if id(item) not in built:
                            built[id(item)] = _build_one(item, settings, unusable)
                        items = built[id(item)]
                    else:
                        items = [item]
                    for provider in items:
                        if not isinstance(provider, proto):
                            raise ConfigurationError(
                                f"a plugin registered {provider!r} as a {cap.value} provider, "
                                f"but it does not implement {proto.__name__}"
                            )
                        known.add(provider.name)
                        chains[cap].append(provider)
        return BuiltProviders(chains, unusable, frozenset(known))

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


def _build_one(factory: ProviderFactory[Any], settings: Any, unusable: dict[str, RatatoskrError]) -> list[Provider]:
    try:
        return factory.providers(settings)
    except InvalidSetting:
        raise
    except ConfigurationError as exc:
        exc.provider = exc.provider or factory.name
        unusable[factory.name] = exc
        warnings.warn(ProviderNotUsableWarning(f"provider {factory.name} is not usable: {exc}"), stacklevel=4)
        return []


def _summary(value: Any) -> str:
    """A short, secret-free description of a hook result."""
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_summary(v) for v in value) + "]"
    if value is None:
        return "None"
    name = getattr(value, "name", None)
    return f"{type(value).__name__}({name!r})" if isinstance(name, str) else type(value).__name__


def _trace_before(hook_name: str, impls: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
    plugins = ", ".join(impl.plugin_name for impl in impls) or "no plugin"
    sys.stderr.write(f"ratatoskr: hook {hook_name}({', '.join(kwargs)}) -> {plugins}\n")


def _trace_after(outcome: Any, hook_name: str, impls: Sequence[Any], kwargs: Mapping[str, Any]) -> None:
    exc = outcome.exception
    result = f"raised {type(exc).__name__}" if exc is not None else _summary(outcome.get_result())
    sys.stderr.write(f"ratatoskr: hook {hook_name} returned {result}\n")
