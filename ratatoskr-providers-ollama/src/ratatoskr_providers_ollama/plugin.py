"""Plugin registration for the Ollama provider (hookimpls only; cheap to import).

Enabled by a ``[providers.ollama]`` table, or by ``OLLAMA_BASE_URL`` / ``OLLAMA_HOST`` in the environment;
turned off with ``enabled = false``. The three capability hooks return one factory, so the core builds one provider
(one HTTP client) per gateway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ratatoskr.plugins import provider_plugin
from ratatoskr.provider_factory import ProviderFactory

from ratatoskr_providers_ollama._config import NAME, OllamaConfig, host_to_url

if TYPE_CHECKING:
    from ratatoskr_providers_ollama.provider import OllamaProvider

__all__ = ["host_to_url", "ollama"]


def _build(config: OllamaConfig) -> OllamaProvider:
    from ratatoskr_providers_ollama.provider import OllamaProvider

    return OllamaProvider(
        base_url=config.base_url,
        keep_alive=config.keep_alive,
        embed_batch_size=config.embed_batch_size,
        **config.provider_options(),
    )


ollama = ProviderFactory(NAME, OllamaConfig, _build, env_enables=("base_url",))
plugin = provider_plugin(ollama, "chat", "generate", "embed")
