"""Registration: enabled by a table, GOOGLE_API_KEY or GEMINI_API_KEY; the key from the config table, the secrets
file [google] or the environment; GOOGLE_BASE_URL; one provider object behind every hook; a gateway routes to it."""

from __future__ import annotations

from typing import Any

import pytest
from ratatoskr.config import Settings
from ratatoskr.errors import ConfigurationError
from ratatoskr.providers import PRIORITY_REMOTE
from ratatoskr.types import ChatOptions, Message, ModelInfo, ModelMetadata, PricingInfo
from ratatoskr_providers_google import plugin
from ratatoskr_providers_google.provider import GoogleProvider

from .conftest import Answer, Gemini


def build(
    config: dict[str, Any] | None = None, *, secrets: dict[str, Any] | None = None, env: dict[str, str] | None = None
) -> list[GoogleProvider]:
    return plugin.google.providers(Settings.from_dict({"providers": config or {}}, secrets=secrets, env=env))


def key(provider: GoogleProvider) -> str:
    return provider.endpoint.headers["x-goog-api-key"]


def test_not_configured_means_no_provider() -> None:
    assert build() == []


@pytest.mark.parametrize("variable", ["GOOGLE_API_KEY", "GEMINI_API_KEY"])
def test_enabled_by_either_environment_key(variable: str) -> None:
    (provider,) = build(env={variable: "AIza-env", "GOOGLE_BASE_URL": "http://127.0.0.1:9"})
    assert key(provider) == "AIza-env"
    assert provider.base_url == "http://127.0.0.1:9" and provider.priority == PRIORITY_REMOTE


def test_google_api_key_wins_over_gemini_api_key() -> None:
    (provider,) = build(env={"GEMINI_API_KEY": "AIza-gemini", "GOOGLE_API_KEY": "AIza-google"})
    assert key(provider) == "AIza-google"


def test_key_from_the_table_or_the_secrets_file() -> None:
    (table,) = build({"google": {"api_key": "AIza-table", "embed_dimensions": 256}}, env={"GOOGLE_API_KEY": "env"})
    assert key(table) == "AIza-table" and table.embed_dimensions == 256
    (secret,) = build({"google": {"priority": 7}}, secrets={"google": {"api_key": "AIza-secret"}})
    assert key(secret) == "AIza-secret" and secret.priority == 7


def test_a_table_without_any_key_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="GOOGLE_API_KEY"):
        build({"google": {}})


@pytest.mark.parametrize(
    ("name", "value"),
    [("base_url", "ftp://x"), ("timeout", 0), ("embed_task_type", "RETRIEVE"), ("embed_dimensions", 0)],
)
def test_bad_values_are_named(name: str, value: Any) -> None:
    with pytest.raises(ConfigurationError, match=name):
        build({"google": {name: value}}, env={"GOOGLE_API_KEY": "k"})


async def test_a_gateway_routes_chat_generate_and_embed_to_it(
    ratatoskr_plugins: Any, ratatoskr_gateway_factory: Any, gemini: Gemini
) -> None:
    answer = {
        "candidates": [{"content": {"role": "model", "parts": [{"text": "Hi!"}]}, "finishReason": "STOP"}],
        "usageMetadata": {"promptTokenCount": 3, "candidatesTokenCount": 2, "totalTokenCount": 5},
    }
    gemini.route("/v1beta/models/gemini-2.5-flash:generateContent", Answer(body=answer))
    gemini.route("/v1beta/models/gemini-embedding-001:embedContent", Answer(body={"embedding": {"values": [1.0]}}))
    ratatoskr_plugins.register(plugin.plugin, "google")
    gateway = ratatoskr_gateway_factory({"providers": {"google": {"api_key": "k", "base_url": gemini.url}}})
    # a price for this provider's model in the registry: results carry their cost
    gateway.model_registry.merge(
        [ModelMetadata(ModelInfo("google:gemini-2.5-flash", "google"), pricing=PricingInfo(0.3, 2.5))]
    )
    try:
        reply = await gateway.chat([Message.user("Hello")], None, ChatOptions(model="google:gemini-2.5-flash"))
        assert (reply.content, reply.provider, reply.usage.total_tokens) == ("Hi!", "google", 5)
        assert reply.usage.cost.total == pytest.approx(3 * 0.3 / 1e6 + 2 * 2.5 / 1e6)
        assert (await gateway.generate("Hello", _generate("gemini-2.5-flash"))).text == "Hi!"
        assert (await gateway.embed("x", "gemini-embedding-001")).values == (1.0,)
    finally:
        await gateway.aclose()


def _generate(model: str) -> Any:
    from ratatoskr.types import GenerateOptions

    return GenerateOptions(model=model)
