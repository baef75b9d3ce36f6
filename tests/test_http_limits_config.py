"""Every HTTP provider's table takes the same limit keys, and they reach the provider's endpoint: the deadline,
the stream idle and total limits and the size cap are settings, read in one place (ratatoskr.wire.settings)."""

from __future__ import annotations

from typing import Any

import pytest
from ratatoskr.config import Settings
from ratatoskr.errors import ConfigurationError
from ratatoskr_providers_anthropic.plugin import anthropic
from ratatoskr_providers_google.plugin import google
from ratatoskr_providers_hf.plugin import huggingface
from ratatoskr_providers_ollama.plugin import ollama
from ratatoskr_providers_openai.plugin import openai
from ratatoskr_providers_openrouter.plugin import openrouter

FACTORIES = {
    "anthropic": (anthropic, {"api_key": "k"}, 600.0),
    "google": (google, {"api_key": "k"}, 600.0),
    "huggingface": (huggingface, {}, 60.0),
    "ollama": (ollama, {}, 600.0),
    "openai": (openai, {}, 300.0),
    "openrouter": (openrouter, {}, 300.0),
}
LIMITS = {"timeout": 7, "idle_timeout": 2.5, "stream_timeout": 90, "max_response_bytes": 1024, "max_connections": 8}


def _provider(name: str, table: dict[str, Any]) -> Any:
    factory, required, _ = FACTORIES[name]
    (provider,) = factory.providers(Settings.from_dict({"providers": {name: {**required, **table}}}, env={}))
    return provider


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_the_limit_keys_reach_the_endpoint(name: str) -> None:
    endpoint = _provider(name, LIMITS).endpoint
    limits = endpoint.limits
    assert (limits.timeout, limits.idle, limits.stream_timeout, limits.max_response_bytes) == (7, 2.5, 90, 1024)
    assert limits.max_connections == 8
    assert endpoint.client._transport._pool._max == 8  # the client it creates keeps that many connections


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_the_defaults(name: str) -> None:
    limits = _provider(name, {}).endpoint.limits
    assert limits.timeout == FACTORIES[name][2] and limits.idle == limits.timeout
    assert limits.stream_timeout is None and limits.max_response_bytes == 64 * 1024 * 1024
    assert limits.max_connections == 256


@pytest.mark.parametrize(
    ("key", "value"), [("idle_timeout", 0), ("stream_timeout", -1), ("max_response_bytes", 0), ("max_connections", 0)]
)
def test_nonsense_is_refused_naming_the_key(key: str, value: float) -> None:
    with pytest.raises(ConfigurationError, match=key):
        _provider("ollama", {key: value})
