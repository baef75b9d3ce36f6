"""Plugin registration for the Anthropic provider (hookimpls only; cheap to import).

Enabled by a ``[providers.anthropic]`` table or by ``ANTHROPIC_API_KEY`` in the environment; turned off with
``enabled = false``. One provider object serves chat, generate and token counting, so the three chains share
its HTTP client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ratatoskr.errors import ConfigurationError
from ratatoskr.plugins import hookimpl
from ratatoskr.providers import PRIORITY_REMOTE

if TYPE_CHECKING:
    from ratatoskr.config import Settings

    from ratatoskr_providers_anthropic.provider import AnthropicProvider

NAME = "anthropic"


def build(settings: Settings) -> list[AnthropicProvider]:
    """The Anthropic provider for these settings (none when disabled or unconfigured)."""
    table = settings.provider(NAME, default_enabled=True)
    if table is None:
        return []
    key = table.secret("api_key", env="ANTHROPIC_API_KEY")
    if not key:
        if NAME in settings.section("providers"):
            raise ConfigurationError(
                f"[providers.{NAME}] is enabled but has no api_key: set it in the secrets file "
                f'([{NAME}] api_key = "...") or in ANTHROPIC_API_KEY'
            )
        return []  # no table and no key: not configured
    from ratatoskr_providers_anthropic._wire import DEFAULT_BASE_URL, DEFAULT_MAX_TOKENS
    from ratatoskr_providers_anthropic.provider import DEFAULT_TIMEOUT, AnthropicProvider

    models = table.get("models")
    if models is not None and (not isinstance(models, list) or not all(isinstance(m, str) for m in models)):
        raise ConfigurationError(f"providers.{NAME}.models must be a list of model names, got {models!r}")
    betas = table.get("betas", [])
    if not isinstance(betas, list) or not all(isinstance(b, str) and b for b in betas):
        raise ConfigurationError(f"providers.{NAME}.betas must be a list of beta feature names, got {betas!r}")
    base_url = table.get("base_url", DEFAULT_BASE_URL, env="ANTHROPIC_BASE_URL")
    if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
        raise ConfigurationError(f"providers.{NAME}.base_url must be an http(s) URL, got {base_url!r}")
    return [
        AnthropicProvider(
            key,
            base_url=base_url,
            default_max_tokens=table.positive_number("default_max_tokens", DEFAULT_MAX_TOKENS, integer=True),
            timeout=table.positive_number("timeout", DEFAULT_TIMEOUT),
            priority=table.priority if table.priority is not None else PRIORITY_REMOTE,
            models=models,
            betas=betas,
        )
    ]


def _shared(settings: Settings) -> list[AnthropicProvider]:
    """One provider per settings object, whichever hook asks first."""
    return settings.shared(NAME, lambda: build(settings))


@hookimpl
def ratatoskr_chat_providers(settings: Settings) -> list[AnthropicProvider]:
    return _shared(settings)


@hookimpl
def ratatoskr_generate_providers(settings: Settings) -> list[AnthropicProvider]:
    return _shared(settings)


@hookimpl
def ratatoskr_tokenize_providers(settings: Settings) -> list[AnthropicProvider]:
    return _shared(settings)
