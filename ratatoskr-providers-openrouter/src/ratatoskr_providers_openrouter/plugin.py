"""Registers the OpenRouter provider (hookimpls only; the provider module is imported when one is built).

Enabled by a ``[providers.openrouter]`` table or by ``OPENROUTER_API_KEY`` in the environment.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ratatoskr.errors import ConfigurationError
from ratatoskr.plugins import hookimpl

if TYPE_CHECKING:
    from ratatoskr.config import Settings

    from ratatoskr_providers_openrouter.provider import OpenRouterProvider

NAME = "openrouter"


def build(settings: Settings) -> list[OpenRouterProvider]:
    table = settings.provider(NAME, default_enabled=bool(settings.env.get("OPENROUTER_API_KEY")))
    if table is None:
        return []
    from ratatoskr.providers import PRIORITY_REMOTE
    from ratatoskr.wire.openai_client import default_timeout

    from ratatoskr_providers_openrouter.provider import DEFAULT_BASE_URL, OpenRouterProvider

    models = table.get("models")
    if models is not None and not (isinstance(models, list) and all(isinstance(m, str) for m in models)):
        raise ConfigurationError("providers.openrouter.models must be a list of model ids")
    headers = table.get("headers", {})
    if not isinstance(headers, dict):
        raise ConfigurationError("providers.openrouter.headers must be a table of header names to values")
    try:
        timeout = float(table.get("timeout", 300.0))
        ttl = float(table.get("models_ttl", 3600.0))
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"providers.openrouter.timeout/models_ttl must be numbers: {exc}") from exc
    return [
        OpenRouterProvider(
            api_key=table.secret("api_key", env="OPENROUTER_API_KEY"),
            base_url=str(table.get("base_url", DEFAULT_BASE_URL, env="OPENROUTER_BASE_URL")),
            priority=table.priority if table.priority is not None else PRIORITY_REMOTE,
            models=models,
            app_url=table.get("app_url"),
            app_title=table.get("app_title", "Ratatoskr"),
            headers={str(k): str(v) for k, v in headers.items()},
            models_ttl=ttl,
            timeout=default_timeout(timeout),
        )
    ]


def _shared(settings: Settings) -> list[OpenRouterProvider]:
    # One provider object (one HTTP client) for every capability hook.
    return settings.shared("ratatoskr_providers_openrouter", lambda: build(settings))


@hookimpl
def ratatoskr_chat_providers(settings: Settings) -> list[OpenRouterProvider]:
    return _shared(settings)


@hookimpl
def ratatoskr_generate_providers(settings: Settings) -> list[OpenRouterProvider]:
    return _shared(settings)


@hookimpl
def ratatoskr_metadata_providers(settings: Settings) -> list[OpenRouterProvider]:
    return _shared(settings)
