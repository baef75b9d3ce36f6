import pytest
from ratatoskr import (
    Capability,
    ChatOptions,
    EmbeddedGateway,
    GenerateOptions,
    InvalidInput,
    Message,
    ModelGateway,
    ModelStatusKind,
    NoProvider,
    PresetNotFound,
)
from ratatoskr.demo.provider import DemoProvider
from ratatoskr.testing import FakeChatProvider, FakeEmbeddingProvider


def demo_gateway() -> EmbeddedGateway:
    return EmbeddedGateway.builder().provider(DemoProvider()).build()


def test_embedded_gateway_implements_the_protocol() -> None:
    assert isinstance(demo_gateway(), ModelGateway)


async def test_preset_resolves_model_and_fills_only_unset_options() -> None:
    chat = FakeChatProvider("c")
    gw = EmbeddedGateway.builder().provider(chat).build()
    await gw.chat([Message.user("x")], options=ChatOptions(model="ratatoskr:budget/agentic", top_p=0.5))
    sent = chat.calls[0][1][2]
    assert sent.model == "xiaomi/mimo-v2-flash"
    assert (sent.temperature, sent.top_p) == (0.3, 0.5)


async def test_preset_errors_are_clear() -> None:
    gw = demo_gateway()
    with pytest.raises(PresetNotFound, match="gold"):
        await gw.chat([Message.user("x")], options=ChatOptions(model="ratatoskr:gold/agentic"))
    with pytest.raises(InvalidInput, match="ratatoskr:<tier>/<capability>"):
        await gw.embed("x", "ratatoskr:free")


async def test_presets_are_listed_and_resolved() -> None:
    gw = demo_gateway()
    presets = await gw.list_presets()
    assert {"free", "budget", "mid", "premium"} <= set(presets)
    assert "agentic" in presets["free"]
    resolution = await gw.resolve_preset("budget", "coding")
    assert resolution is not None and resolution.parameters is not None
    assert resolution.parameters.temperature == 0.3
    assert await gw.resolve_preset("budget", "dancing") is None


@pytest.mark.parametrize(
    ("call", "needle"),
    [
        (lambda gw: gw.embed("", "m"), "text is empty"),
        (lambda gw: gw.embed_batch([], "m"), "non-empty list"),
        (lambda gw: gw.embed_batch("abc", "m"), "non-empty list"),
        (lambda gw: gw.embed_batch(["ok", " "], "m"), r"texts\[1\]"),
        (lambda gw: gw.embed("x", ""), "model"),
        (lambda gw: gw.infer_nli("p", "", "m"), "hypothesis"),
        (lambda gw: gw.infer_nli_batch([("a",)], "m"), r"pairs\[0\]"),
        (lambda gw: gw.classify_zero_shot("t", ["a", "a"], "m"), "repeated: a"),
        (lambda gw: gw.classify_zero_shot("t", ["a", ""], "m"), r"labels\[1\]"),
        (lambda gw: gw.classify_zero_shot("t", ["a"], "m", hypothesis_template="no slot"), "{}"),
        (lambda gw: gw.classify_stance("t", " ", "m"), "target"),
        (lambda gw: gw.chat([], options=ChatOptions(model="m")), "at least one message"),
        (lambda gw: gw.chat([Message.user("x")], options=GenerateOptions(model="m")), "must be ChatOptions"),
        (lambda gw: gw.generate("", GenerateOptions(model="m")), "prompt"),
    ],
)
async def test_bad_input_gets_a_typed_error_naming_the_problem(call, needle: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InvalidInput, match=needle):
        await call(demo_gateway())


