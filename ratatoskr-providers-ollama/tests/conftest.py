"""Fixtures: the provider under test and cassette replay (vcrpy, never recording, never the network).

Each cassette under ``cassettes/`` was written from the Ollama API reference page named in its
header comment and in each interaction's ``documentation`` key. Requests are matched on method, URL and the
JSON body, so a cassette checks what we send as well as what we decode.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path

import pytest
import vcr
from ratatoskr.testing import json_body_matcher
from ratatoskr_providers_ollama.provider import OllamaProvider
from vcr.cassette import Cassette

CASSETTES = Path(__file__).parent / "cassettes"
BASE_URL = "http://localhost:11434"


def _vcr() -> vcr.VCR:
    replay = vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode="none",
        match_on=["method", "scheme", "host", "port", "path", "query", "json_body"],
    )
    replay.register_matcher("json_body", json_body_matcher)
    return replay


@pytest.fixture
def cassette() -> Callable[[str], AbstractContextManager[Cassette]]:
    """``with cassette("name") as cas:`` replays ``cassettes/name.yaml`` (an interaction may be replayed:
    ``/api/tags`` answers list_models and model_status alike)."""
    replay = _vcr()
    return lambda name: replay.use_cassette(f"{name}.yaml", allow_playback_repeats=True)


@pytest.fixture
async def provider() -> Iterator[OllamaProvider]:  # type: ignore[misc]
    provider = OllamaProvider(base_url=BASE_URL, keep_alive="5m", embed_batch_size=2)
    yield provider
    await provider.aclose()
