"""A client built from the ORIGINAL's API (tests/conformance/spec_v1.proto, written from the spec's §4 field table,
not from the daemon's own proto) gets correct answers from every one of the 20 RPCs of a running ratd.

The spec proto is compiled at test time by grpcio-tools into a descriptor set in a temporary directory and loaded
into a private descriptor pool, so its classes never meet the daemon's generated ones.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import grpc
import pytest
from google.protobuf import descriptor_pb2, descriptor_pool, message_factory
from ratatoskr.gateway import EmbeddedGateway
from ratatoskr_server.server import ServerThread

from .conftest import f32, make_gateway

SPEC = Path(__file__).parent / "conformance" / "spec_v1.proto"
RPCS = [
    "Chat", "ChatStream", "Generate", "GenerateStream", "Embed", "EmbedBatch", "InferNli", "InferNliBatch",
    "ClassifyZeroShot", "ClassifyStance", "CountTokens", "Tokenize", "ListModels", "ModelStatus",
    "GetModelMetadata", "FetchModelMetadata", "ResolvePreset", "ListPresets", "Health", "GetCapabilities",
]  # fmt: skip


class SpecClient:
    """Message classes and callables for every RPC of the spec's service."""

    def __init__(self, pool: descriptor_pool.DescriptorPool, channel: grpc.Channel) -> None:
        self.pool = pool
        self.service = pool.FindServiceByName("ratatoskr.v1.Ratatoskr")
        self.calls: dict[str, Callable[..., Any]] = {}
        for method in self.service.methods:
            out = self.cls(method.output_type.name)
            path = f"/ratatoskr.v1.Ratatoskr/{method.name}"
            kind = channel.unary_stream if method.server_streaming else channel.unary_unary
            self.calls[method.name] = kind(
                path, request_serializer=lambda m: m.SerializeToString(), response_deserializer=out.FromString
            )

    def cls(self, name: str) -> Any:
        return message_factory.GetMessageClass(self.pool.FindMessageTypeByName(f"ratatoskr.v1.{name}"))

    def enum(self, name: str, value: int) -> str:
        return self.pool.FindEnumTypeByName(f"ratatoskr.v1.{name}").values_by_number[value].name

    def __call__(self, method: str, request: Any, **kw: Any) -> Any:
        return self.calls[method](request, timeout=10, **kw)


@pytest.fixture(scope="module")
def spec_pool(tmp_path_factory: pytest.TempPathFactory) -> descriptor_pool.DescriptorPool:
    protoc = pytest.importorskip("grpc_tools.protoc")
    out = tmp_path_factory.mktemp("spec") / "spec.pb"
    assert protoc.main(["protoc", f"-I{SPEC.parent}", f"--descriptor_set_out={out}", SPEC.name]) == 0
    files = descriptor_pb2.FileDescriptorSet.FromString(out.read_bytes())
    pool = descriptor_pool.DescriptorPool()
    for file in files.file:
        pool.Add(file)
    return pool


@pytest.fixture
def spec(spec_pool: descriptor_pool.DescriptorPool, daemon: ServerThread) -> Iterator[SpecClient]:
    with grpc.insecure_channel(daemon.address) as channel:
        yield SpecClient(spec_pool, channel)


def direct(call: Callable[[EmbeddedGateway], Any]) -> Any:
    async def run() -> Any:
        async with make_gateway() as gateway:
            return await call(gateway)

    return anyio.run(run)


def test_the_spec_has_the_20_rpcs(spec: SpecClient) -> None:
    assert sorted(m.name for m in spec.service.methods) == sorted(RPCS)
    streaming = {m.name for m in spec.service.methods if m.server_streaming}
    assert streaming == {"ChatStream", "GenerateStream"}


