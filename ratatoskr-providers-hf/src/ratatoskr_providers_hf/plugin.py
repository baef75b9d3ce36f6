"""Plugin registration for the HuggingFace provider (hookimpls only; cheap to import: no httpx here).

Enabled by a ``[providers.huggingface]`` table, or by ``HF_TOKEN``/``HF_API_KEY`` in the environment when
there is no table; ``enabled = false`` in the table turns it off either way. The four capability hooks return one
factory, so the core builds one provider (one HTTP client) per gateway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ratatoskr.plugins import provider_plugin
from ratatoskr.provider_factory import ProviderFactory

from ratatoskr_providers_hf._config import NAME, HFConfig

if TYPE_CHECKING:
    from ratatoskr_providers_hf.provider import HuggingFaceProvider


def _build(config: HFConfig) -> HuggingFaceProvider:
    from ratatoskr_providers_hf.provider import HuggingFaceProvider

    return HuggingFaceProvider(config, priority=config.priority)


huggingface = ProviderFactory(NAME, HFConfig, _build, env_enables=("api_key",))
plugin = provider_plugin(huggingface, "embed", "nli", "classify", "stance")
