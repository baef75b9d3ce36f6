"""Fixtures: the real bundled MiniLM (opened once per session) and the tiny NLI fixture model."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from ratatoskr_providers_local import BUNDLED_ID, LocalConfig, LocalProvider
from ratatoskr_providers_local._embedding import EmbeddingModel, load_embedding_model
from ratatoskr_providers_local._sources import Source, locate

FIXTURES = Path(__file__).parent / "fixtures"
TINY_NLI = FIXTURES / "tiny-nli"


@pytest.fixture(scope="session")
def minilm() -> EmbeddingModel:
    """The bundled all-MiniLM-L6-v2, opened once (sha256-verified) and shared by every test's provider."""
    config = LocalConfig(download=False)
    return load_embedding_model(locate(Source("bundled", BUNDLED_ID, ""), config), config)


@pytest.fixture
def tiny_nli(tmp_path: Path) -> Path:
    """A private copy of the tiny NLI model directory (tests may damage it)."""
    target = tmp_path / "tiny-nli"
    shutil.copytree(TINY_NLI, target)
    return target


def make_provider(minilm: EmbeddingModel | None = None, **options: Any) -> LocalProvider:
    options.setdefault("download", False)  # tests never reach the network
    provider = LocalProvider(LocalConfig(**options))
    if minilm is not None:
        provider.manager.adopt(f"embed:{BUNDLED_ID}", minilm)
    return provider


@pytest.fixture
def provider(minilm: EmbeddingModel) -> LocalProvider:
    return make_provider(minilm)
