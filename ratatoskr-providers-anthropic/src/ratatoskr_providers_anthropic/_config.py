"""``[providers.anthropic]``, declared once; the core reads it (ratatoskr.provider_factory)."""

from __future__ import annotations

from attrs import frozen
from ratatoskr.config_schema import at_least, http_url, no_blanks, positive, setting
from ratatoskr.wire.settings import HttpProviderConfig

__all__ = ["NAME", "AnthropicConfig"]

NAME = "anthropic"


@frozen(kw_only=True)
class AnthropicConfig(HttpProviderConfig):
    """The Anthropic Messages API: key, endpoint and request defaults."""

    api_key: str | None = setting(None, doc="The API key.", secret=True, env=True, required=True)
    base_url: str = setting("https://api.anthropic.com", doc="The API's URL.", env=True, validator=http_url)
    default_max_tokens: int = setting(
        4096, doc="`max_tokens` sent when a request sets none (the API requires one).", validator=at_least(1)
    )
    timeout: float = setting(600.0, doc="Seconds for a whole request.", validator=positive)
    betas: tuple[str, ...] = setting((), doc="Beta features sent in the `anthropic-beta` header.", validator=no_blanks)
