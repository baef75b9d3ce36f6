"""Extended thinking with tool use over two turns: the signed thinking of turn 1 goes back first in turn 2.

The second interaction of each cassette only matches a request body whose assistant turn starts with the
thinking (and redacted_thinking) blocks exactly as turn 1 returned them, so replaying it is the proof.
"""

from __future__ import annotations

import pytest
from ratatoskr import ChatAccumulator
from ratatoskr.types import (
    ChatOptions,
    FinishReason,
    Message,
    ReasoningBlock,
    ReasoningConfig,
    ReasoningEvent,
    ToolDefinition,
)

WEATHER = ToolDefinition(
    "get_weather",
    "Get current weather for a location",
    {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]},
)
PARIS = "What's the weather in Paris?"
REDACTED_TRIGGER = "ANTHROPIC_MAGIC_STRING_TRIGGER_REDACTED_THINKING_46C9A13E193C177646C7398A98432ECCCE4C1253"


def _options(model: str = "claude-sonnet-4-5", *, exclude: bool | None = None) -> ChatOptions:
    return ChatOptions(
        model=model, max_tokens=16000, reasoning=ReasoningConfig(max_tokens=10000, exclude_from_output=exclude)
    )


@pytest.mark.parametrize("exclude", [None, True], ids=["shown", "excluded_from_output"])
async def test_thinking_tool_loop(provider, cassette, exclude) -> None:  # type: ignore[no-untyped-def]
    options = _options(exclude=exclude)
    messages = [Message.user(PARIS)]
    with cassette("messages_thinking_tool_loop") as cas:
        first = await provider.chat(messages, [WEATHER], options)
        assert first.finish_reason is FinishReason.TOOL_CALLS
        (block,) = first.reasoning_blocks
        assert (
            block.signature
            == "BDaL4VrbR2Oj0hO4XpJxT28J5TILnCrrUXoKiiNBZW9P+nr8XSj1zuZzAl4egiCCpQNvfyUuFFJP5CncdYZEQPPmLxYsNrcs..."
        )
        assert block.text.startswith("The user wants to know the current weather in Paris.")
        assert block.provider == "anthropic"
        # exclude_from_output hides the text from the answer, never the blocks a tool loop needs.
        assert first.reasoning == (None if exclude else block.text)
        (call,) = first.tool_calls
        messages += [first.to_message(), Message.tool_result(call.id, "Current temperature: 88°F")]
        second = await provider.chat(messages, [WEATHER], options)
    assert cas.all_played
    assert second.content == "Currently in Paris, the temperature is 88°F (31°C)"
    assert second.reasoning_blocks == ()


async def test_stream_thinking_tool_loop(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    options = _options()
    messages = [Message.user(PARIS)]
    with cassette("messages_stream_thinking_tool_loop") as cas:
        accumulator = ChatAccumulator()
        events = [event async for event in provider.chat_stream(messages, [WEATHER], options)]
        for event in events:
            accumulator.add(event)
        assert ReasoningEvent("", signature="EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...") in events
        first = accumulator.response()
        (call,) = first.tool_calls
        messages += [first.to_message(), Message.tool_result(call.id, "Current temperature: 88°F")]
        answer = ChatAccumulator()
        async for event in provider.chat_stream(messages, [WEATHER], options):
            answer.add(event)
    assert cas.all_played
    assert first.reasoning_blocks == (
        ReasoningBlock(
            "The user wants to know the current weather in Paris. I have access to a function `get_weather` that "
            "can provide this information.",
            signature="EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds...",
            provider="anthropic",
        ),
    )
    assert answer.response().content == "Currently in Paris, the temperature is 88°F (31°C)"


async def test_redacted_thinking_tool_loop(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    options = _options("claude-3-7-sonnet-20250219")
    messages = [Message.user(f"{REDACTED_TRIGGER} {PARIS}")]
    with cassette("messages_redacted_thinking_tool_loop") as cas:
        first = await provider.chat(messages, [WEATHER], options)
        thinking, redacted = first.reasoning_blocks
        assert thinking.signature is not None and thinking.redacted is None
        assert redacted.text == "" and redacted.signature is None
        assert redacted.redacted is not None and redacted.redacted.startswith("EmwKAhgBEgy3va3pzix")
        assert first.reasoning == "Let me analyze this step by step...", "redacted data is never reasoning text"
        (call,) = first.tool_calls
        messages += [first.to_message(), Message.tool_result(call.id, "Current temperature: 88°F")]
        second = await provider.chat(messages, [WEATHER], options)
    assert cas.all_played
    assert second.content == "It is currently 88°F in Paris."
