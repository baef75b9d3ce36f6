"""The OpenRouter provider against recorded interactions (vcrpy cassettes naming OpenRouter's docs; no network)."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
import ratatoskr.types as rt
import vcr
from ratatoskr import errors
from ratatoskr.testing import RecordingClient
from ratatoskr.wire._pool import default_ssl_context
from ratatoskr_providers_openrouter.provider import OpenRouterProvider

CASSETTES = Path(__file__).parent / "cassettes"
player = vcr.VCR(cassette_library_dir=str(CASSETTES), record_mode="none", match_on=["method", "uri"])
MODEL = "deepseek/deepseek-r1:free"


def test_every_cassette_names_its_documentation_page() -> None:
    for path in CASSETTES.glob("*.yaml"):
        assert "\ndocumentation: https://openrouter.ai/docs/" in path.read_text(), path.name


async def test_keyless_chat_with_reasoning() -> None:
    sent = RecordingClient()
    with player.use_cassette("chat_reasoning.yaml"):
        async with sent.client as client:
            provider = OpenRouterProvider(client=client, app_url="https://example.org/app", app_title="Demo")
            got = await provider.chat([rt.Message.user("How many r in strawberry?")], None,
                                      rt.ChatOptions(model=MODEL, reasoning=rt.ReasoningConfig(effort="high")))  # fmt: skip
    assert got.content == 'There are 3 r\'s in "strawberry".'
    assert got.reasoning == "s-t-r-a-w-b-e-r-r-y: r at 3, 8 and 9."  # once, not doubled by reasoning_details
    assert got.usage == rt.Usage(14, 120, 134, reasoning_tokens=104, cached_tokens=0)
    assert (got.model, got.provider, got.finish_reason) == (MODEL, "openrouter", rt.FinishReason.STOP)
    request = sent.requests[0]
    assert "authorization" not in request.headers
    assert request.headers["http-referer"] == "https://example.org/app" and request.headers["x-title"] == "Demo"
    assert sent.body()["reasoning"] == {"effort": "high"}


async def test_stream_with_keepalive_comments_and_reasoning() -> None:
    sent = RecordingClient()
    with player.use_cassette("chat_stream_reasoning.yaml"):
        async with sent.client as client:
            provider = OpenRouterProvider(api_key="sk-or-v1-test", client=client)
            options = rt.ChatOptions(
                model=MODEL, raw_provider_options={"provider": {"order": ["Chutes"], "allow_fallbacks": False}}
            )
            events = [e async for e in provider.chat_stream([rt.Message.user("2+2?")], None, options)]
    assert events == [
        rt.ReasoningEvent("Two plus"),
        rt.ReasoningEvent(" two is four."),
        rt.ContentEvent("4"),
        rt.UsageEvent(rt.Usage(9, 12, 21, reasoning_tokens=10, cached_tokens=0)),
        rt.DoneEvent(rt.FinishReason.STOP, MODEL, "openrouter"),
    ]
    assert sent.requests[0].headers["authorization"] == "Bearer sk-or-v1-test"
    body = sent.body()
    assert body["provider"] == {"order": ["Chutes"], "allow_fallbacks": False}
    assert body["stream_options"] == {"include_usage": True}


async def test_reasoning_excluded_from_output_is_sent_as_exclude() -> None:
    sent = RecordingClient()
    with player.use_cassette("chat_reasoning.yaml"):
        async with sent.client as client:
            provider = OpenRouterProvider(client=client)
            options = rt.ChatOptions(
                model=MODEL, reasoning=rt.ReasoningConfig(max_tokens=500, exclude_from_output=True)
            )
            got = await provider.chat([rt.Message.user("How many r in strawberry?")], None, options)
    assert sent.body()["reasoning"] == {"max_tokens": 500, "exclude": True}
    assert got.reasoning is None  # and dropped if a model sends it anyway


async def test_errors_are_mapped_including_mid_stream() -> None:
    with player.use_cassette("errors.yaml"):
        async with httpx.AsyncClient(verify=default_ssl_context()) as client:
            provider = OpenRouterProvider(client=client)
            messages, options = [rt.Message.user("hi")], rt.ChatOptions(model="openai/gpt-4o")
            with pytest.raises(errors.PaymentRequired, match="more credits"):
                await provider.chat(messages, None, options)
            with pytest.raises(errors.ContentFiltered, match="flagged"):
                await provider.chat(messages, None, options)
            with pytest.raises(errors.RateLimited, match="free-models-per-min") as limited:
                await provider.chat(messages, None, options)
            assert limited.value.retry_after is not None
            seen: list[object] = []
            with pytest.raises(errors.StreamError, match="Provider disconnected"):
                async for event in provider.chat_stream(messages, None, rt.ChatOptions(model=MODEL)):
                    seen.append(event)
            assert seen == [rt.ContentEvent("Par")]


async def test_model_metadata_from_the_live_list_is_cached() -> None:
    sent = RecordingClient()
    with player.use_cassette("models.yaml"):
        async with sent.client as client:
            provider = OpenRouterProvider(client=client)
            mini = await provider.fetch_metadata("openai/gpt-4o-mini")
            r1 = await provider.fetch_metadata(MODEL)
            auto = await provider.fetch_metadata("openrouter/auto")
            listed = await provider.list_models()
            with pytest.raises(errors.ModelNotFound):
                await provider.fetch_metadata("nobody/nothing")
            with pytest.raises(errors.ModelNotAvailable):
                await provider.fetch_metadata("llama3")
            # a model the (cached) list does not have is not served here: the chain moves on
            with pytest.raises(errors.ModelNotAvailable):
                await provider.chat([rt.Message.user("x")], None, rt.ChatOptions(model="nobody/nothing"))
    assert len(sent.requests) == 1, "one GET /models for all of it"
    assert mini.info.context_window == 128000 and mini.max_output_tokens == 16384
    assert mini.pricing == rt.PricingInfo(0.15, 0.6)
    assert rt.Capability.TOOL_USE in mini.info.capabilities
    assert mini.parameters[rt.ParameterName("temperature")] == rt.ParameterAvailability.mutable(
        rt.ParameterRange(0.0, 2.0)
    )
    assert mini.parameters[rt.ParameterName("response_format")].is_supported
    assert not mini.parameters[rt.ParameterName("reasoning")].is_supported
    assert not mini.parameters[rt.ParameterName("top_k")].is_supported
    assert (
        r1.parameters[rt.ParameterName("reasoning")].is_supported
        and r1.parameters[rt.ParameterName("top_k")].is_supported
    )
    assert rt.Capability.TOOL_USE not in r1.info.capabilities
    assert r1.pricing == rt.PricingInfo(0.0, 0.0)
    assert auto.pricing is None  # "-1": variable pricing
    assert [m.id for m in listed] == ["openai/gpt-4o-mini", MODEL, "openrouter/auto"]
