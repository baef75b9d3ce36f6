"""Plugin registration for the local provider (hookimpls only; cheap to import: no onnxruntime here).

The provider is ON by default (it needs no account or network); ``[providers.local] enabled = false`` turns it
off. Every capability hook returns the same factory, so the core builds one
:class:`~ratatoskr_providers_local.provider.LocalProvider` per gateway and all capabilities share its model manager
and RAM budget.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ratatoskr.plugins import provider_plugin
from ratatoskr.provider_factory import ProviderFactory

from ratatoskr_providers_local._config import LocalConfig

if TYPE_CHECKING:
    from ratatoskr_providers_local.provider import LocalProvider

NAME = "local"


def _build(config: LocalConfig) -> LocalProvider:
    from ratatoskr_providers_local.provider import LocalProvider

    return LocalProvider(config)


local = ProviderFactory(NAME, LocalConfig, _build, default_on=True)


def _register_commands(app: Any) -> None:
    from ratatoskr_providers_local.cli import local_app

    app.command(local_app())


plugin = provider_plugin(
    local, "embed", "nli", "classify", "stance", "tokenize", ratatoskr_register_commands=_register_commands
)
