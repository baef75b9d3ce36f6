"""Error mapping: HTTP statuses (cassettes/errors.yaml), failures inside a stream (cassettes/stream_errors.yaml),
and a refused connection (a closed loopback port)."""

from __future__ import annotations

import pytest
from ratatoskr.errors import (
    AuthenticationFailed,
    ContextLengthExceeded,
    ModelNotAvailable,
    Overloaded,
    RateLimited,
    ResponseFormatError,
    StreamError,
)
from ratatoskr.types import ChatOptions, Message
from ratatoskr_providers_anthropic.provider import AnthropicProvider


def _options(model: str = "claude-sonnet-4-5") -> ChatOptions:
    return ChatOptions(model=model)


async def test_401_is_authentication_failed(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("errors"), pytest.raises(AuthenticationFailed, match="invalid x-api-key") as caught:
        await provider.chat([Message.user("401")], None, _options())
    assert caught.value.status == 401
    assert not caught.value.is_transient


async def test_429_is_rate_limited_with_retry_after(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("errors"), pytest.raises(RateLimited) as caught:
        await provider.chat([Message.user("429")], None, _options())
    assert caught.value.retry_after == 17.0
    assert caught.value.is_transient


@pytest.mark.parametrize("status", ["529", "503"])
async def test_529_and_503_are_transient_overloads(provider, cassette, status) -> None:  # type: ignore[no-untyped-def]
    with cassette("errors"), pytest.raises(Overloaded) as caught:
        await provider.chat([Message.user(status)], None, _options())
    assert caught.value.status == int(status)
    assert caught.value.is_transient


async def test_unknown_model_moves_on(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("errors"), pytest.raises(ModelNotAvailable, match="claude-nonexistent") as caught:
        await provider.chat([Message.user("404")], None, _options("claude-nonexistent"))
    assert caught.value.moves_on


async def test_prompt_too_long_is_context_length_exceeded(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("errors"), pytest.raises(ContextLengthExceeded):
        await provider.chat([Message.user("400")], None, _options())


async def test_malformed_json_body(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("errors"), pytest.raises(ResponseFormatError, match="not JSON"):
        await provider.chat([Message.user("malformed")], None, _options())


async def _drain(provider: AnthropicProvider, prompt: str) -> list[object]:
    return [e async for e in provider.chat_stream([Message.user(prompt)], None, _options())]


async def test_error_event_inside_a_stream(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("stream_errors"), pytest.raises(Overloaded, match="Overloaded") as caught:
        await _drain(provider, "overloaded")
    assert caught.value.is_transient


async def test_malformed_event_inside_a_stream(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("stream_errors"), pytest.raises(ResponseFormatError, match="not JSON"):
        await _drain(provider, "malformed")


async def test_stream_cut_before_message_stop(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("stream_errors"), pytest.raises(StreamError, match="before message_stop"):
        await _drain(provider, "truncated")