def _chat_request(spec: SpecClient) -> Any:
    M = spec.cls
    return M("ChatRequest")(
        messages=[
            M("Message")(role=0, content="unspecified role is a user"),
            M("Message")(role=3, content="", tool_calls=[M("ToolCall")(id="c0", name="lookup", arguments='{"q":1}')]),
            M("Message")(role=4, content="42", tool_call_id="c0"),
        ],
        tools=[
            M("ToolDefinition")(
                name="lookup",
                description="Look up",
                parameters_json='{"type":"object","properties":{"q":{"type":"integer"}}}',
                cache_control_json='{"type":"ephemeral"}',
            )
        ],
        options=M("ChatOptions")(
            model="scripted",
            temperature=0.2,
            max_tokens=64,
            stop=["END"],
            seed=7,
            tool_choice=M("ToolChoice")(function="lookup"),
            response_format=M("ResponseFormat")(json_schema='{"type":"object"}'),
            reasoning=M("ReasoningConfig")(effort=5, max_tokens=256),
            top_k=40,
            raw_provider_options='{"provider":{"order":["a"]}}',
            parallel_tool_calls=False,
        ),
    )


def test_chat(spec: SpecClient) -> None:
    reply = spec("Chat", _chat_request(spec))
    received = json.loads(reply.content)  # what the provider in the daemon received
    roles = [m["role"] for m in received["messages"]]
    assert roles == ["user", "assistant", "tool"]  # ROLE_UNSPECIFIED decodes as user
    assert received["messages"][2]["tool_call_id"] == "c0"
    assert received["tools"] == [
        {
            "name": "lookup",
            "description": "Look up",
            "parameters": {"type": "object", "properties": {"q": {"type": "integer"}}},
            "cache_control": {"type": "ephemeral"},
        }
    ]
    options = received["options"]
    assert options["temperature"] == 0.2  # float32 on the wire, the shortest decimal again
    assert (options["max_tokens"], options["stop"], options["seed"], options["top_k"]) == (64, ["END"], 7, 40)
    assert options["tool_choice"] == {"mode": "function", "function": "lookup"}
    assert options["response_format"] == {"type": "json_schema", "schema": {"type": "object"}}
    assert options["reasoning"] == {"effort": "high", "max_tokens": 256}
    assert options["raw_provider_options"] == {"provider": {"order": ["a"]}}
    assert options["parallel_tool_calls"] is False
    assert reply.reasoning == "thought"
    assert [(c.id, c.name, c.arguments) for c in reply.tool_calls] == [("call_1", "lookup", '{"q": "x"}')]
    assert (reply.usage.prompt_tokens, reply.usage.completion_tokens, reply.usage.total_tokens) == (10, 5, 15)
    assert reply.usage.reasoning_tokens == 3
    assert (reply.model, spec.enum("FinishReason", reply.finish_reason)) == ("scripted", "FINISH_REASON_TOOL_CALLS")


def test_chat_defaults_for_empty_oneofs(spec: SpecClient) -> None:
    M = spec.cls
    request = M("ChatRequest")(
        messages=[M("Message")(role=2, content="hi")],
        options=M("ChatOptions")(
            model="scripted", tool_choice=M("ToolChoice")(), response_format=M("ResponseFormat")()
        ),
    )
    options = json.loads(spec("Chat", request).content)["options"]
    assert options["tool_choice"] == {"mode": "auto"} and options["response_format"] == {"type": "text"}
    assert "stop" not in options  # an empty stop list is none


def test_chat_stream(spec: SpecClient) -> None:
    events = list(spec("ChatStream", _chat_request(spec)))
    kinds = [e.WhichOneof("event") for e in events]
    assert kinds == [
        "reasoning", "reasoning", "reasoning", "content", "tool_call_start", "tool_call_delta",
        "tool_call_delta", "tool_call_end", "usage", "done",
    ]  # fmt: skip
    assert events[0].reasoning == "thinking"
    assert events[1].reasoning == events[2].reasoning == ""  # signature/redacted blocks: nothing to show
    start = events[4].tool_call_start
    assert (start.index, start.id, start.name) == (0, "call_1", "lookup")
    assert "".join(e.tool_call_delta.arguments for e in events[5:7]) == '{"q": "x"}'
    assert events[7].tool_call_end.index == 0
    assert events[8].usage.total_tokens == 15 and events[9].done


