"""Plugin registration for the Google Gemini provider (hookimpls only; cheap to import).

Enabled by a ``[providers.google]`` table or by ``GOOGLE_API_KEY`` / ``GEMINI_API_KEY`` in the environment; turned
off with ``enabled = false``. A table without a key makes the provider *not usable* (reported; the others keep
working). Every capability hook returns one factory, so one provider object (one HTTP client) serves them all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ratatoskr.plugins import provider_plugin
from ratatoskr.provider_factory import ProviderFactory

from ratatoskr_providers_google._config import NAME, GoogleConfig

if TYPE_CHECKING:
    from ratatoskr_providers_google.provider import GoogleProvider


def _build(config: GoogleConfig) -> GoogleProvider:
    from ratatoskr_providers_google.provider import GoogleProvider

    assert config.api_key is not None  # required: the core checked it
    return GoogleProvider(
        config.api_key,
        base_url=config.base_url,
        embed_task_type=config.embed_task_type,
        embed_dimensions=config.embed_dimensions,
        embed_batch_size=config.embed_batch_size,
        **config.provider_options(),
    )


google = ProviderFactory(NAME, GoogleConfig, _build, env_enables=("api_key",))
plugin = provider_plugin(google, "chat", "generate", "embed", "tokenize", "metadata")
