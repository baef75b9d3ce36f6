"""The built-in DEMO plugin: toy providers that need no model, no key and no network.

Registered through the ``ratatoskr`` entry point like any plugin, at the lowest priority, so a real provider
always wins. Its answers are NOT model output (see :mod:`ratatoskr.demo.provider`). This module holds only the
hooks, so loading the plugin (every CLI start does) imports nothing else. Turn it off with
``[providers.demo] enabled = false``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ratatoskr.plugins import hookimpl

if TYPE_CHECKING:
    from ratatoskr.config import Settings
    from ratatoskr.demo.provider import DemoProvider

NAME = "demo"


def _provider(settings: Settings) -> list[DemoProvider]:
    table = settings.provider(NAME, default_enabled=True)
    if table is None:
        return []
    from ratatoskr.demo.provider import DemoProvider
    from ratatoskr.providers import PRIORITY_DEMO

    return [DemoProvider(table.priority if table.priority is not None else PRIORITY_DEMO)]


@hookimpl
def ratatoskr_chat_providers(settings: Settings) -> list[DemoProvider]:
    return _provider(settings)


@hookimpl
def ratatoskr_generate_providers(settings: Settings) -> list[DemoProvider]:
    return _provider(settings)


@hookimpl
def ratatoskr_embed_providers(settings: Settings) -> list[DemoProvider]:
    return _provider(settings)


@hookimpl
def ratatoskr_nli_providers(settings: Settings) -> list[DemoProvider]:
    return _provider(settings)


@hookimpl
def ratatoskr_classify_providers(settings: Settings) -> list[DemoProvider]:
    return _provider(settings)


@hookimpl
def ratatoskr_stance_providers(settings: Settings) -> list[DemoProvider]:
    return _provider(settings)


@hookimpl
def ratatoskr_tokenize_providers(settings: Settings) -> list[DemoProvider]:
    return _provider(settings)