def test_generate_and_stream(spec: SpecClient) -> None:
    M = spec.cls
    request = M("GenerateRequest")(
        prompt="once upon", options=M("GenerateOptions")(model="demo:m", max_tokens=5, stop_sequences=["x"])
    )
    reply = spec("Generate", request)
    assert reply.text == "echo: once upon" and reply.model == "m"
    assert spec.enum("FinishReason", reply.finish_reason) == "FINISH_REASON_STOP" and reply.usage.total_tokens == 6
    events = list(spec("GenerateStream", request))
    assert "".join(e.text for e in events[:-1]) == "echo: once upon"
    assert [e.WhichOneof("event") for e in events] == ["text", "text", "text", "done"]


def test_embeddings(spec: SpecClient) -> None:
    M = spec.cls
    one = spec("Embed", M("EmbedRequest")(text="héllo", model="demo:m"))
    expected = direct(lambda g: g.embed("héllo", "demo:m"))
    assert tuple(one.values) == f32(expected.values) and one.dimensions == len(one.values) and one.model == "m"
    batch = spec("EmbedBatch", M("EmbedBatchRequest")(texts=["a", "héllo"], model="demo:m"))
    assert [tuple(e.values) for e in batch.embeddings] == [
        f32(tuple(e.values)) for e in direct(lambda g: g.embed_batch(["a", "héllo"], "demo:m"))
    ]


def test_nli(spec: SpecClient) -> None:
    M = spec.cls
    reply = spec("InferNli", M("NliRequest")(premise="the cat sat on the mat", hypothesis="a cat sat", model="demo:m"))
    expected = direct(lambda g: g.infer_nli("the cat sat on the mat", "a cat sat", "demo:m"))
    assert (reply.entailment, reply.contradiction, reply.neutral) == f32(
        (expected.entailment, expected.contradiction, expected.neutral)
    )
    assert spec.enum("NliLabel", reply.label) == "NLI_LABEL_ENTAILMENT"
    pairs = [M("NliPair")(premise="a b", hypothesis="a"), M("NliPair")(premise="x", hypothesis="not x")]
    batch = spec("InferNliBatch", M("NliBatchRequest")(pairs=pairs, model="demo:m"))
    assert [spec.enum("NliLabel", r.label) for r in batch.results] == [
        "NLI_LABEL_ENTAILMENT",
        "NLI_LABEL_CONTRADICTION",
    ]


def test_classify_and_stance(spec: SpecClient) -> None:
    M = spec.cls
    labels = ["tech", "food", "love"]
    reply = spec("ClassifyZeroShot", M("ClassifyRequest")(text="I love this phone", labels=labels, model="demo:m"))
    expected = direct(lambda g: g.classify_zero_shot("I love this phone", labels, "demo:m"))
    assert dict(reply.scores) == f32(expected.scores)
    assert (reply.top_label, reply.confidence) == (expected.top_label, f32(expected.confidence))
    stance = spec("ClassifyStance", M("StanceRequest")(text="taxes should go down", target="taxes", model="demo:m"))
    assert spec.enum("StanceLabel", stance.label) == "STANCE_LABEL_FAVOR" and stance.target == "taxes"
    assert stance.favor == f32(0.8)


def test_tokens(spec: SpecClient) -> None:
    M = spec.cls
    text = "héllo wörld, again"
    assert spec("CountTokens", M("TokenCountRequest")(text=text, model="demo:m")).count == 4
    tokens = spec("Tokenize", M("TokenizeRequest")(text=text, model="demo:m")).tokens
    raw = text.encode()
    assert [t.text for t in tokens] == ["héllo", "wörld", ",", "again"]
    assert all(raw[t.start : t.end].decode() == t.text for t in tokens)  # byte offsets


def test_models_and_status(spec: SpecClient) -> None:
    M = spec.cls
    models = spec("ListModels", M("ListModelsRequest")()).models
    assert [(m.id, m.provider) for m in models] == [(i.id, i.provider) for i in direct(lambda g: g.list_models())]
    status = spec("ModelStatus", M("ModelStatusRequest")(model="demo:m"))
    assert spec.enum("ModelStatus", status.status) == "MODEL_STATUS_AVAILABLE" and status.reason
    caps = spec("GetCapabilities", M("CapabilitiesRequest")()).capabilities
    names = {spec.enum("ModelCapability", c) for c in caps}
    assert {"MODEL_CAPABILITY_CHAT", "MODEL_CAPABILITY_EMBED", "MODEL_CAPABILITY_NLI"} <= names
    assert len(names) == len(direct(lambda g: g.capabilities()))


