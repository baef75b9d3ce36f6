"""Plugin registration for the local provider (hookimpls only; cheap to import: no onnxruntime here).

The provider is ON by default (it needs no account or network); ``[providers.local] enabled = false`` turns it
off. One :class:`~ratatoskr_providers_local.provider.LocalProvider` serves every capability of one settings
object, so all capabilities share its model manager and RAM budget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ratatoskr.plugins import hookimpl

if TYPE_CHECKING:
    from ratatoskr.config import Settings

    from ratatoskr_providers_local.provider import LocalProvider

NAME = "local"


def _build(settings: Settings) -> LocalProvider | None:
    table = settings.provider(NAME, default_enabled=True)
    if table is None:
        return None
    from ratatoskr_providers_local._config import LocalConfig
    from ratatoskr_providers_local.provider import LocalProvider

    return LocalProvider(LocalConfig.from_settings(table))


def _provider(settings: Settings) -> list[LocalProvider]:
    # One provider per settings object serves every capability, so they share one model manager and RAM budget.
    built = settings.shared(NAME, lambda: _build(settings))
    return [built] if built is not None else []


@hookimpl
def ratatoskr_configure(settings: Settings) -> None:
    table = settings.provider(NAME, default_enabled=True)
    if table is not None:
        from ratatoskr_providers_local._config import LocalConfig

        LocalConfig.from_settings(table)  # raises ConfigurationError naming the bad key


@hookimpl
def ratatoskr_embed_providers(settings: Settings) -> list[LocalProvider]:
    return _provider(settings)


@hookimpl
def ratatoskr_nli_providers(settings: Settings) -> list[LocalProvider]:
    return _provider(settings)


@hookimpl
def ratatoskr_classify_providers(settings: Settings) -> list[LocalProvider]:
    return _provider(settings)


@hookimpl
def ratatoskr_stance_providers(settings: Settings) -> list[LocalProvider]:
    return _provider(settings)


@hookimpl
def ratatoskr_tokenize_providers(settings: Settings) -> list[LocalProvider]:
    return _provider(settings)


@hookimpl
def ratatoskr_register_commands(app: Any) -> None:
    from ratatoskr_providers_local.cli import local_app

    app.command(local_app())
