"""The pure request builder and stream decoder."""

from __future__ import annotations

import attrs
import pytest
import ratatoskr.types as rt
from ratatoskr import ChatAccumulator, UnsupportedParameterWarning
from ratatoskr.errors import InvalidInput, ResponseFormatError, StreamError
from ratatoskr_providers_anthropic._constraints import parameter_problems
from ratatoskr_providers_anthropic._stream import AnthropicStreamDecoder
from ratatoskr_providers_anthropic._wire import (
    EFFORT_BUDGETS,
    build_messages_body,
    build_tool_choice,
    parse_message,
    plan_thinking,
)

TOOL = rt.ToolDefinition("lookup", "Look a word up", {"type": "object", "properties": {"word": {"type": "string"}}})


def body(messages=None, tools=None, **options):  # type: ignore[no-untyped-def]
    built, _ = build_messages_body(messages or [rt.Message.user("hi")], tools, rt.ChatOptions(model="m", **options))
    return built


# ---- thinking ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("effort", [e for e in rt.ReasoningEffort if e is not rt.ReasoningEffort.NONE])
def test_effort_maps_to_a_budget_and_room_for_the_answer(effort: rt.ReasoningEffort) -> None:
    plan = plan_thinking(rt.ReasoningConfig(effort=effort), None, 4096)
    assert plan.thinking == {"type": "enabled", "budget_tokens": EFFORT_BUDGETS[effort]}
    assert plan.max_tokens == EFFORT_BUDGETS[effort] + 4096


def test_effort_none_and_no_reasoning_mean_no_thinking() -> None:
    assert plan_thinking(rt.ReasoningConfig(effort="none"), None, 4096).thinking is None
    assert plan_thinking(None, 100, 4096).thinking is None
    assert plan_thinking(None, 100, 4096).max_tokens == 100


def test_effort_budget_shrinks_under_an_explicit_max_tokens() -> None:
    plan = plan_thinking(rt.ReasoningConfig(effort="high"), 4000, 4096)
    assert plan.thinking == {"type": "enabled", "budget_tokens": 3999}
    assert plan.max_tokens == 4000


def test_explicit_budget_must_fit_under_max_tokens() -> None:
    with pytest.raises(InvalidInput, match="must exceed the thinking budget 2000"):
        plan_thinking(rt.ReasoningConfig(max_tokens=2000), 2000, 4096)


def test_budget_below_the_api_minimum_is_refused() -> None:
    with pytest.raises(InvalidInput, match="minimum thinking budget 1024"):
        plan_thinking(rt.ReasoningConfig(max_tokens=500), None, 4096)


def test_exclude_from_output_hides_reasoning() -> None:
    assert plan_thinking(rt.ReasoningConfig(effort="low", exclude_from_output=True), None, 10).hide


# ---- tools -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("choice", "parallel", "expected"),
    [
        (None, None, None),
        (rt.ToolChoice("auto"), None, {"type": "auto"}),
        (rt.ToolChoice("required"), None, {"type": "any"}),
        (rt.ToolChoice.named("lookup"), None, {"type": "tool", "name": "lookup"}),
        (rt.ToolChoice("none"), None, {"type": "none"}),
        (None, False, {"type": "auto", "disable_parallel_tool_use": True}),
        (rt.ToolChoice("required"), False, {"type": "any", "disable_parallel_tool_use": True}),
        (None, True, None),
    ],
)
def test_tool_choice_mapping(choice, parallel, expected) -> None:  # type: ignore[no-untyped-def]
    assert build_tool_choice(choice, parallel) == expected


def test_tool_schema_untouched_and_tool_cache_control_honoured() -> None:
    schema = {
        "type": "object",
        "properties": {"q": {"type": "array", "items": {"$ref": "#/$defs/x"}}},
        "$defs": {"x": {"enum": ["a", "b"]}},
    }
    tool = rt.ToolDefinition("find", "", schema, cache_control={"type": "ephemeral", "ttl": "1h"})
    (sent,) = body(tools=[tool])["tools"]
    assert sent == {"name": "find", "input_schema": schema, "cache_control": {"type": "ephemeral", "ttl": "1h"}}


