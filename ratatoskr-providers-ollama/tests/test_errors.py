"""Error mapping: a model not pulled moves on, HTTP statuses, failures inside the NDJSON stream, refused
connections (cassettes/errors.yaml and a closed loopback port)."""

from __future__ import annotations

import pytest
from ratatoskr.errors import (
    AuthenticationFailed,
    ModelNotAvailable,
    Overloaded,
    RateLimited,
    ResponseFormatError,
    StreamError,
    TransportError,
)
from ratatoskr.testing import closed_port_url
from ratatoskr.types import ChatOptions, Message, ModelStatusKind
from ratatoskr_providers_ollama.provider import OllamaProvider


async def _chat(provider: OllamaProvider, prompt: str, model: str = "llama3.2") -> object:
    return await provider.chat([Message.user(prompt)], None, ChatOptions(model=model))


async def _stream(provider: OllamaProvider, prompt: str, model: str = "llama3.2") -> list[object]:
    return [e async for e in provider.chat_stream([Message.user(prompt)], None, ChatOptions(model=model))]


async def test_model_not_pulled_moves_on_naming_ollama_pull(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("errors"):
        for call in (_chat, _stream):
            with pytest.raises(ModelNotAvailable, match="ollama pull mistral") as caught:
                await call(provider, "hello", "mistral")
            assert caught.value.moves_on


async def test_model_without_chat_support_moves_on(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("errors"), pytest.raises(ModelNotAvailable, match="does not support chat"):
        await _chat(provider, "hello", "all-minilm")


async def test_503_server_busy_is_a_transient_overload(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("errors"), pytest.raises(Overloaded, match="server busy") as caught:
        await _chat(provider, "503")
    assert caught.value.is_transient


async def test_401_from_an_authenticating_proxy(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("errors"), pytest.raises(AuthenticationFailed):
        await _chat(provider, "401")


async def test_429_with_retry_after(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("errors"), pytest.raises(RateLimited) as caught:
        await _chat(provider, "429")
    assert caught.value.retry_after == 30.0


async def test_malformed_json(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("errors"):
        with pytest.raises(ResponseFormatError, match="not JSON"):
            await _chat(provider, "malformed")
        with pytest.raises(ResponseFormatError, match="not valid JSON"):
            await _stream(provider, "malformed")


async def test_error_object_inside_the_stream(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("errors"), pytest.raises(StreamError, match="unexpected EOF") as caught:
        await _stream(provider, "error")
    assert caught.value.is_transient


async def test_stream_cut_before_done(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("errors"), pytest.raises(StreamError, match="before its done object"):
        await _stream(provider, "truncated")


async def test_connection_refused_for_embed_and_status() -> None:
    """(chat and its stream: tests/faults/test_connection_refused.py, for every HTTP chat provider)"""
    provider = OllamaProvider(base_url=closed_port_url())
    try:
        with pytest.raises(TransportError):
            await provider.embed("hi", "all-minilm")
        status = await provider.model_status("llama3")
        assert status.kind is ModelStatusKind.UNAVAILABLE and "127.0.0.1" in (status.reason or "")
    finally:
        await provider.aclose()
