import enum
from collections.abc import Callable
from functools import partial

import pytest
from ratatoskr import (
    ChatOptions,
    ClassifyResult,
    InvalidInput,
    Message,
    NliLabel,
    NliResult,
    ParameterName,
    ReasoningConfig,
    ResponseFormat,
    Role,
    StanceLabel,
    StanceResult,
    ToolCall,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    ToolChoice,
    ToolDefinition,
)


def test_message_constructors_set_roles() -> None:
    assert Message.system("s").role is Role.SYSTEM
    assert Message.user("u").role is Role.USER
    call = ToolCall("c1", "f", "{}")
    assistant = Message.assistant("", [call])
    assert assistant.tool_calls == (call,)
    result = Message.tool_result("c1", "42")
    assert (result.role, result.tool_call_id, result.content) == (Role.TOOL, "c1", "42")


def test_tool_message_without_call_id_is_rejected() -> None:
    with pytest.raises(InvalidInput, match="tool_call_id"):
        Message(Role.TOOL, "x")


def test_only_assistant_messages_carry_tool_calls() -> None:
    with pytest.raises(InvalidInput, match="only assistant"):
        Message(Role.USER, "x", (ToolCall("1", "f"),))


def test_unknown_role_is_rejected() -> None:
    with pytest.raises(ValueError, match="robot"):
        Message("robot", "x")


def test_tool_call_arguments_parse_and_fail_clearly() -> None:
    assert ToolCall("1", "f", '{"a": [1, 2]}').parse_arguments() == {"a": [1, 2]}
    with pytest.raises(InvalidInput, match="invalid JSON"):
        ToolCall("1", "f", '{"a": ').parse_arguments()


def test_a_whole_tool_call_streams_as_start_one_delta_end() -> None:
    events = ToolCall("c1", "f", '{"a": 1}').stream_events(2)
    assert events == [ToolCallStart(2, "c1", "f"), ToolCallDelta(2, '{"a": 1}'), ToolCallEnd(2)]


def test_tool_definition_keeps_nested_schema_untouched() -> None:
    schema = {
        "type": "object",
        "properties": {
            "filters": {"type": "array", "items": {"type": "object", "properties": {"op": {"enum": ["eq"]}}}}
        },
        "required": ["filters"],
    }
    tool = ToolDefinition.from_openai({"type": "function", "function": {"name": "search", "parameters": schema}})
    assert tool.parameters == schema
    with pytest.raises(InvalidInput, match="function.name"):
        ToolDefinition.from_openai({"type": "function", "function": {}})


@pytest.mark.parametrize(
    ("field", "value"),
    [("temperature", -0.1), ("temperature", 2.5), ("top_p", 1.5), ("max_tokens", 0), ("frequency_penalty", 3)],
)
def test_chat_options_out_of_range_names_the_field(field: str, value: float) -> None:
    with pytest.raises(InvalidInput, match=field):
        ChatOptions(model="m", **{field: value})


def test_chat_options_need_a_model() -> None:
    with pytest.raises(InvalidInput, match="model"):
        ChatOptions(model=" ")


def test_set_parameters_lists_only_set_fields() -> None:
    opts = ChatOptions(model="m", temperature=0.2, stop=["x"], seed=1, raw_provider_options={"a": 1})
    assert opts.set_parameters() == [ParameterName("temperature"), ParameterName("stop"), ParameterName("seed")]
    assert opts.stop == ("x",)


def test_with_defaults_fills_only_unset_fields() -> None:
    opts = ChatOptions(model="m", temperature=0.9)
    filled = opts.with_defaults(temperature=0.3, top_p=0.95)
    assert (filled.temperature, filled.top_p) == (0.9, 0.95)
    assert opts.with_defaults(temperature=0.1) is opts


def test_tool_choice_and_response_format_validate() -> None:
    assert ToolChoice.named("f").function == "f"
    with pytest.raises(InvalidInput):
        ToolChoice("sometimes")
    with pytest.raises(InvalidInput):
        ToolChoice("function")
    with pytest.raises(InvalidInput, match="schema"):
        ResponseFormat("json_schema")
    assert ResponseFormat("json_schema", {"type": "object"}).schema == {"type": "object"}


def test_reasoning_effort_parses_strings() -> None:
    assert ReasoningConfig(effort="xhigh").effort == "xhigh"
    with pytest.raises(ValueError, match="extreme"):
        ReasoningConfig(effort="extreme")


def test_parameter_name_is_a_flat_string_with_custom_fallback() -> None:
    assert ParameterName("top_p") == "top_p" and isinstance(ParameterName("top_p"), str)
    assert repr(ParameterName("cache_prompt")) == "'cache_prompt'"  # what users see in messages: no class name
    assert f"{ParameterName('seed')!r}" == "'seed'"
    assert not ParameterName("top_p").is_custom
    assert ParameterName("min_p").is_custom


@pytest.mark.parametrize(
    ("make", "scores", "label"),
    [
        (NliResult.from_scores, (0.4, 0.4, 0.2), NliLabel.ENTAILMENT),
        (NliResult.from_scores, (0.2, 0.4, 0.4), NliLabel.CONTRADICTION),
        (NliResult.from_scores, (0.1, 0.2, 0.7), NliLabel.NEUTRAL),
        (partial(StanceResult.from_scores, target="t"), (0.4, 0.4, 0.2), StanceLabel.FAVOR),
        (partial(StanceResult.from_scores, target="t"), (0.2, 0.4, 0.4), StanceLabel.AGAINST),
        (partial(StanceResult.from_scores, target="t"), (0.1, 0.2, 0.7), StanceLabel.NEUTRAL),
    ],
)
def test_label_ties_go_to_the_earlier_label(
    make: Callable[..., NliResult | StanceResult], scores: tuple[float, float, float], label: enum.Enum
) -> None:
    """NLI: entailment, then contradiction, then neutral; stance: favor, then against, then neutral."""
    assert make(*scores).label is label


def test_classify_result_picks_the_top_label() -> None:
    result = ClassifyResult.from_scores({"a": 0.2, "b": 0.7, "c": 0.1})
    assert (result.top_label, result.confidence) == ("b", 0.7)
