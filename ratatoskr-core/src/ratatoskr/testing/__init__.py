"""Test kit for Ratatoskr users and plugin authors: fake providers, pytest fixtures and HTTP test helpers.

The pytest plugin (:mod:`ratatoskr.testing.pytest_plugin`) is registered automatically when ratatoskr-core is
installed; it provides ``ratatoskr_plugins`` (register an in-process plugin for one test) and
``ratatoskr_gateway`` (a gateway from those plugins only). :func:`build_plugin` builds one plugin's providers from a
config dict, as a gateway would.
"""

from ratatoskr.testing.fakes import (
    Fail,
    FakeChatProvider,
    FakeEmbeddingProvider,
    FakeNliProvider,
)
from ratatoskr.testing.http import RecordingClient, closed_port_url, json_body_matcher
from ratatoskr.testing.plugins import build_plugin

__all__ = [
    "Fail",
    "FakeChatProvider",
    "FakeEmbeddingProvider",
    "FakeNliProvider",
    "RecordingClient",
    "build_plugin",
    "closed_port_url",
    "json_body_matcher",
]