@pytest.mark.parametrize(
    ("call", "capability"),
    [
        (lambda gw: gw.infer_nli("a", "b", "m"), "nli"),
        (lambda gw: gw.classify_zero_shot("a", ["b"], "m"), "classify"),
        (lambda gw: gw.classify_stance("a", "b", "m"), "stance"),
        (lambda gw: gw.count_tokens("a", "m"), "tokenize"),
        (lambda gw: gw.generate("a", GenerateOptions(model="m")), "generate"),
        (lambda gw: gw.fetch_model_metadata("m"), "metadata"),
    ],
)
async def test_a_missing_capability_raises_no_provider_naming_it(call, capability: str) -> None:  # type: ignore[no-untyped-def]
    gw = EmbeddedGateway.builder().provider(FakeEmbeddingProvider("e")).build()
    with pytest.raises(NoProvider, match=capability):
        await call(gw)


async def test_capabilities_follow_the_configured_chains() -> None:
    gw = EmbeddedGateway.builder().provider(FakeChatProvider("c")).provider(FakeEmbeddingProvider("e")).build()
    assert await gw.capabilities() == {
        Capability.CHAT,
        Capability.CHAT_STREAMING,
        Capability.TOOL_USE,
        Capability.EMBED,
    }


async def test_chat_without_options_uses_the_default_chat_model() -> None:
    chat = FakeChatProvider("c")
    gw = EmbeddedGateway.builder().provider(chat).build()
    reply = await gw.chat([Message.user("x")])
    preset = await gw.resolve_preset("free", "agentic")
    assert preset is not None and reply.model == preset.model == chat.calls[0][1][2].model
    events = [e async for e in gw.chat_stream([Message.user("y")])]
    assert events[-1].model == preset.model


async def test_model_status_walks_the_chain_a_call_would_take() -> None:
    gw = demo_gateway()
    status = await gw.model_status("demo:anything")
    assert status.kind is ModelStatusKind.AVAILABLE and status.provider == "demo"
    unpinned = await gw.model_status("anything")  # the demo is never a fallback
    assert unpinned.kind is ModelStatusKind.UNAVAILABLE and unpinned.provider is None
    assert await gw.list_models() == []
    served = FakeEmbeddingProvider("e", models={"x"})
    other = FakeEmbeddingProvider("other", priority=-1)
    two = EmbeddedGateway.builder().provider(served).provider(other).build()
    assert (await two.model_status("x")).provider == "e"
    (report,) = await two.explain("y", "embed")
    assert report.status is not None and report.status.provider == "other"
    assert [(a.provider, a.declined, a.kind) for a in report.attempts] == [("e", True, "ModelNotAvailable")]
    assert (await EmbeddedGateway.builder().provider(served).build().model_status("y")).kind is (
        ModelStatusKind.UNAVAILABLE
    )


async def test_model_metadata_comes_from_the_seed_registry_without_network() -> None:
    gw = demo_gateway()
    meta = await gw.model_metadata("anthropic/claude-sonnet-4.6")
    assert meta is not None and meta.pricing is not None
    assert meta.pricing.prompt_cost_per_mtok == 3.0
    assert await gw.model_metadata("ratatoskr:premium/summariser") == await gw.model_metadata(
        "anthropic/claude-haiku-4.5"
    )
    assert await gw.model_metadata("unknown/model") is None


async def test_aclose_closes_every_provider() -> None:
    chat, embed = FakeChatProvider("c"), FakeEmbeddingProvider("e")
    async with EmbeddedGateway.builder().provider(chat).provider(embed).build():
        pass
    assert chat.closed and embed.closed


def test_sync_gateway_wraps_every_method_including_streams() -> None:
    from ratatoskr import SyncGateway

    with SyncGateway(demo_gateway) as gw:
        assert gw.chat([Message.user("hi")], options=ChatOptions(model="demo:m")).content == "echo: hi"
        events = list(gw.chat_stream([Message.user("a b")], options=ChatOptions(model="demo:m")))
        assert events[-1].type == "done"
        assert len(gw.embed("x", "demo:m").values) == 64
        with pytest.raises(InvalidInput):
            gw.embed("", "demo:m")


def test_sync_gateway_runs_on_trio_too() -> None:
    from ratatoskr import SyncGateway

    with SyncGateway(demo_gateway, backend="trio") as gw:
        assert gw.count_tokens("one two three", "demo:m") == 3
