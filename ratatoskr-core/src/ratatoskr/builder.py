"""``GatewayBuilder``: an ``EmbeddedGateway`` from settings, plugins, and providers given in code.

::

    gateway = (
        EmbeddedGateway.builder()
        .provider(MyChatProvider())          # capabilities found from the protocols it implements
        .routing({"chat": "anthropic"})
        .retry(RetryPolicy(max_attempts=5))
        .build()
    )

Config sections it reads: ``[gateway] validation = "warn"|"error"|"ignore"`` and ``discovery_ttl`` (seconds a
refused option is remembered; 0 turns parameter discovery off), ``[retry]``, ``[routing]``,
``[cache]`` (its presence turns the response cache on), ``[defaults]`` (default model per capability),
``[registry]`` (the downloaded and local registry files merged over the seed, the optional background refresh:
see :mod:`ratatoskr.metadata.settings`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ratatoskr.config import Settings
from ratatoskr.config_schema import did_you_mean, read_table
from ratatoskr.dispatch.cache import CacheConfig, ResponseCache
from ratatoskr.dispatch.discovery import ParameterDiscovery
from ratatoskr.dispatch.dispatcher import Dispatcher
from ratatoskr.dispatch.retry import RetryPolicy
from ratatoskr.dispatch.routing import RoutingConfig
from ratatoskr.errors import ConfigurationError, InvalidSetting, RatatoskrError
from ratatoskr.gateway import EmbeddedGateway
from ratatoskr.metadata.registry import ModelRegistry
from ratatoskr.plugins import PluginManager
from ratatoskr.providers import CHAIN_CAPABILITIES, Capability, Provider, protocol_for
from ratatoskr.sections import DefaultsSection, GatewaySection, RoutingSection, check_sections
from ratatoskr.types import ParameterValidationPolicy

__all__ = ["GatewayBuilder"]

_UNSET: Any = object()


class GatewayBuilder:
    """Assembles an ``EmbeddedGateway`` from settings, plugins and providers given in code."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._plugins: PluginManager | Any | None = _UNSET
        self._providers: list[tuple[Provider, tuple[Capability, ...]]] = []
        self._routing: RoutingConfig | None = None
        self._retry: RetryPolicy | None = None
        self._validation: ParameterValidationPolicy | None = None
        self._cache: CacheConfig | Any | None = _UNSET
        self._model_registry: ModelRegistry | None = None

    def settings(self, settings: Settings | None) -> GatewayBuilder:
        self._settings = settings
        return self

    def plugins(self, plugins: PluginManager | bool | None) -> GatewayBuilder:
        """Which plugins contribute providers: a manager, ``True`` (entry points), ``False`` (none).

        ``None`` keeps the default: entry points when building from settings, none when only in-code
        providers were given.
        """
        self._plugins = _UNSET if plugins is None or plugins is True else plugins
        if plugins is False:
            self._plugins = None
        return self

    def provider(self, provider: Provider, *capabilities: Capability | str) -> GatewayBuilder:
        caps = tuple(Capability(c) for c in capabilities) or tuple(
            cap for cap in CHAIN_CAPABILITIES if isinstance(provider, protocol_for(cap))
        )
        if not caps:
            raise ConfigurationError(f"{provider!r} implements no provider protocol")
        for cap in caps:
            if not isinstance(provider, protocol_for(cap)):
                raise ConfigurationError(f"{provider!r} does not implement {protocol_for(cap).__name__}")
        self._providers.append((provider, caps))
        return self

    def routing(self, routing: RoutingConfig | Mapping[str, Any]) -> GatewayBuilder:
        self._routing = routing if isinstance(routing, RoutingConfig) else RoutingConfig.from_config(routing)
        return self

    def retry(self, retry: RetryPolicy) -> GatewayBuilder:
        self._retry = retry
        return self

    def validation(self, policy: ParameterValidationPolicy | str) -> GatewayBuilder:
        self._validation = ParameterValidationPolicy(policy)
        return self

    def cache(self, config: CacheConfig | None) -> GatewayBuilder:
        self._cache = config
        return self

    def model_registry(self, registry: ModelRegistry) -> GatewayBuilder:
        self._model_registry = registry
        return self

    def build(self) -> EmbeddedGateway:
        settings = self._settings
        plugins = self._plugins
        if plugins is _UNSET:
            if settings is None and self._providers:
                plugins = None  # a gateway assembled in code does not pick up installed plugins by surprise
            else:
                plugins = PluginManager()
                plugins.load_entrypoints()
        if settings is None:
            settings = Settings.load() if plugins is not None else Settings.from_dict({})

        chains: dict[Capability, list[Provider]] = {cap: [] for cap in CHAIN_CAPABILITIES}
        unusable: dict[str, RatatoskrError] = {}
        if plugins is not None:
            installed = plugins.installed()
            check_sections(settings, plugins.config_sections(), installed)
            plugins.configure(settings)
            built = plugins.build(settings)
            _check_provider_tables(settings, built.known_tables | installed)
            unusable.update(built.unusable)
            for cap, found in built.chains.items():
                chains[cap].extend(found)
        else:
            check_sections(settings, None)
        for provider, caps in self._providers:
            for cap in caps:
                chains[cap].append(provider)
        _check_unique_names(chains)

        gateway = read_table(GatewaySection, settings.section("gateway"), where="gateway")
        # Installed provider plugins, enabled or not: "not enabled" and "unknown provider" messages name them.
        known = {
            info.name: frozenset(Capability(c) for c in info.capabilities)
            for info in (plugins.plugins() if plugins is not None else ())
            if info.capabilities
        }
        dispatcher = Dispatcher(
            chains,
            known=known,
            routing=self._routing or RoutingConfig.from_config(_routing(settings)),
            retry=self._retry or RetryPolicy.from_config(dict(settings.section("retry"))),
            validation=self._validation or gateway.validation,
            discovery=ParameterDiscovery(ttl=gateway.discovery_ttl) if gateway.discovery_ttl else None,
            unusable=unusable,
        )
        cache_config = self._cache
        if cache_config is _UNSET:
            table = settings.data.get("cache")
            cache_config = CacheConfig.from_config(dict(table)) if table is not None else None

        model_registry = self._model_registry
        if model_registry is None:
            from ratatoskr.metadata.layers import configured_registry

            model_registry = configured_registry(settings)  # seed, download, local file; never waits on the network

        defaults = read_table(DefaultsSection, settings.section("defaults"), where="defaults").models()
        return EmbeddedGateway(
            dispatcher,
            model_registry=model_registry,
            cache=ResponseCache(cache_config) if cache_config is not None else None,
            defaults=dict(defaults),
            plugins=plugins,
        )


def _routing(settings: Settings) -> dict[str, Any]:
    return read_table(RoutingSection, settings.section("routing"), where="routing").routing()


def _check_provider_tables(settings: Settings, known: frozenset[str]) -> None:
    for name in settings.section("providers"):
        if name not in known:
            raise InvalidSetting(
                f"[providers.{name}] names no installed provider{did_you_mean(name, known)}; "
                f"installed: {', '.join(sorted(known)) or 'none'}",
                table="providers",
                key=name,
                unknown=True,
            )


def _check_unique_names(chains: Mapping[Capability, list[Provider]]) -> None:
    for cap, chain in chains.items():
        seen: dict[str, Provider] = {}
        for provider in chain:
            other = seen.setdefault(provider.name, provider)
            if other is not provider:
                raise ConfigurationError(
                    f"two {cap.value} providers are named {provider.name!r}; provider names must be unique"
                )
