"""Replays of documented Ollama interactions (see cassettes/): what we send and what we decode."""

from __future__ import annotations

import json

import pytest
import ratatoskr.types as rt

WEATHER = rt.ToolDefinition(
    "get_current_weather",
    "Get the current weather for a location",
    {
        "type": "object",
        "properties": {
            "location": {
                "type": "string",
                "description": "The location to get the weather for, e.g. San Francisco, CA",
            },
            "format": {
                "type": "string",
                "description": "The format to return the weather in, e.g. 'celsius' or 'fahrenheit'",
                "enum": ["celsius", "fahrenheit"],
            },
        },
        "required": ["location", "format"],
    },
)


async def test_chat_with_every_option(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    options = rt.ChatOptions(
        model="llama3.2",
        temperature=0.8,
        top_p=0.9,
        top_k=20,
        seed=42,
        max_tokens=100,
        presence_penalty=1.5,
        frequency_penalty=1.0,
        stop=["\n", "user:"],
        response_format=rt.ResponseFormat("json_object"),
        raw_provider_options={"options": {"num_ctx": 1024}},
    )
    with cassette("chat"):
        reply = await provider.chat(
            [rt.Message.system("You are terse."), rt.Message.user("why is the sky blue?")], None, options
        )
    assert json.loads(reply.content) == {"answer": "Rayleigh scattering"}
    assert reply.usage == rt.Usage(26, 298, 324)
    assert (reply.finish_reason, reply.model, reply.provider) == (rt.FinishReason.STOP, "llama3.2", "ollama")


async def test_chat_stream(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("chat"):
        events = [
            e
            async for e in provider.chat_stream(
                [rt.Message.user("why is the sky blue?")], None, rt.ChatOptions(model="llama3.2")
            )
        ]
    assert events == [
        rt.ContentEvent("The"),
        rt.ContentEvent(" sky"),
        rt.UsageEvent(rt.Usage(26, 282, 308)),
        rt.DoneEvent(rt.FinishReason.LENGTH, "llama3.2", "ollama"),
    ]


async def test_stream_thinking_then_a_whole_tool_call(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    options = rt.ChatOptions(model="qwen3", reasoning=rt.ReasoningConfig(effort="medium"))
    with cassette("chat_thinking_tools"):
        events = [
            e
            async for e in provider.chat_stream(
                [rt.Message.user("What is the weather today in Toronto?")], [WEATHER], options
            )
        ]
    assert events[:2] == [
        rt.ReasoningEvent("The user wants Toronto's weather."),
        rt.ReasoningEvent(" I should call the tool."),
    ]
    start, delta, end = events[2:5]
    assert isinstance(start, rt.ToolCallStart) and start.index == 0 and start.name == "get_current_weather"
    assert start.id.startswith("call_")
    assert delta == rt.ToolCallDelta(0, delta.arguments) and end == rt.ToolCallEnd(0)
    assert json.loads(delta.arguments) == {"format": "celsius", "location": "Toronto"}
    assert events[-1] == rt.DoneEvent(rt.FinishReason.TOOL_CALLS, "qwen3", "ollama")


async def test_tool_result_turn(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    messages = [
        rt.Message.user("What is the weather today in Toronto?"),
        rt.Message.assistant(
            "", [rt.ToolCall("call_toronto", "get_current_weather", '{"format": "celsius", "location": "Toronto"}')]
        ),
        rt.Message.tool_result("call_toronto", "11 degrees celsius"),
    ]
    options = rt.ChatOptions(model="qwen3", reasoning=rt.ReasoningConfig(effort="none"))
    with cassette("chat_thinking_tools"):
        reply = await provider.chat(messages, None, options)
    assert reply.content == "It is 11 degrees celsius in Toronto."
    assert reply.reasoning is None


async def test_generate_and_generate_stream(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("generate_embed_tags"):
        whole = await provider.generate("Why is the sky blue?", rt.GenerateOptions(model="llama3.2"))
        parts = [
            e
            async for e in provider.generate_stream(
                "Why is the sky blue?", rt.GenerateOptions(model="llama3.2", max_tokens=2)
            )
        ]
    assert whole.text == "The sky is blue because it is the color of the sky."
    assert whole.usage == rt.Usage(26, 290, 316)
    assert parts == [
        rt.TextEvent("The"),
        rt.TextEvent(" sky"),
        rt.GenerateDone(rt.FinishReason.LENGTH, rt.Usage(26, 2, 28), "llama3.2", "ollama"),
    ]


async def test_embed_batches(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    texts = ["Why is the sky blue?", "Why is the grass green?", "Why is the sea salty?"]
    with cassette("generate_embed_tags") as cas:
        vectors = await provider.embed_batch(texts, "all-minilm")  # embed_batch_size=2: two requests
    assert [len(v.values) for v in vectors] == [4, 4, 4]
    # prompt_eval_count covers a request: a count per input only for the request of one input
    assert vectors[2] == rt.Embedding(
        [0.05007221, 0.04692972, 0.054916814, 0.008599704], "all-minilm", "ollama", input_tokens=8
    )
    assert [v.input_tokens for v in vectors[:2]] == [None, None]
    assert cas.play_count == 2


async def test_list_models_and_model_status(provider, cassette) -> None:  # type: ignore[no-untyped-def]
    with cassette("generate_embed_tags"):
        infos = await provider.list_models()
        pulled = await provider.model_status("llama3")
        missing = await provider.model_status("mistral")
    assert [i.id for i in infos] == ["codellama:13b", "llama3:latest", "all-minilm:latest"]
    assert rt.Capability.EMBED in infos[2].capabilities and rt.Capability.CHAT in infos[0].capabilities
    assert pulled.kind is rt.ModelStatusKind.AVAILABLE
    assert missing.kind is rt.ModelStatusKind.UNAVAILABLE and "ollama pull mistral" in (missing.reason or "")


@pytest.mark.parametrize("hide", [True, False])
async def test_exclude_from_output(provider, cassette, hide) -> None:  # type: ignore[no-untyped-def]
    options = rt.ChatOptions(model="qwen3", reasoning=rt.ReasoningConfig(effort="high", exclude_from_output=hide))
    with cassette("chat_thinking_tools"):
        events = [
            e
            async for e in provider.chat_stream(
                [rt.Message.user("What is the weather today in Toronto?")], [WEATHER], options
            )
        ]
    assert any(isinstance(e, rt.ReasoningEvent) for e in events) is not hide