def test_forced_tool_choice_with_thinking_is_declared_a_problem_not_refused_by_the_codec() -> None:
    forced = rt.ChatOptions(
        model="m", tool_choice=rt.ToolChoice("required"), reasoning=rt.ReasoningConfig(effort="low")
    )
    (problem,) = parameter_problems(forced)
    assert (problem.parameter, problem.replacement) == ("tool_choice", None) and "auto or none" in problem.reason
    sent = body(tools=[TOOL], tool_choice=rt.ToolChoice("required"), reasoning=rt.ReasoningConfig(effort="low"))
    assert sent["tool_choice"] == {"type": "any"}  # validation = "ignore": encoded, the API answers for itself
    for fine in (
        attrs.evolve(forced, tool_choice=rt.ToolChoice("auto")),
        attrs.evolve(forced, reasoning=None),
        attrs.evolve(forced, reasoning=rt.ReasoningConfig(effort="none")),
    ):
        assert parameter_problems(fine) == []


def test_tool_results_and_a_following_question_share_one_user_turn() -> None:
    messages = [
        rt.Message.user("look up two words"),
        rt.Message.assistant("", [rt.ToolCall("t1", "lookup", '{"word": "a"}'), rt.ToolCall("t2", "lookup", "{}")]),
        rt.Message.tool_result("t1", "first"),
        rt.Message.tool_result("t2", "second"),
        rt.Message.user("and now?"),
    ]
    turns = body(messages, [TOOL])["messages"]
    assert [t["role"] for t in turns] == ["user", "assistant", "user"]
    assert [b["type"] for b in turns[2]["content"]] == ["tool_result", "tool_result", "text"]
    assert turns[1]["content"][1]["input"] == {}


def test_invalid_tool_arguments_name_the_call() -> None:
    bad = [rt.Message.user("x"), rt.Message.assistant("", [rt.ToolCall("t9", "lookup", "{nope")])]
    with pytest.raises(InvalidInput, match="t9"):
        body(bad)


def test_only_system_messages_is_invalid() -> None:
    with pytest.raises(InvalidInput, match="at least one user or assistant"):
        body([rt.Message.system("be nice")])


# ---- options ---------------------------------------------------------------------------------------------------


def test_temperature_above_one_is_declared_a_problem_not_refused_by_the_codec() -> None:
    (problem,) = parameter_problems(rt.ChatOptions(model="m", temperature=1.5))
    assert problem.parameter == "temperature" and "0..1" in problem.reason
    assert parameter_problems(rt.GenerateOptions(model="m", temperature=1.5))[0].parameter == "temperature"
    assert parameter_problems(rt.ChatOptions(model="m", temperature=1.0)) == []
    assert body(temperature=1.5)["temperature"] == 1.5  # validation = "ignore": encoded


def test_raw_provider_options_are_merged_into_the_body() -> None:
    assert body(raw_provider_options={"metadata": {"user_id": "u-1"}})["metadata"] == {"user_id": "u-1"}


def test_cache_prompt_marks_system_tools_and_last_message() -> None:
    sent = body([rt.Message.system("s"), rt.Message.user("u")], [TOOL], cache_prompt=True)
    ephemeral = {"type": "ephemeral"}
    assert sent["system"][-1]["cache_control"] == ephemeral
    assert sent["tools"][-1]["cache_control"] == ephemeral
    assert sent["messages"][-1]["content"][-1]["cache_control"] == ephemeral
    assert "cache_control" not in str(body([rt.Message.system("s"), rt.Message.user("u")], [TOOL]))


# ---- stream decoder ----------------------------------------------------------------------------------------


def _feed(decoder: AnthropicStreamDecoder, *events: dict) -> list:  # type: ignore[type-arg]
    return [out for event in events for out in decoder.feed(event)]


def test_tool_use_without_input_deltas_still_ends_with_valid_json() -> None:
    decoder = AnthropicStreamDecoder("m")
    events = _feed(
        decoder,
        {
            "type": "content_block_start",
            "index": 0,
            "content_block": {"type": "tool_use", "id": "toolu_1", "name": "now", "input": {}},
        },
        {"type": "content_block_stop", "index": 0},
    )
    assert events == [rt.ToolCallStart(0, "toolu_1", "now"), rt.ToolCallDelta(0, "{}"), rt.ToolCallEnd(0)]


def test_invalid_json_input_at_block_stop() -> None:
    decoder = AnthropicStreamDecoder("m")
    with pytest.raises(ResponseFormatError, match="invalid JSON"):
        _feed(
            decoder,
            {
                "type": "content_block_start",
                "index": 0,
                "content_block": {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}},
            },
            {"type": "content_block_delta", "index": 0, "delta": {"type": "input_json_delta", "partial_json": '{"a"'}},
            {"type": "content_block_stop", "index": 0},
        )


