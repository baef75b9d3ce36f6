"""Registers the OpenRouter provider (hookimpls only; the provider module is imported when one is built).

Enabled by a ``[providers.openrouter]`` table or by ``OPENROUTER_API_KEY`` in the environment. The three capability
hooks return one factory, so the core builds one provider (one HTTP client) per gateway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ratatoskr.plugins import provider_plugin
from ratatoskr.provider_factory import ProviderFactory

from ratatoskr_providers_openrouter._config import NAME, OpenRouterConfig

if TYPE_CHECKING:
    from ratatoskr_providers_openrouter.provider import OpenRouterProvider


def _build(config: OpenRouterConfig) -> OpenRouterProvider:
    from ratatoskr_providers_openrouter.provider import OpenRouterProvider

    return OpenRouterProvider(
        api_key=config.api_key,
        base_url=config.base_url,
        priority=config.priority,
        models=sorted(config.models) if config.models is not None else None,
        app_url=config.app_url,
        app_title=config.app_title,
        headers=dict(config.headers),
        models_ttl=config.models_ttl,
        timeout=config.timeout,
        limits=config.limits(),
    )


openrouter = ProviderFactory(NAME, OpenRouterConfig, _build, env_enables=("api_key",))
plugin = provider_plugin(openrouter, "chat", "generate", "metadata")
