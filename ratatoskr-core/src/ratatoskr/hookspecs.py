"""Every hook a Ratatoskr plugin can implement.

A plugin is a module (or object) registered under the entry-point group ``ratatoskr``. It implements any of
the hooks below, decorated with :data:`ratatoskr.hookimpl`. Hooks are synchronous *registrations*: they get the
parsed settings and return provider objects. They must do no network I/O and no heavy imports (import
``onnxruntime``, ``httpx`` clients etc. lazily inside the providers), because the CLI loads every plugin at start.

Each ``ratatoskr_*_providers`` hook returns an iterable of providers for one capability (or ``None``); all
plugins' results are collected into that capability's fallback chain, ordered by provider ``priority`` and
then by the ``[routing]`` config. An item may also be a :class:`~ratatoskr.provider_factory.ProviderFactory`: the
core reads its declared table and builds it once per gateway, so one provider object serves every capability
whose hook returned the same factory (a provider with three capabilities is one class, one factory and three
one-line hooks). The provider protocols are in :mod:`ratatoskr.providers`.
``docs/plugins/hooks.md`` documents each hook; a test keeps the two in step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from ratatoskr.config import Settings
    from ratatoskr.config_schema import ConfigTable
    from ratatoskr.protocol import ModelGateway
    from ratatoskr.provider_factory import ProviderFactory
    from ratatoskr.providers import (
        ChatProvider,
        ClassifyProvider,
        EmbeddingProvider,
        GenerateProvider,
        MetadataProvider,
        NliProvider,
        StanceProvider,
        TokenizerProvider,
    )

PROJECT = "ratatoskr"
_hookspec = pluggy.HookspecMarker(PROJECT)

# -------------------------------------------------------------------------------------------------------------
# configuration
# -------------------------------------------------------------------------------------------------------------


@_hookspec
def ratatoskr_configure(settings: Settings) -> None:
    """Inspect and validate the settings before any provider is built.

    :param settings: the parsed configuration (config file, secrets file, environment).
    :return: nothing. Raise :class:`~ratatoskr.errors.ConfigurationError` for an invalid table of yours.
    """


@_hookspec
def ratatoskr_config_sections() -> Mapping[str, type[ConfigTable]] | None:
    """Declare the top-level config sections this plugin reads (``[server]``), so the core accepts and checks them.

    The core refuses any top-level section nobody declared (with a "did you mean") and reads each declared one
    through the one converter at start, so a mistake in it is reported even by commands that do not use it.

    :return: section name → its :class:`~ratatoskr.config_schema.ConfigTable` class, or ``None``.
    """


# -------------------------------------------------------------------------------------------------------------
# provider registration, one hook per capability
# -------------------------------------------------------------------------------------------------------------


@_hookspec
def ratatoskr_chat_providers(settings: Settings) -> Iterable[ChatProvider | ProviderFactory[Any]] | None:
    """Register chat providers (``chat`` and ``chat_stream``).

    :param settings: the parsed configuration (a factory reads its own table; hand-written plugins may use
        ``settings.provider(name)``).
    :return: providers implementing :class:`~ratatoskr.providers.ChatProvider` (or factories building them), or
        ``None``.
    """


@_hookspec
def ratatoskr_generate_providers(settings: Settings) -> Iterable[GenerateProvider | ProviderFactory[Any]] | None:
    """Register text generation providers (``generate`` and ``generate_stream``).

    :param settings: the parsed configuration.
    :return: providers implementing :class:`~ratatoskr.providers.GenerateProvider`, or ``None``.
    """


@_hookspec
def ratatoskr_embed_providers(settings: Settings) -> Iterable[EmbeddingProvider | ProviderFactory[Any]] | None:
    """Register embedding providers (``embed`` and ``embed_batch``).

    :param settings: the parsed configuration.
    :return: providers implementing :class:`~ratatoskr.providers.EmbeddingProvider`, or ``None``.
    """


@_hookspec
def ratatoskr_nli_providers(settings: Settings) -> Iterable[NliProvider | ProviderFactory[Any]] | None:
    """Register natural language inference providers (``infer_nli`` and ``infer_nli_batch``).

    :param settings: the parsed configuration.
    :return: providers implementing :class:`~ratatoskr.providers.NliProvider`, or ``None``.
    """


@_hookspec
def ratatoskr_classify_providers(settings: Settings) -> Iterable[ClassifyProvider | ProviderFactory[Any]] | None:
    """Register zero-shot classification providers (``classify_zero_shot(text, labels, model, options)``).

    ``options`` is a :class:`~ratatoskr.types.ClassifyOptions` the gateway builds from the caller's keywords.

    :param settings: the parsed configuration.
    :return: providers implementing :class:`~ratatoskr.providers.ClassifyProvider`, or ``None``.
    """


@_hookspec
def ratatoskr_stance_providers(settings: Settings) -> Iterable[StanceProvider | ProviderFactory[Any]] | None:
    """Register stance detection providers (``classify_stance``).

    :param settings: the parsed configuration.
    :return: providers implementing :class:`~ratatoskr.providers.StanceProvider`, or ``None``.
    """


@_hookspec
def ratatoskr_tokenize_providers(settings: Settings) -> Iterable[TokenizerProvider | ProviderFactory[Any]] | None:
    """Register tokenizer providers (``count_tokens`` and ``tokenize``).

    :param settings: the parsed configuration.
    :return: providers implementing :class:`~ratatoskr.providers.TokenizerProvider`, or ``None``.
    """


@_hookspec
def ratatoskr_metadata_providers(settings: Settings) -> Iterable[MetadataProvider | ProviderFactory[Any]] | None:
    """Register model metadata providers (``fetch_metadata``).

    :param settings: the parsed configuration.
    :return: providers implementing :class:`~ratatoskr.providers.MetadataProvider`, or ``None``.
    """


# -------------------------------------------------------------------------------------------------------------
# remote gateways
# -------------------------------------------------------------------------------------------------------------


@_hookspec(firstresult=True)
def ratatoskr_remote_gateway(address: str, settings: Settings) -> ModelGateway | None:
    """Connect to a gateway served elsewhere (the ``ratd`` daemon), for ``RATATOSKR_DAEMON=ADDRESS``.

    Stops at the first non-``None`` result.

    :param address: where the gateway listens, as the user wrote it (``host:port``, ``unix:/path``, ...).
    :param settings: the parsed configuration.
    :return: a :class:`~ratatoskr.protocol.ModelGateway` for ``address`` without connecting yet (no network I/O
        in a hook: the first call connects), or ``None`` when this plugin does not handle such addresses.
    """


# -------------------------------------------------------------------------------------------------------------
# command line
# -------------------------------------------------------------------------------------------------------------


@_hookspec
def ratatoskr_register_commands(app: Any) -> None:
    """Add commands to the ``ratatoskr`` CLI.

    :param app: the root ``cyclopts.App``; call ``app.command(func, name=...)`` or add a sub-``App``.
        Import what your commands need inside the command functions, not at module level.
    :return: nothing.
    """