def test_thinking_and_signature_deltas() -> None:
    decoder = AnthropicStreamDecoder("m")
    events = _feed(
        decoder,
        {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "hmm"}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "sig"}},
        {"type": "content_block_stop", "index": 0},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 3}},
        {"type": "message_stop"},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "late"}},
    )
    assert events[:2] == [rt.ReasoningEvent("hmm"), rt.ReasoningEvent("", signature="sig")]
    assert events[-1] == rt.DoneEvent(rt.FinishReason.STOP, "m", "anthropic")
    assert decoder.finished


def test_error_event_without_a_mapper_is_a_stream_error() -> None:
    with pytest.raises(StreamError, match="overloaded_error"):
        AnthropicStreamDecoder("m").feed({"type": "error", "error": {"type": "overloaded_error", "message": "x"}})


def test_unknown_events_are_ignored_and_non_events_refused() -> None:
    decoder = AnthropicStreamDecoder("m")
    assert decoder.feed({"type": "ping"}) == []
    assert decoder.feed({"type": "some_future_event", "x": 1}) == []
    with pytest.raises(ResponseFormatError):
        decoder.feed(["not", "an", "event"])


# ---- thinking blocks, out and back -------------------------------------------------------------------------

SIGNED = rt.ReasoningBlock("step one", signature="sig-1", provider="anthropic")
REDACTED = rt.ReasoningBlock(redacted="opaque", provider="anthropic")
CALL = rt.ToolCall("toolu_1", "lookup", '{"word": "a"}')


def _assistant_blocks(*reasoning: rt.ReasoningBlock, text: str = "Looking it up") -> list:  # type: ignore[type-arg]
    messages = [rt.Message.user("x"), rt.Message.assistant(text, [CALL], reasoning=reasoning)]
    return body(messages, [TOOL], reasoning=rt.ReasoningConfig(effort="low"))["messages"][1]["content"]


def test_reasoning_blocks_go_first_in_order_and_unmodified() -> None:
    unnamed = rt.ReasoningBlock("step two", signature="sig-2")  # provider None: taken as Anthropic's
    assert _assistant_blocks(SIGNED, REDACTED, unnamed) == [
        {"type": "thinking", "thinking": "step one", "signature": "sig-1"},
        {"type": "redacted_thinking", "data": "opaque"},
        {"type": "thinking", "thinking": "step two", "signature": "sig-2"},
        {"type": "text", "text": "Looking it up"},
        {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {"word": "a"}},
    ]


def test_reasoning_of_another_provider_is_dropped_with_a_warning() -> None:
    foreign = rt.ReasoningBlock("thought elsewhere", signature="gAAAA", provider="openrouter")
    with pytest.warns(UnsupportedParameterWarning, match="1 reasoning block.*message 1.*'openrouter'"):
        sent = _assistant_blocks(foreign, SIGNED)
    assert [b["type"] for b in sent] == ["thinking", "text", "tool_use"]
    assert sent[0]["signature"] == "sig-1"


def test_unsigned_thinking_is_dropped_with_a_warning() -> None:
    with pytest.warns(UnsupportedParameterWarning, match="no signature"):
        sent = _assistant_blocks(rt.ReasoningBlock("unsigned", provider="anthropic"))
    assert [b["type"] for b in sent] == ["text", "tool_use"]


def test_cache_prompt_never_marks_a_thinking_block() -> None:
    messages = [rt.Message.user("x"), rt.Message.assistant(reasoning=[SIGNED, REDACTED])]
    sent = body(messages, cache_prompt=True)["messages"][-1]["content"]
    assert all("cache_control" not in b for b in sent)


def test_parse_message_keeps_blocks_even_when_reasoning_is_hidden() -> None:
    obj = {
        "model": "m",
        "stop_reason": "tool_use",
        "content": [
            {"type": "thinking", "thinking": "step one", "signature": "sig-1"},
            {"type": "redacted_thinking", "data": "opaque"},
            {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {"word": "a"}},
        ],
    }
    shown, hidden = parse_message(obj, model="m"), parse_message(obj, model="m", hide_reasoning=True)
    assert shown.reasoning == "step one" and hidden.reasoning is None
    assert shown.reasoning_blocks == hidden.reasoning_blocks == (SIGNED, REDACTED)
    assert hidden.to_message().reasoning == (SIGNED, REDACTED)


