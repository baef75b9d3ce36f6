"""Fixtures: cassette playback (vcrpy over httpx.AsyncClient, no network) and a provider factory.

vcrpy's httpx stub patches ``AsyncHTTPTransport.handle_async_request`` and awaits nothing loop-specific,
so cassettes replay under trio as well as asyncio (every async test here runs on both). Requests are matched
on method, URI and the parsed JSON body, so a cassette also checks that we send the documented shape, and on the headers the cassette names.
Faults a cassette cannot hold (timeouts, refused connections) go through a real loopback server instead.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import vcr
from ratatoskr.config_schema import read_table
from ratatoskr.testing import json_body_matcher
from ratatoskr.wire._pool import default_ssl_context
from ratatoskr_providers_hf import HFConfig, HuggingFaceProvider
from vcr.cassette import Cassette

CASSETTES = Path(__file__).parent / "cassettes"


def _declared_headers(live: Any, recorded: Any) -> None:
    """Headers a cassette names must have been sent with the same value (others are not compared)."""
    for name, value in recorded.headers.items():
        sent = live.headers.get(name)
        assert sent == value, f"header {name!r}: sent {sent!r}, cassette expects {value!r}"


_VCR = vcr.VCR(
    record_mode="none", match_on=["method", "uri", "json_body", "declared_headers"], decode_compressed_response=True
)
_VCR.register_matcher("json_body", json_body_matcher)
_VCR.register_matcher("declared_headers", _declared_headers)


@contextmanager
def play(name: str) -> Iterator[Cassette]:
    """Replay ``cassettes/<name>.yaml``; fail if a request is unknown or an interaction was not used."""
    with _VCR.use_cassette(str(CASSETTES / f"{name}.yaml")) as cassette:
        yield cassette
    assert cassette.all_played, f"{name}: {cassette.play_count} of {len(cassette)} interactions used"


@pytest.fixture
def cassette() -> Callable[[str], Any]:
    return play


@pytest.fixture
async def make_provider() -> AsyncIterator[Callable[..., HuggingFaceProvider]]:
    made: list[HuggingFaceProvider] = []

    def build(**options: Any) -> HuggingFaceProvider:
        options.setdefault("api_key", "hf_test")
        provider = HuggingFaceProvider(
            read_table(HFConfig, options, where="providers.huggingface"),
            client=httpx.AsyncClient(verify=default_ssl_context(), timeout=options.get("timeout", 5.0)),
        )
        made.append(provider)
        return provider

    yield build
    for provider in made:
        await provider.endpoint.client.aclose()
