"""``[providers.openrouter]``, declared once; the core reads it (ratatoskr.provider_factory)."""

from __future__ import annotations

from collections.abc import Mapping

from attrs import frozen
from ratatoskr.config_schema import http_url, positive, setting
from ratatoskr.wire.settings import HttpProviderConfig

__all__ = ["NAME", "OpenRouterConfig"]

NAME = "openrouter"


@frozen(kw_only=True)
class OpenRouterConfig(HttpProviderConfig):
    """OpenRouter: key (optional: free models work without one), endpoint and attribution."""

    api_key: str | None = setting(
        None, doc="The API key (without one, only free models answer).", secret=True, env=True
    )
    base_url: str = setting("https://openrouter.ai/api/v1", doc="The API's URL.", env=True, validator=http_url)
    app_url: str | None = setting(None, doc="Sent as `HTTP-Referer` (OpenRouter's app attribution).")
    app_title: str | None = setting("Ratatoskr", doc="Sent as `X-Title` (OpenRouter's app attribution).")
    headers: Mapping[str, str] = setting(doc="Extra HTTP headers sent with every request.", factory=dict)
    models_ttl: float = setting(3600.0, doc="Seconds the model list is cached.", validator=positive)
