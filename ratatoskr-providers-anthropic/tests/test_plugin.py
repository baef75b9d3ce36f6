"""Registration: enabled by a table or ANTHROPIC_API_KEY, the key from config, secrets or environment,
one provider object shared by the chat, generate and tokenize chains, and a gateway that routes to it."""

from __future__ import annotations

from typing import Any

import pytest
from ratatoskr.config import Settings
from ratatoskr.errors import ConfigurationError
from ratatoskr.providers import PRIORITY_REMOTE, Capability, ChatProvider, GenerateProvider, TokenizerProvider
from ratatoskr.types import ChatOptions, Message
from ratatoskr_providers_anthropic import plugin
from ratatoskr_providers_anthropic.provider import AnthropicProvider


def build(
    config: dict[str, Any] | None = None, *, secrets: dict[str, Any] | None = None, env: dict[str, str] | None = None
) -> list[AnthropicProvider]:
    return plugin.anthropic.providers(Settings.from_dict({"providers": config or {}}, secrets=secrets, env=env))


def test_not_configured_means_no_provider() -> None:
    assert build() == []


def test_enabled_by_the_environment_key() -> None:
    (provider,) = build(env={"ANTHROPIC_API_KEY": "sk-env", "ANTHROPIC_BASE_URL": "http://127.0.0.1:9"})
    assert provider._api_key == "sk-env"
    assert provider.base_url == "http://127.0.0.1:9"
    assert provider.priority == PRIORITY_REMOTE
    assert isinstance(provider, ChatProvider | GenerateProvider | TokenizerProvider)


def test_key_from_the_secrets_file_wins_over_the_environment() -> None:
    (provider,) = build(
        {"anthropic": {"default_max_tokens": 1000, "priority": 7, "models": ["claude-x"]}},
        secrets={"anthropic": {"api_key": "sk-secret"}},
        env={"ANTHROPIC_API_KEY": "sk-env"},
    )
    assert (provider._api_key, provider.default_max_tokens, provider.priority) == ("sk-secret", 1000, 7)
    assert provider.models == frozenset({"claude-x"})


def test_a_table_without_any_key_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="ANTHROPIC_API_KEY"):
        build({"anthropic": {}})


@pytest.mark.parametrize(
    ("key", "value"), [("base_url", "ftp://x"), ("timeout", -1), ("default_max_tokens", 1.5), ("models", "claude")]
)
def test_bad_values_are_named(key: str, value: Any) -> None:
    with pytest.raises(ConfigurationError, match=key):
        build({"anthropic": {key: value}}, env={"ANTHROPIC_API_KEY": "sk"})


async def test_gateway_routes_chat_and_reports_unsupported_parameters(
    ratatoskr_plugins, ratatoskr_gateway_factory, cassette
) -> None:  # type: ignore[no-untyped-def]
    from ratatoskr.dispatch.validation import UnsupportedParameterWarning

    ratatoskr_plugins.register(plugin.plugin, "anthropic")
    gateway = ratatoskr_gateway_factory(
        {"providers": {"anthropic": {}}}, secrets={"anthropic": {"api_key": "sk-ant-test-key"}}
    )
    try:
        assert [p.name for p in gateway.dispatcher.chain(Capability.CHAT)] == ["anthropic"]
        with cassette("count_tokens"):
            assert await gateway.count_tokens("Hello, world", "claude-sonnet-4-5") == 10
        with cassette("messages_stream_text"), pytest.warns(UnsupportedParameterWarning, match="seed"):
            events = [
                e
                async for e in gateway.chat_stream(
                    [Message.user("Hello")], None, ChatOptions(model="claude-sonnet-4-5", max_tokens=256, seed=7)
                )
            ]
        assert events[-1].provider == "anthropic"
    finally:
        await gateway.aclose()
