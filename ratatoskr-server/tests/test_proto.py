"""The committed generated code matches the proto, and the typed messages carry every field of their types."""

from __future__ import annotations

import attrs
import pytest
import ratatoskr.types as rt
from ratatoskr_server._generated import ratatoskr_pb2 as pb


def test_generated_code_is_up_to_date() -> None:
    pytest.importorskip("grpc_tools")
    from ratatoskr_server._build_proto import main

    assert main(["--check"]) == 0, "run: uv run python -m ratatoskr_server._build_proto"


@pytest.mark.parametrize(
    ("cls", "message", "renamed"),
    [
        (rt.Embedding, pb.Embedding, {}),
        (rt.Embedding, pb.EmbedResponse, {}),
        (rt.NliResult, pb.NliResponse, {}),
        (rt.ClassifyResult, pb.ClassifyResponse, {}),
        (rt.StanceResult, pb.StanceResponse, {}),
        (rt.Token, pb.Token, {}),
        (rt.ModelInfo, pb.ModelInfo, {}),
        (rt.ModelStatus, pb.ModelStatusResponse, {"kind": "status"}),
        (rt.ModelMetadata, pb.ProtoModelMetadata, {}),
        (rt.Usage, pb.Usage, {}),
        (rt.Message, pb.Message, {}),
        (rt.ReasoningBlock, pb.ReasoningBlock, {}),
        (rt.ToolCall, pb.ToolCall, {}),
        (
            rt.ToolDefinition,
            pb.ToolDefinition,
            {"parameters": "parameters_json", "cache_control": "cache_control_json"},
        ),
        (rt.ChatOptions, pb.ChatOptions, {}),
        (rt.ReasoningConfig, pb.ReasoningConfig, {}),
        (rt.ResponseFormat, pb.ResponseFormat, {"type": "text", "schema": "json_schema"}),
        (rt.ChatResponse, pb.ChatResponse, {}),
        (rt.GenerateOptions, pb.GenerateOptions, {"stop": "stop_sequences"}),
        (rt.GenerateResponse, pb.GenerateResponse, {}),
        (rt.PresetParameters, pb.ProtoPresetParameters, {}),
        (rt.ReasoningEvent, pb.ChatEvent, {"text": "reasoning", "hidden": "hidden_reasoning"}),
        (rt.DoneEvent, pb.ChatEvent, {}),
        (rt.GenerateDone, pb.GenerateEvent, {}),
    ],
)
def test_typed_messages_carry_every_field(cls: type, message: type, renamed: dict[str, str]) -> None:
    """A field added to one of these types must be added to the proto too, with a new number."""
    fields = {renamed.get(a.name, a.name) for a in attrs.fields(cls)}
    missing = fields - set(message.DESCRIPTOR.fields_by_name)  # type: ignore[attr-defined]
    assert not missing, f"{cls.__name__} fields without a home in {message.__name__}: {missing}"


def test_decoding_defaults_of_the_original() -> None:
    from ratatoskr.types import NliLabel, ParameterAvailability, Role, StanceLabel
    from ratatoskr_server import _codec_chat as CC
    from ratatoskr_server import _convert as C

    assert CC.chat_event_from_pb(pb.ChatEvent()) == rt.DoneEvent()  # a missing oneof is Done
    assert CC.generate_event_from_pb(pb.GenerateEvent()) == rt.GenerateDone()
    assert CC.message_from_pb(pb.Message(content="x")).role is Role.USER  # UNSPECIFIED is user
    assert C._availability_from_pb(pb.ProtoParameterAvailability()) == ParameterAvailability.opaque()
    assert C.nli_from_pb(pb.NliResponse(label=0)).label is NliLabel.NEUTRAL
    assert C.nli_from_pb(pb.NliResponse(label=99)).label is NliLabel.NEUTRAL  # unknown → neutral
    assert C.stance_from_pb(pb.StanceResponse(label=99)).label is StanceLabel.NEUTRAL
    assert CC.finish_from_pb(99) == "stop"
    status = C.model_status_from_pb(pb.ModelStatusResponse(status=99))
    assert (status.kind, status.reason) == ("unavailable", "Unknown")
    assert CC.tool_choice_from_pb(pb.ToolChoice()).mode == "auto"
    assert CC.response_format_from_pb(pb.ResponseFormat()).type == "text"


