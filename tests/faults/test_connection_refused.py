"""Every HTTP chat provider, pointed at a port nobody listens on: chat and the stream end in a transient
TransportError (the chain moves on, the retry stage may try again), and the provider closes cleanly."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from ratatoskr import ChatOptions, Message, TransportError
from ratatoskr.testing import closed_port_url


def _anthropic(url: str) -> Any:
    from ratatoskr_providers_anthropic.provider import AnthropicProvider

    return AnthropicProvider("sk-ant-test-key", base_url=url)


def _google(url: str) -> Any:
    from ratatoskr_providers_google.provider import GoogleProvider

    return GoogleProvider("test-key", base_url=url)


def _ollama(url: str) -> Any:
    from ratatoskr_providers_ollama.provider import OllamaProvider

    return OllamaProvider(base_url=url)


def _openai(url: str) -> Any:
    from ratatoskr_providers_openai.provider import OpenAIProvider

    return OpenAIProvider(base_url=url, api_key="sk-test")


def _openrouter(url: str) -> Any:
    from ratatoskr_providers_openrouter.provider import OpenRouterProvider

    return OpenRouterProvider(api_key="sk-or-test", base_url=url)


@pytest.mark.parametrize("make", [_anthropic, _google, _ollama, _openai, _openrouter], ids=lambda f: f.__name__[1:])
async def test_connection_refused_is_a_transient_transport_error(make: Callable[[str], Any]) -> None:
    provider = make(closed_port_url())
    messages, options = [Message.user("hi")], ChatOptions(model="acme/m")
    try:
        with pytest.raises(TransportError) as caught:
            await provider.chat(messages, None, options)
        assert caught.value.is_transient
        with pytest.raises(TransportError) as caught:
            _ = [event async for event in provider.chat_stream(messages, None, options)]
        assert caught.value.is_transient
    finally:
        await provider.aclose()