STREAM = (
    {"type": "message_start", "message": {"model": "m", "usage": {"input_tokens": 5}}},
    {"type": "content_block_start", "index": 0, "content_block": {"type": "thinking", "thinking": ""}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "step "}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "thinking_delta", "thinking": "one"}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "signature_delta", "signature": "sig-1"}},
    {"type": "content_block_stop", "index": 0},
    {"type": "content_block_start", "index": 1, "content_block": {"type": "redacted_thinking", "data": "opaque"}},
    {"type": "content_block_stop", "index": 1},
    {
        "type": "content_block_start",
        "index": 2,
        "content_block": {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {}},
    },
    {"type": "content_block_delta", "index": 2, "delta": {"type": "input_json_delta", "partial_json": '{"word": "a"}'}},
    {"type": "content_block_stop", "index": 2},
    {"type": "message_delta", "delta": {"stop_reason": "tool_use"}, "usage": {"output_tokens": 9}},
    {"type": "message_stop"},
)


def test_stream_redacted_thinking_round_trip() -> None:
    events = _feed(AnthropicStreamDecoder("m"), *STREAM)
    assert [e for e in events if isinstance(e, rt.ReasoningEvent)] == [
        rt.ReasoningEvent("step "),
        rt.ReasoningEvent("one"),
        rt.ReasoningEvent("", signature="sig-1"),
        rt.ReasoningEvent("", redacted="opaque"),
    ]
    accumulator = ChatAccumulator()
    for event in events:
        accumulator.add(event)
    reply = accumulator.response()
    assert reply.reasoning == "step one"
    assert reply.reasoning_blocks == (SIGNED, REDACTED)
    turns = body([rt.Message.user("x"), reply.to_message(), rt.Message.tool_result("toolu_1", "found")], [TOOL])
    assert turns["messages"][1]["content"][:2] == [
        {"type": "thinking", "thinking": "step one", "signature": "sig-1"},
        {"type": "redacted_thinking", "data": "opaque"},
    ]


def test_stream_with_hidden_reasoning_marks_every_reasoning_event_hidden() -> None:
    events = _feed(AnthropicStreamDecoder("m", hide_reasoning=True), *STREAM)
    reasoning = [e for e in events if isinstance(e, rt.ReasoningEvent)]
    assert reasoning
    assert all(e.hidden for e in reasoning)
    shown = [e for e in _feed(AnthropicStreamDecoder("m"), *STREAM) if isinstance(e, rt.ReasoningEvent)]
    assert not any(e.hidden for e in shown)


def test_options_the_messages_api_cannot_express_are_encoded_as_given_never_dropped() -> None:
    """The codec only encodes: what the provider does not declare reaches it only with validation = "ignore",
    and is then sent under its own name (the API answers for itself)."""
    from ratatoskr import ResponseFormat
    from ratatoskr_providers_anthropic._wire import build_messages_body
    from ratatoskr_providers_anthropic.provider import AnthropicProvider

    options = rt.ChatOptions(model="claude-x", seed=7, response_format=ResponseFormat("json_object"))
    body, _ = build_messages_body([rt.Message.user("hi")], None, options)
    assert body["seed"] == 7 and body["response_format"]["type"] == "json_object"
    assert (
        not {"seed", "frequency_penalty", "presence_penalty", "response_format"}
        & AnthropicProvider.supported_parameters
    )


def test_betas_from_the_config_become_the_anthropic_beta_header() -> None:
    import pytest
    from ratatoskr import ConfigurationError, Settings
    from ratatoskr_providers_anthropic.plugin import anthropic

    build = anthropic.providers

    config = {"providers": {"anthropic": {"api_key": "k", "betas": ["interleaved-thinking-2025-05-14", "x-1"]}}}
    (provider,) = build(Settings.from_dict(config))
    assert provider.endpoint.headers["anthropic-beta"] == "interleaved-thinking-2025-05-14,x-1"
    (plain,) = build(Settings.from_dict({"providers": {"anthropic": {"api_key": "k"}}}))
    assert "anthropic-beta" not in plain.endpoint.headers
    with pytest.raises(ConfigurationError, match="betas"):
        build(Settings.from_dict({"providers": {"anthropic": {"api_key": "k", "betas": "x"}}}))
