"""JSON shapes: one converter, compatible with the original registry files."""

import json

from hypothesis import given
from hypothesis import strategies as st
from ratatoskr import (
    Capability,
    ContentEvent,
    DoneEvent,
    FinishReason,
    ModelMetadata,
    ModelRegistry,
    ModelStatus,
    ModelStatusKind,
    ParameterAvailability,
    ParameterName,
    ParameterRange,
    ToolCallStart,
    Usage,
    UsageEvent,
)
from ratatoskr.serde import event_from_json, event_to_json, structure, unstructure

ORIGINAL_ENTRY = {
    "info": {
        "id": "x/y",
        "provider": "openrouter",
        "capabilities": ["Chat", "ToolUse"],
        "context_window": 1000,
        "dimensions": None,
    },
    "parameters": {
        "temperature": {"availability": "mutable", "range": {"min": 0.0, "max": 2.0}},
        "tools": {"availability": "opaque"},
        "seed": {"availability": "read_only", "value": 7},
        "logit_bias": {"availability": "unsupported"},
    },
    "pricing": {"prompt_cost_per_mtok": 1.0, "completion_cost_per_mtok": 5.0},
    "max_output_tokens": 64000,
}


def test_original_registry_entry_round_trips() -> None:
    meta = structure(ORIGINAL_ENTRY, ModelMetadata)
    assert meta.parameters[ParameterName("temperature")] == ParameterAvailability.mutable(ParameterRange(0.0, 2.0))
    assert meta.parameters[ParameterName("tools")].availability == "opaque"
    assert meta.parameters[ParameterName("seed")].value == 7
    assert not meta.parameters[ParameterName("logit_bias")].is_supported
    expected = json.loads(json.dumps(ORIGINAL_ENTRY))
    del expected["info"]["dimensions"]  # None fields are omitted
    assert unstructure(meta) == expected


def test_model_status_is_externally_tagged() -> None:
    assert unstructure(ModelStatus(ModelStatusKind.READY)) == "Ready"
    value = unstructure(ModelStatus(ModelStatusKind.UNAVAILABLE, "RAM"))
    assert value == {"Unavailable": {"reason": "RAM"}}
    assert structure(value, ModelStatus) == ModelStatus(ModelStatusKind.UNAVAILABLE, "RAM")


def test_stream_events_use_type_and_data() -> None:
    assert event_to_json(ContentEvent("hi")) == {"type": "content", "data": "hi"}
    assert event_to_json(ToolCallStart(0, "c", "f")) == {
        "type": "tool_call_start",
        "data": {"index": 0, "id": "c", "name": "f"},
    }
    assert event_to_json(DoneEvent()) == {"type": "done"}
    usage = UsageEvent(Usage(1, 2, 3))
    assert event_from_json(event_to_json(usage)) == usage


def test_registry_payload_round_trips_and_rejects_newer_versions() -> None:
    import pytest
    from ratatoskr import ConfigurationError

    seeded = ModelRegistry.with_seed()
    again = ModelRegistry()
    again.load_payload(json.loads(json.dumps(seeded.to_payload())), source="copy")
    assert again.to_payload() == seeded.to_payload()
    legacy = ModelRegistry()
    legacy.load_payload([ORIGINAL_ENTRY], source="legacy")
    assert len(legacy) == 1
    with pytest.raises(ConfigurationError, match="unsupported registry version 2"):
        ModelRegistry().load_payload({"version": 2, "models": []}, source="future")


def test_merge_overrides_parameters_per_key_and_unions_capabilities() -> None:
    registry = ModelRegistry()
    registry.load_payload([ORIGINAL_ENTRY], source="a")
    newer = {
        "info": {"id": "x/y", "provider": "openrouter", "capabilities": ["Chat", "Generate"]},
        "parameters": {"tools": {"availability": "unsupported"}},
    }
    registry.load_payload([newer], source="b")
    meta = registry.get("x/y")
    assert meta is not None
    assert meta.info.capabilities == (Capability.CHAT, Capability.TOOL_USE, Capability.GENERATE)
    assert unstructure(meta)["info"]["capabilities"] == ["Chat", "ToolUse", "Generate"]
    assert not meta.parameters[ParameterName("tools")].is_supported
    assert meta.parameters[ParameterName("temperature")].availability == "mutable"
    assert meta.max_output_tokens == 64000


events = st.one_of(
    st.builds(ContentEvent, st.text()),
    st.builds(ToolCallStart, st.integers(0, 100), st.text(min_size=1), st.text(min_size=1)),
    st.builds(UsageEvent, st.builds(Usage, st.integers(0, 10**6), st.integers(0, 10**6), st.integers(0, 10**6))),
    st.builds(DoneEvent, st.none() | st.sampled_from(FinishReason), st.none() | st.text(), st.none() | st.text()),
)


@given(events)
def test_every_event_survives_a_json_round_trip(event: object) -> None:
    assert event_from_json(json.loads(json.dumps(event_to_json(event)))) == event


def test_options_with_raw_provider_options_round_trip() -> None:
    from ratatoskr import ChatOptions, GenerateOptions

    for options in (
        GenerateOptions(model="m", raw_provider_options={"provider": {"order": ["a"]}}, stop=["x"]),
        ChatOptions(model="m", raw_provider_options={"provider": {"order": ["a"]}}, temperature=0.2),
    ):
        assert structure(json.loads(json.dumps(unstructure(options))), type(options)) == options
