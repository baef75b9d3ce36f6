"""Fixtures: the provider under test and cassette replay (vcrpy, never recording, never the network).

Each cassette under ``cassettes/`` was written from the Anthropic API documentation page named in its
header comment and in each interaction's ``documentation`` key. Requests are matched on method, URL, the
API headers and the JSON body, so a cassette checks what we send as well as what we decode.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

import pytest
import vcr
from ratatoskr.testing import json_body_matcher
from ratatoskr_providers_anthropic.provider import AnthropicProvider
from vcr.cassette import Cassette

CASSETTES = Path(__file__).parent / "cassettes"
API_KEY = "sk-ant-test-key"


def _api_headers(live: Any, recorded: Any) -> None:
    for name in ("x-api-key", "anthropic-version"):
        want = recorded.headers.get(name)
        if want is not None:
            assert live.headers.get(name) == want, f"header {name}: {live.headers.get(name)!r} != {want!r}"


def _vcr() -> vcr.VCR:
    replay = vcr.VCR(
        cassette_library_dir=str(CASSETTES),
        record_mode="none",
        match_on=["method", "scheme", "host", "port", "path", "query", "json_body", "api_headers"],
    )
    replay.register_matcher("json_body", json_body_matcher)
    replay.register_matcher("api_headers", _api_headers)
    return replay


@pytest.fixture
def cassette() -> Callable[[str], AbstractContextManager[Cassette]]:
    """``with cassette("name") as cas:`` replays ``cassettes/name.yaml``."""
    replay = _vcr()
    return lambda name: replay.use_cassette(f"{name}.yaml")


@pytest.fixture
async def provider() -> Iterator[AnthropicProvider]:  # type: ignore[misc]
    provider = AnthropicProvider(API_KEY)
    yield provider
    await provider.aclose()
