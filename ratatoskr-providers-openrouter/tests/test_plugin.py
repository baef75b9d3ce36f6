"""OpenRouter registration: enabled by its table or by OPENROUTER_API_KEY; settings reach the provider."""

from __future__ import annotations

import pytest
from ratatoskr.config import Settings
from ratatoskr.errors import ConfigurationError
from ratatoskr.providers import PRIORITY_REMOTE, ChatProvider, GenerateProvider, MetadataProvider
from ratatoskr_providers_openrouter import plugin


def test_off_without_table_or_key() -> None:
    assert plugin.openrouter.providers(Settings.from_dict({})) == []


async def test_on_with_key_in_environment_and_env_base_url() -> None:
    settings = Settings.from_dict(
        {}, env={"OPENROUTER_API_KEY": "sk-or", "OPENROUTER_BASE_URL": "http://127.0.0.1:9/v1"}
    )
    (provider,) = plugin.openrouter.providers(settings)
    assert isinstance(provider, ChatProvider) and isinstance(provider, GenerateProvider)
    assert isinstance(provider, MetadataProvider)
    assert provider.base_url == "http://127.0.0.1:9/v1" and provider.headers["authorization"] == "Bearer sk-or"
    assert provider.priority == PRIORITY_REMOTE and provider.supports_tools
    assert "top_k" in provider.supported_parameters and "cache_prompt" in provider.supported_parameters
    await provider.aclose()


def test_keyless_table_with_attribution_and_secrets() -> None:
    settings = Settings.from_dict({"providers": {"openrouter": {"app_url": "https://x.org", "app_title": "X",
                                                                "priority": 7}}})  # fmt: skip
    (provider,) = plugin.openrouter.providers(settings)
    assert provider.keyless and "authorization" not in provider.headers
    assert provider.headers["HTTP-Referer"] == "https://x.org" and provider.headers["X-Title"] == "X"
    assert provider.priority == 7
    secret = Settings.from_dict({"providers": {"openrouter": {}}}, secrets={"openrouter": {"api_key": "sk-s"}})
    assert plugin.openrouter.providers(secret)[0].headers["authorization"] == "Bearer sk-s"


def test_disabled_and_bad_tables() -> None:
    off = Settings.from_dict({"providers": {"openrouter": {"enabled": False}}}, env={"OPENROUTER_API_KEY": "k"})
    assert plugin.openrouter.providers(off) == []
    with pytest.raises(ConfigurationError, match="models"):
        plugin.openrouter.providers(Settings.from_dict({"providers": {"openrouter": {"models": "gpt"}}}))
