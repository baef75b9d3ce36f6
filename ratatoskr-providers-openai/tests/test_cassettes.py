"""The OpenAI-compatible provider against recorded interactions (vcrpy cassettes, no network).

Each cassette names the OpenAI documentation page its bodies were built from. vcrpy's httpx stubs patch the
transport's ``handle_async_request``, which is backend-neutral: these tests run on asyncio and on trio.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import ratatoskr.types as rt
import vcr
from ratatoskr import errors
from ratatoskr.testing import RecordingClient
from ratatoskr.wire._pool import default_ssl_context
from ratatoskr_providers_openai.provider import OpenAIProvider

CASSETTES = Path(__file__).parent / "cassettes"
player = vcr.VCR(cassette_library_dir=str(CASSETTES), record_mode="none", match_on=["method", "uri"])


def test_every_cassette_names_its_documentation_page() -> None:
    for path in CASSETTES.glob("*.yaml"):
        text = path.read_text()
        assert "\ndocumentation: https://platform.openai.com/docs/" in text, path.name


async def test_chat_text() -> None:
    with player.use_cassette("chat_text.yaml"):
        sent = RecordingClient()
        async with sent.client as client:
            provider = OpenAIProvider(api_key="sk-test", client=client)
            got = await provider.chat(
                [rt.Message.system("You are a helpful assistant."), rt.Message.user("Hello!")], None,
                rt.ChatOptions(model="gpt-4o-mini", temperature=0.2, seed=42, max_tokens=64, stop=["\n\n"]),
            )  # fmt: skip
    assert got.content == "Hello! How can I assist you today?"
    assert got.finish_reason is rt.FinishReason.STOP
    assert got.model == "gpt-4o-mini-2024-07-18" and got.provider == "openai"
    assert got.usage == rt.Usage(19, 10, 29, reasoning_tokens=0, cached_tokens=0)
    (request,) = sent.requests
    assert request.headers["authorization"] == "Bearer sk-test"
    body = sent.body()
    # api.openai.com gets max_completion_tokens (its reasoning models refuse max_tokens)
    assert body["max_completion_tokens"] == 64 and "max_tokens" not in body
    assert (body["temperature"], body["seed"], body["stop"]) == (0.2, 42, ["\n\n"])


async def test_chat_stream_parallel_tool_calls() -> None:
    with player.use_cassette("chat_stream_tools.yaml"):
        sent = RecordingClient()
        async with sent.client as client:
            provider = OpenAIProvider(api_key="sk-test", client=client)
            events = [e async for e in provider.chat_stream(
                [rt.Message.user("Weather in Paris and Bogotá?")], None, rt.ChatOptions(model="gpt-4o"))]  # fmt: skip
    assert events == [
        rt.ToolCallStart(0, "call_DdmO9pD3xa9XTPNJ32zg2hcA", "get_weather"),
        rt.ToolCallDelta(0, '{"lo'),
        rt.ToolCallDelta(0, 'cation": "Paris, France"}'),
        rt.ToolCallStart(1, "call_ABCfIoWT9bnWpi4xhg3CIDHJ", "get_weather"),
        rt.ToolCallDelta(1, '{"location": "Bogotá, Colombia"}'),
        rt.ToolCallEnd(0),
        rt.ToolCallEnd(1),
        rt.UsageEvent(rt.Usage(82, 43, 125, reasoning_tokens=0, cached_tokens=64)),
        rt.DoneEvent(rt.FinishReason.TOOL_CALLS, "gpt-4o-2024-08-06", "openai"),
    ]
    body = sent.body()
    assert body["stream"] is True and body["stream_options"] == {"include_usage": True}


async def test_error_responses_are_mapped() -> None:
    with player.use_cassette("chat_errors.yaml"):
        async with httpx.AsyncClient(verify=default_ssl_context()) as client:
            provider = OpenAIProvider(api_key="sk-test", client=client)
            messages, options = [rt.Message.user("hi")], rt.ChatOptions(model="gpt-4o")
            with pytest.raises(errors.RateLimited, match="Rate limit reached") as limited:
                await provider.chat(messages, None, options)
            # requests are exhausted (remaining 0): their reset decides, not the token one
            assert limited.value.retry_after == pytest.approx(1.5)
            with pytest.raises(errors.ContextLengthExceeded) as overflow:
                await provider.chat(messages, None, options)
            assert overflow.value.limit == 128000
            with pytest.raises(errors.AuthenticationFailed, match="Incorrect API key"):
                await provider.chat(messages, None, options)
            # an OpenAI-compatible endpoint serves a subset of models: 404 moves the chain on
            with pytest.raises(errors.ModelNotAvailable, match="gpt-5-turbo"):
                await provider.chat(messages, None, rt.ChatOptions(model="gpt-5-turbo"))


async def test_embeddings_are_batched_and_kept_in_order() -> None:
    with player.use_cassette("embeddings_and_models.yaml"):
        sent = RecordingClient()
        async with sent.client as client:
            provider = OpenAIProvider(api_key="sk-test", client=client, embed_batch_size=2)
            got = await provider.embed_batch(["first", "second", "third"], "text-embedding-3-small")
            models = await provider.list_models()
    assert [e.values for e in got] == [(1.0, 0.0, 0.25), (0.0, 1.0, 0.5), (0.5, 0.5, 0.5)]
    assert {e.provider for e in got} == {"openai"}
    # usage.prompt_tokens counts a whole request: a token count per input only for the request of one input
    assert [e.input_tokens for e in got] == [None, None, 1]
    assert [sent.body(i)["input"] for i in (0, 1)] == [["first", "second"], ["third"]]
    assert [m.id for m in models] == ["gpt-4o-mini", "text-embedding-3-small"]


async def test_generate_through_the_completions_endpoint() -> None:
    with player.use_cassette("completions.yaml"):
        sent = RecordingClient()
        async with sent.client as client:
            provider = OpenAIProvider(base_url="http://localhost:8000/v1", client=client,
                                      generate_endpoint="completions")  # fmt: skip
            options = rt.GenerateOptions(model="Qwen/Qwen2.5-0.5B", max_tokens=7, temperature=0)
            got = await provider.generate("Say this is a test", options)
            events = [
                e
                async for e in provider.generate_stream(
                    "Say this is a test", rt.GenerateOptions(model="Qwen/Qwen2.5-0.5B")
                )
            ]
    assert got.text == "\n\nThis is indeed a test" and got.finish_reason is rt.FinishReason.LENGTH
    assert got.usage == rt.Usage(5, 7, 12)
    assert events == [rt.TextEvent("This"), rt.TextEvent(" is a test."),
                      rt.GenerateDone(rt.FinishReason.STOP, rt.Usage(5, 5, 10), "Qwen/Qwen2.5-0.5B", "openai")]  # fmt: skip
    assert "authorization" not in sent.requests[0].headers  # a local server: no key, no header
    assert sent.body() == {"model": "Qwen/Qwen2.5-0.5B", "prompt": "Say this is a test",
                                                     "max_tokens": 7, "temperature": 0}  # fmt: skip