def test_hidden_reasoning_shows_nothing_to_an_original_client() -> None:
    from ratatoskr_server import _codec_chat as CC

    event = rt.ReasoningEvent("secret thoughts", signature="sig", hidden=True)
    message = CC.chat_event(event)
    assert message.WhichOneof("event") == "reasoning" and message.reasoning == ""
    assert CC.chat_event_from_pb(message) == event


def test_float32_options_arrive_as_typed() -> None:
    from ratatoskr_server import _codec_chat as CC

    for value in (0.2, 0.7, 1.0, 0.95, 1.3, 0.1234567, 2.0, 0.0):
        sent = CC.chat_options_to_pb(rt.ChatOptions(model="m", temperature=value, top_p=min(value, 1.0)))
        back = CC.chat_options_from_pb(pb.ChatOptions.FromString(sent.SerializeToString()))
        assert back.temperature == value and back.top_p == min(value, 1.0)


def test_chat_options_decode_only_what_is_set_and_every_field_round_trips() -> None:
    from ratatoskr_server import _codec_chat as CC

    assert set(CC._CHAT_OPTION_FIELDS) == set(pb.ChatOptions.DESCRIPTOR.fields_by_name)  # a new field needs a decoder
    full = rt.ChatOptions(
        model="m",
        temperature=0.5,
        max_tokens=7,
        top_p=0.25,
        top_k=3,
        stop=["x", "y"],
        frequency_penalty=-1.5,
        presence_penalty=1.0,
        seed=0,
        reasoning=rt.ReasoningConfig(rt.ReasoningEffort.HIGH, 100, True),
        raw_provider_options={"a": [1]},
        tool_choice=rt.ToolChoice.named("f"),
        parallel_tool_calls=False,
        response_format=rt.ResponseFormat("json_schema", {"type": "object"}, "s", True),
        cache_prompt=False,
    )
    assert all(getattr(full, a.name) is not None for a in attrs.fields(rt.ChatOptions))
    for options in (full, rt.ChatOptions(model="m"), rt.ChatOptions(model="m", seed=0, cache_prompt=False)):
        sent = CC.chat_options_to_pb(options).SerializeToString()
        assert CC.chat_options_from_pb(pb.ChatOptions.FromString(sent)) == options
    with pytest.raises(ValueError, match="raw_provider_options"):  # the first undecodable field is the one named
        bad = pb.ChatOptions(model="m", raw_provider_options="{", response_format=pb.ResponseFormat(json_schema="nope"))
        CC.chat_options_from_pb(bad)


def test_cost_and_extra_prices_travel() -> None:
    from ratatoskr.types import Cost, PricingInfo
    from ratatoskr_server import _codec_chat as CC
    from ratatoskr_server import _convert

    usage = rt.Usage(10, 5, 15, cost=Cost(0.5, 0.2, 0.3, cached=0.1))
    assert CC.usage_from_pb(CC.usage_to_pb(usage)) == usage
    assert CC.usage_from_pb(CC.usage_to_pb(rt.Usage(1, 2, 3))).cost is None
    meta = rt.ModelMetadata(rt.ModelInfo("m", "p"), pricing=PricingInfo(1.0, 2.0, cached_cost_per_mtok=0.1))
    assert _convert.metadata_from_pb_message(_convert.metadata_to_pb(meta)).pricing == meta.pricing


def test_the_one_capability_enum_maps_to_the_proto_model_capability() -> None:
    from ratatoskr.types import Capability
    from ratatoskr_server import _convert as C
    from ratatoskr_server._generated import ratatoskr_pb2 as pb

    sent = C.capabilities_to_pb([Capability.CHAT, Capability.TOKENIZE, Capability.METADATA, Capability.TOOL_USE])
    assert sent == [pb.MODEL_CAPABILITY_CHAT, pb.MODEL_CAPABILITY_TOKEN_COUNTING, pb.MODEL_CAPABILITY_TOOL_USE]
    every = [c for c in Capability if c is not Capability.METADATA]  # the proto has no metadata value
    assert C.capabilities_from_list(C.capabilities_to_pb(every)) == tuple(every)
    assert C.capabilities_from_list([99]) == ()  # a newer daemon's value is skipped
