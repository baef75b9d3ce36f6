"""Replays of documented Anthropic interactions (see cassettes/): what we send and what we decode."""

from __future__ import annotations

import json

import pytest
import ratatoskr.types as rt
from ratatoskr.errors import ModelNotAvailable

WEATHER = rt.ToolDefinition(
    "get_weather",
    "Get the current weather in a given location",
    {
        "type": "object",
        "properties": {
            "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        },
        "required": ["location"],
    },
)


async def collect(stream):  # type: ignore[no-untyped-def]
    return [event async for event in stream]


async def test_chat_text(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    messages = [
        rt.Message.system("You are a terse assistant."),
        rt.Message.user("Hello, Claude"),
        rt.Message.system("Always answer in English."),
    ]
    options = rt.ChatOptions(model="claude-sonnet-4-5", max_tokens=1024, temperature=0.2, top_k=40, stop=["\n\nHuman:"])
    with cassette("messages_text") as cas:
        reply = await provider.chat(messages, None, options)
    assert cas.all_played
    assert reply.content == "Hi! My name is Claude."
    assert reply.finish_reason is rt.FinishReason.STOP
    assert reply.model == "claude-sonnet-4-5-20250929"
    assert reply.provider == "anthropic"
    assert reply.usage == rt.Usage(2095, 503, 2598, cached_tokens=0, cache_creation_tokens=0)


async def test_stream_text(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("messages_stream_text"):
        events = await collect(
            provider.chat_stream(
                [rt.Message.user("Hello")], None, rt.ChatOptions(model="claude-sonnet-4-5", max_tokens=256)
            )
        )
    assert events == [
        rt.ContentEvent("Hello"),
        rt.ContentEvent("!"),
        rt.UsageEvent(rt.Usage(25, 15, 40)),
        rt.DoneEvent(rt.FinishReason.STOP, "claude-sonnet-4-5-20250929", "anthropic"),
    ]


async def test_stream_tool_use(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    options = rt.ChatOptions(model="claude-sonnet-4-5", max_tokens=1024, parallel_tool_calls=False)
    with cassette("messages_stream_tool_use"):
        events = await collect(
            provider.chat_stream([rt.Message.user("What is the weather like in San Francisco?")], [WEATHER], options)
        )
    assert events[0] == rt.ContentEvent("Okay")
    assert events[2] == rt.ToolCallStart(0, "toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather")
    arguments = "".join(e.arguments for e in events if isinstance(e, rt.ToolCallDelta))
    assert json.loads(arguments) == {"location": "San Francisco, CA", "unit": "fahrenheit"}
    assert events[-3] == rt.ToolCallEnd(0)
    assert events[-1] == rt.DoneEvent(rt.FinishReason.TOOL_CALLS, "claude-sonnet-4-5-20250929", "anthropic")


async def test_stream_thinking(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    options = rt.ChatOptions(
        model="claude-sonnet-4-5", max_tokens=20000, reasoning=rt.ReasoningConfig(max_tokens=16000)
    )
    prompt = [rt.Message.user("What is the greatest common divisor of 1071 and 462?")]
    with cassette("messages_stream_thinking"):
        events = await collect(provider.chat_stream(prompt, None, options))
    reasoning = "".join(e.text for e in events if isinstance(e, rt.ReasoningEvent))
    content = "".join(e.text for e in events if isinstance(e, rt.ContentEvent))
    assert reasoning.startswith("I need to find the GCD") and reasoning.endswith("= 21")
    assert content == "The greatest common divisor (GCD) of 1071 and 462 is **21**."
    assert "Euclidean" not in content, "reasoning never inside content"
    assert events[-2] == rt.UsageEvent(rt.Usage(48, 212, 260, cached_tokens=0, cache_creation_tokens=0))


async def test_stream_thinking_excluded_from_output(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    reasoning = rt.ReasoningConfig(max_tokens=16000, exclude_from_output=True)
    options = rt.ChatOptions(model="claude-sonnet-4-5", max_tokens=20000, reasoning=reasoning)
    prompt = [rt.Message.user("What is the greatest common divisor of 1071 and 462?")]
    with cassette("messages_stream_thinking"):
        events = await collect(provider.chat_stream(prompt, None, options))
    reasoning = [e for e in events if isinstance(e, rt.ReasoningEvent)]
    assert reasoning, "hidden thinking still travels, so the turn can be sent back"
    assert all(e.hidden for e in reasoning)
    assert "".join(e.text for e in events if isinstance(e, rt.ContentEvent)).endswith("**21**.")
    from ratatoskr import ChatAccumulator

    acc = ChatAccumulator()
    for event in events:
        acc.add(event)
    response = acc.response()
    assert response.reasoning is None  # not for display
    assert response.reasoning_blocks and response.reasoning_blocks[0].signature  # but kept, signed, for the round trip


async def test_multi_turn_with_parallel_tool_results_and_caching(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    messages = [
        rt.Message.system("You are a weather assistant."),
        rt.Message.user("What's the weather in San Francisco and New York?"),
        rt.Message.system("Be brief."),
        rt.Message.assistant(
            "I'll check both cities.",
            [
                rt.ToolCall("toolu_01A09q90qw90lq917835lq9", "get_weather", '{"location": "San Francisco, CA"}'),
                rt.ToolCall("toolu_01B19q90qw90lq917835lq8", "get_weather", '{"location": "New York, NY"}'),
            ],
        ),
        rt.Message.tool_result("toolu_01A09q90qw90lq917835lq9", "15 degrees, foggy"),
        rt.Message.tool_result("toolu_01B19q90qw90lq917835lq8", "22 degrees, sunny"),
    ]
    with cassette("messages_multi_turn_tools"):
        reply = await provider.chat(messages, [WEATHER], rt.ChatOptions(model="claude-sonnet-4-5", cache_prompt=True))
    assert reply.content.startswith("San Francisco is 15 degrees")
    assert reply.usage == rt.Usage(2009, 24, 2033, cached_tokens=1800, cache_creation_tokens=188)


async def test_parallel_tool_use(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    options = rt.ChatOptions(model="claude-sonnet-4-5", tool_choice=rt.ToolChoice("required"))
    with cassette("messages_tool_use_parallel"):
        reply = await provider.chat(
            [rt.Message.user("What's the weather in San Francisco and New York?")], [WEATHER], options
        )
    assert reply.finish_reason is rt.FinishReason.TOOL_CALLS
    assert [(c.id, c.parse_arguments()) for c in reply.tool_calls] == [
        ("toolu_01A09q90qw90lq917835lq9", {"location": "San Francisco, CA"}),
        ("toolu_01B19q90qw90lq917835lq8", {"location": "New York, NY", "unit": "celsius"}),
    ]
    assert reply.content == ""


@pytest.mark.parametrize(
    ("prompt", "max_tokens", "finish"),
    [
        ("Count to a million", 5, rt.FinishReason.LENGTH),
        ("List three fruits", 64, rt.FinishReason.STOP),
        ("Something not allowed", 64, rt.FinishReason.CONTENT_FILTER),
        ("Search the web", 64, rt.FinishReason.STOP),
    ],
)
async def test_stream_finish_reasons(provider, cassette, prompt, max_tokens, finish) -> None:  # type: ignore[no-untyped-def]
    with cassette("messages_stream_finish_reasons"):
        events = await collect(
            provider.chat_stream(
                [rt.Message.user(prompt)], None, rt.ChatOptions(model="claude-sonnet-4-5", max_tokens=max_tokens)
            )
        )
    assert isinstance(events[-1], rt.DoneEvent)
    assert events[-1].finish_reason is finish


async def test_count_tokens(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("count_tokens"):
        assert await provider.count_tokens("Hello, world", "claude-sonnet-4-5") == 10


async def test_tokenize_moves_on_to_a_local_tokenizer(provider) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ModelNotAvailable, match="no token ids or offsets") as caught:
        await provider.tokenize("Hello", "claude-sonnet-4-5")
    assert caught.value.moves_on


async def test_generate_and_generate_stream(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("messages_stream_text"):
        events = [
            e
            async for e in provider.generate_stream(
                "Hello", rt.GenerateOptions(model="claude-sonnet-4-5", max_tokens=256)
            )
        ]
    assert events == [
        rt.TextEvent("Hello"),
        rt.TextEvent("!"),
        rt.GenerateDone(rt.FinishReason.STOP, rt.Usage(25, 15, 40), "claude-sonnet-4-5-20250929", "anthropic"),
    ]
