"""Plugin registration for the Anthropic provider (hookimpls only; cheap to import).

Enabled by a ``[providers.anthropic]`` table or by ``ANTHROPIC_API_KEY`` in the environment; turned off with
``enabled = false``. A table without a key makes the provider *not usable* (reported; the others keep working). The
three capability hooks return one factory, so one provider object (one HTTP client) serves chat, generate and
token counting.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ratatoskr.plugins import provider_plugin
from ratatoskr.provider_factory import ProviderFactory

from ratatoskr_providers_anthropic._config import NAME, AnthropicConfig

if TYPE_CHECKING:
    from ratatoskr_providers_anthropic.provider import AnthropicProvider


def _build(config: AnthropicConfig) -> AnthropicProvider:
    from ratatoskr_providers_anthropic.provider import AnthropicProvider

    assert config.api_key is not None  # required: the core checked it
    return AnthropicProvider(
        config.api_key,
        base_url=config.base_url,
        default_max_tokens=config.default_max_tokens,
        betas=config.betas,
        **config.provider_options(),
    )


anthropic = ProviderFactory(NAME, AnthropicConfig, _build, env_enables=("api_key",))
plugin = provider_plugin(anthropic, "chat", "generate", "tokenize")
