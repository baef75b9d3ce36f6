"""Plugin registration for the HuggingFace provider (hookimpls only; cheap to import: no httpx here).

Enabled by a ``[providers.huggingface]`` table, or by ``HF_TOKEN``/``HF_API_KEY`` in the environment when
there is no table; ``enabled = false`` in the table turns it off either way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ratatoskr.plugins import hookimpl
from ratatoskr.providers import PRIORITY_REMOTE

from ratatoskr_providers_hf._config import KEY_ENV_VARS, NAME, HFConfig

if TYPE_CHECKING:
    from ratatoskr.config import ProviderSettings, Settings

    from ratatoskr_providers_hf.provider import HuggingFaceProvider


def _table(settings: Settings) -> ProviderSettings | None:
    if NAME in settings.section("providers"):
        return settings.provider(NAME)
    if any(settings.env.get(var) for var in KEY_ENV_VARS):
        return settings.provider(NAME, default_enabled=True)
    return None


def _build(settings: Settings) -> HuggingFaceProvider | None:
    table = _table(settings)
    if table is None:
        return None
    from ratatoskr_providers_hf.provider import HuggingFaceProvider

    priority = table.priority if table.priority is not None else PRIORITY_REMOTE
    return HuggingFaceProvider(HFConfig.from_settings(table), priority=priority)


def _providers(settings: Settings) -> list[HuggingFaceProvider]:
    # The four capability hooks share one provider (one HTTP client) per settings object.
    provider = settings.shared(NAME, lambda: _build(settings))
    return [provider] if provider is not None else []


@hookimpl
def ratatoskr_configure(settings: Settings) -> None:
    table = _table(settings)
    if table is not None:
        HFConfig.from_settings(table)  # raises ConfigurationError naming the bad key


@hookimpl
def ratatoskr_embed_providers(settings: Settings) -> list[HuggingFaceProvider]:
    return _providers(settings)


@hookimpl
def ratatoskr_nli_providers(settings: Settings) -> list[HuggingFaceProvider]:
    return _providers(settings)


@hookimpl
def ratatoskr_classify_providers(settings: Settings) -> list[HuggingFaceProvider]:
    return _providers(settings)


@hookimpl
def ratatoskr_stance_providers(settings: Settings) -> list[HuggingFaceProvider]:
    return _providers(settings)
