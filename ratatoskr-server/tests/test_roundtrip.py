"""Every RPC returns through ServiceClient what the same gateway returns when called directly (asyncio and trio)."""

from __future__ import annotations

import json

from ratatoskr import serde
from ratatoskr.gateway import EmbeddedGateway
from ratatoskr.protocol import ModelGateway
from ratatoskr.types import (
    ChatOptions,
    GenerateOptions,
    Message,
    ReasoningBlock,
    ReasoningConfig,
    ResponseFormat,
    ToolCall,
    ToolChoice,
    ToolDefinition,
)
from ratatoskr_server import ServiceClient

from .conftest import f32

MESSAGES = [
    Message.system("be brief"),
    Message.user("héllo, what is x?"),
    Message.assistant(
        "",
        [ToolCall("call_0", "lookup", '{"q": "x"}')],
        reasoning=[
            ReasoningBlock("I should look it up", signature="sig-0", provider="scripted"),
            ReasoningBlock("", redacted="b64==", provider="scripted"),
        ],
    ),
    Message.tool_result("call_0", "x is 42", name="lookup"),
]
TOOLS = [
    ToolDefinition(
        "lookup",
        "Look something up",
        {
            "type": "object",
            "properties": {"q": {"type": "string", "minLength": 1}, "limit": {"type": "integer", "enum": [1, 5]}},
            "required": ["q"],
            "additionalProperties": False,
        },
        cache_control={"type": "ephemeral"},
    )
]
OPTIONS = ChatOptions(
    model="scripted",
    temperature=0.2,
    max_tokens=64,
    top_p=0.9,
    top_k=40,
    stop=["END"],
    frequency_penalty=0.1,
    presence_penalty=-0.1,
    seed=7,
    tool_choice=ToolChoice.named("lookup"),
    parallel_tool_calls=False,
    response_format=ResponseFormat("json_schema", {"type": "object", "properties": {"a": {"type": "number"}}}, "ans"),
    cache_prompt=True,
    reasoning=ReasoningConfig("high", 256, exclude_from_output=False),
    raw_provider_options={"provider": {"order": ["a", "b"], "allow_fallbacks": False}},
)


def test_service_client_is_a_model_gateway() -> None:
    assert isinstance(ServiceClient("127.0.0.1:1"), ModelGateway)


async def test_chat_carries_every_field_both_ways(client: ServiceClient, direct: EmbeddedGateway) -> None:
    remote = await client.chat(MESSAGES, TOOLS, OPTIONS)
    assert remote == await direct.chat(MESSAGES, TOOLS, OPTIONS)
    received = json.loads(remote.content)  # what the provider got inside the daemon
    assert received["options"] == serde.unstructure(OPTIONS)
    assert received["tools"] == [serde.unstructure(t) for t in TOOLS]
    assert received["messages"] == [serde.unstructure(m) for m in MESSAGES]
    assert remote.reasoning_blocks[0].signature == "sig-1"
    assert remote.reasoning_blocks[1].redacted == "opaque=="
    assert remote.usage is not None and remote.usage.cached_tokens == 4 and remote.usage.cache_creation_tokens == 2
    assert (remote.model, remote.provider) == ("scripted", "scripted")


async def test_chat_stream_events_round_trip(client: ServiceClient, direct: EmbeddedGateway) -> None:
    remote = [e async for e in client.chat_stream(MESSAGES, TOOLS, OPTIONS)]
    local = [e async for e in direct.chat_stream(MESSAGES, TOOLS, OPTIONS)]
    assert remote == local
    kinds = [e.type for e in remote]
    assert kinds == [
        "reasoning",
        "reasoning",
        "reasoning",
        "content",
        "tool_call_start",
        "tool_call_delta",
        "tool_call_delta",
        "tool_call_end",
        "usage",
        "done",
    ]
    assert remote[1].signature == "sig-1" and remote[2].redacted == "opaque=="
    done = remote[-1]
    assert (done.finish_reason, done.model, done.provider) == ("tool_calls", "scripted", "scripted")


async def test_chat_without_tools_on_a_demo_pin(client: ServiceClient, direct: EmbeddedGateway) -> None:
    messages = [Message.user("hi")]
    options = ChatOptions(model="demo:anything")
    assert await client.chat(messages, None, options) == await direct.chat(messages, None, options)


async def test_generate_and_stream(client: ServiceClient, direct: EmbeddedGateway) -> None:
    options = GenerateOptions(model="demo:m", max_tokens=5, stop=["x"], raw_provider_options={"a": {"b": [1, 2]}})
    assert await client.generate("once upon", options) == await direct.generate("once upon", options)
    remote = [e async for e in client.generate_stream("once upon", options)]
    assert remote == [e async for e in direct.generate_stream("once upon", options)]
    assert remote[-1].type == "done"


async def test_analysis_capabilities(client: ServiceClient, direct: EmbeddedGateway) -> None:
    for gateway_call in (
        lambda g: g.embed("héllo wörld", "demo:m"),
        lambda g: g.embed_batch(["a", "bb", "héllo"], "demo:m"),
        lambda g: g.infer_nli("the cat sat on the mat", "a cat sat", "demo:m"),
        lambda g: g.infer_nli_batch([("a b", "a"), ("x", "not x")], "demo:m"),
        lambda g: g.classify_zero_shot("I love this phone", ["tech", "food", "love"], "demo:m"),
        lambda g: g.classify_zero_shot(
            "I love this phone", ["tech", "food"], "demo:m", multi_label=True, hypothesis_template="About {}."
        ),
        lambda g: g.classify_stance("taxes should go down", "taxes", "demo:m"),
        lambda g: g.count_tokens("héllo wörld, again", "demo:m"),
        lambda g: g.tokenize("héllo wörld, again", "demo:m"),
    ):
        remote = await gateway_call(client)
        assert remote == f32(await gateway_call(direct))  # scores and vectors are float32 on the wire
    assert [e.input_tokens for e in await client.embed_batch(["a", "bb cc"], "demo:m")] == [1, 2]  # carried
    classified = await client.classify_zero_shot("I love this phone", ["tech", "food", "love"], "demo:m")
    assert list(classified.scores) == ["tech", "food", "love"]  # order kept


async def test_introspection(client: ServiceClient, direct: EmbeddedGateway) -> None:
    assert await client.list_models() == await direct.list_models()
    assert await client.model_status("demo:m") == await direct.model_status("demo:m")
    assert await client.capabilities() == await direct.capabilities()
    assert await client.list_presets() == await direct.list_presets()
    for tier, caps in (await direct.list_presets()).items():
        for cap in caps:
            assert await client.resolve_preset(tier, cap) == await direct.resolve_preset(tier, cap)
    assert await client.resolve_preset("no-such-tier", "chat") is None


async def test_metadata(client: ServiceClient, direct: EmbeddedGateway) -> None:
    fetched = await client.fetch_model_metadata("some/model")
    assert fetched == await direct.fetch_model_metadata("some/model")
    assert fetched.parameters and fetched.pricing is not None
    known = next(iter((await direct.list_presets()).items()))
    model = (await direct.resolve_preset(known[0], next(iter(known[1])))).model  # a model the registry knows
    assert await client.model_metadata(model) == await direct.model_metadata(model)
    assert await client.model_metadata("no/such-model") is None


async def test_health(client: ServiceClient) -> None:
    health = await client.health()
    assert health.healthy and health.version and health.core_version
    assert set(health.providers) >= {"demo", "scripted", "errors"}