def test_metadata(spec: SpecClient) -> None:
    M = spec.cls
    fetched = spec("FetchModelMetadata", M("ModelMetadataRequest")(model="some/model"))
    assert fetched.found and fetched.metadata.info.id == "some/model"
    assert fetched.metadata.info.context_window == 8192 and fetched.metadata.max_output_tokens == 4096
    kinds = {p.name: p.availability.WhichOneof("kind") for p in fetched.metadata.parameters}
    assert kinds == {
        "temperature": "mutable_range",
        "seed": "read_only_json",
        "top_k": "unsupported",
        "x_custom": "opaque",
    }
    params = {p.name: p.availability for p in fetched.metadata.parameters}
    r = params["temperature"].mutable_range
    assert (r.min, r.max, r.default_value) == (0.0, 2.0, 1.0)
    assert json.loads(params["seed"].read_only_json) == {"fixed": 7}
    assert (fetched.metadata.pricing.prompt_cost_per_mtok, fetched.metadata.pricing.completion_cost_per_mtok) == (
        0.5,
        1.5,
    )
    missing = spec("GetModelMetadata", M("ModelMetadataRequest")(model="no/such-model"))
    assert not missing.found and not missing.HasField("metadata")


def test_presets_and_registry_metadata(spec: SpecClient) -> None:
    M = spec.cls
    tiers = spec("ListPresets", M("ListPresetsRequest")()).tiers
    table = {t.tier: set(t.capabilities) for t in tiers}
    assert table == {k: set(v) for k, v in direct(lambda g: g.list_presets()).items()} and table
    tier, caps = next(iter(table.items()))
    capability = sorted(caps)[0]
    found = spec("ResolvePreset", M("ResolvePresetRequest")(tier=tier, capability=capability))
    expected = direct(lambda g: g.resolve_preset(tier, capability))
    assert found.found and found.model_id == expected.model
    known = spec("GetModelMetadata", M("ModelMetadataRequest")(model=expected.model))
    assert known.found == (direct(lambda g: g.model_metadata(expected.model)) is not None)
    nothing = spec("ResolvePreset", M("ResolvePresetRequest")(tier="no-such-tier", capability="chat"))
    assert not nothing.found and not nothing.HasField("model_id")


def test_health(spec: SpecClient) -> None:
    health = spec("Health", spec.cls("HealthRequest")())
    assert health.healthy and health.version


@pytest.mark.parametrize(
    ("text", "code", "details"),
    [
        ("RateLimited", grpc.StatusCode.RESOURCE_EXHAUSTED, "Rate limited, retry after 1.5s"),
        ("ModelNotAvailable", grpc.StatusCode.UNAVAILABLE, None),
        ("ModelNotFound", grpc.StatusCode.NOT_FOUND, "Model not found: boom"),
        ("InvalidInput", grpc.StatusCode.INVALID_ARGUMENT, None),
        ("AuthenticationFailed", grpc.StatusCode.UNAUTHENTICATED, None),
        ("ContentFiltered", grpc.StatusCode.PERMISSION_DENIED, None),
        ("ContextLengthExceeded", grpc.StatusCode.OUT_OF_RANGE, None),
        ("TransportError", grpc.StatusCode.INTERNAL, None),
    ],
)
def test_errors_as_the_original_maps_them(
    spec: SpecClient, text: str, code: grpc.StatusCode, details: str | None
) -> None:
    with pytest.raises(grpc.RpcError) as info:
        spec("Embed", spec.cls("EmbedRequest")(text=text, model="errors:boom"))
    assert info.value.code() is code
    if details is not None:
        assert info.value.details() == details
    if text == "ContextLengthExceeded":
        assert info.value.details().endswith("512 tokens")  # the original's client reads the limit from here
    assert dict(info.value.trailing_metadata())["ratatoskr-error-class"] == text
