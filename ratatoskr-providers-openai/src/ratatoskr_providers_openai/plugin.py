"""Registers OpenAI-compatible providers (hookimpls only; the provider module is imported when one is built).

Enabled by a ``[providers.openai]`` table or by ``OPENAI_API_KEY`` in the environment. Extra endpoints go in
``[providers.openai.instances.NAME]`` tables: each becomes a provider named ``NAME`` with the main table's
settings as defaults (see docs/providers/openai.md). The three capability hooks return one factory, so each endpoint
is one provider object (one HTTP client) serving chat, generate and embeddings.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ratatoskr.plugins import provider_plugin
from ratatoskr.provider_factory import ProviderFactory

from ratatoskr_providers_openai._config import NAME, OpenAIConfig, OpenAIEndpoint

if TYPE_CHECKING:
    from ratatoskr_providers_openai.provider import OpenAIProvider


def _provider(endpoint: OpenAIEndpoint) -> OpenAIProvider:
    from ratatoskr_providers_openai.provider import OpenAIProvider

    return OpenAIProvider(
        base_url=endpoint.base_url,
        api_key=endpoint.api_key,
        name=endpoint.name or NAME,
        priority=endpoint.priority,
        models=sorted(endpoint.models) if endpoint.models is not None else None,
        headers=dict(endpoint.headers),
        timeout=endpoint.timeout,
        limits=endpoint.limits(),
        supported_parameters=endpoint.supported_parameters,
        max_tokens_field=endpoint.max_tokens_field,
        generate_endpoint=endpoint.generate_endpoint,
        embed_batch_size=endpoint.embed_batch_size,
        embed_dimensions=endpoint.embed_dimensions,
        stream_usage=endpoint.stream_usage,
    )


def _build(config: OpenAIConfig) -> list[OpenAIProvider]:
    return [_provider(endpoint) for endpoint in config.endpoints()]


openai = ProviderFactory(NAME, OpenAIConfig, _build, env_enables=("api_key",))
plugin = provider_plugin(openai, "chat", "generate", "embed")
