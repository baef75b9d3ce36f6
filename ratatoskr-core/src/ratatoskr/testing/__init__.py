"""Test kit for Ratatoskr users and plugin authors: fake providers and pytest fixtures.

The pytest plugin (:mod:`ratatoskr.testing.pytest_plugin`) is registered automatically when ratatoskr-core is
installed; it provides ``ratatoskr_plugins`` (register an in-process plugin for one test) and
``ratatoskr_gateway`` (a gateway from those plugins only).
"""

from ratatoskr.testing.fakes import (
    Fail,
    FakeChatProvider,
    FakeEmbeddingProvider,
    FakeNliProvider,
)

__all__ = ["Fail", "FakeChatProvider", "FakeEmbeddingProvider", "FakeNliProvider"]
