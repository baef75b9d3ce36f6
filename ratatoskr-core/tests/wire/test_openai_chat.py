"""The OpenAI chat codec: request building, response parsing, the stream chunk decoder, round trips."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import pytest
import ratatoskr.types as rt
from hypothesis import given, settings
from hypothesis import strategies as st
from ratatoskr import errors
from ratatoskr.wire.openai_chat import ChunkDecoder, build_request, chat_events, parse_response
from ratatoskr.wire.openai_server import decode_request, encode_chunks, encode_response

SCHEMA = {
    "type": "object",
    "properties": {"city": {"type": "string", "enum": ["Paris"]}},
    "required": ["city"],
    "additionalProperties": False,
}
TOOL = rt.ToolDefinition("get_weather", "Weather", SCHEMA)


def test_build_request_forwards_every_option() -> None:
    options = rt.ChatOptions(
        model="m", temperature=0.2, max_tokens=50, top_p=0.9, top_k=40, stop=["END"], frequency_penalty=0.5,
        presence_penalty=-0.5, seed=7, tool_choice=rt.ToolChoice.named("get_weather"), parallel_tool_calls=False,
        response_format=rt.ResponseFormat("json_schema", SCHEMA, "weather", True),
        reasoning=rt.ReasoningConfig(effort="low"), raw_provider_options={"provider": {"order": ["a"]}, "top_k": 5},
    )  # fmt: skip
    messages = [rt.Message.system("a"), rt.Message.user("q"), rt.Message.system("b")]
    body = build_request(messages, [TOOL], options, stream=True)
    assert body == {
        "model": "m",
        "messages": [{"role": "system", "content": "a"}, {"role": "user", "content": "q"},
                     {"role": "system", "content": "b"}],
        "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Weather",
                                                     "parameters": SCHEMA}}],
        "temperature": 0.2, "top_p": 0.9, "top_k": 5, "frequency_penalty": 0.5, "presence_penalty": -0.5,
        "seed": 7, "parallel_tool_calls": False, "max_tokens": 50, "stop": ["END"],
        "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
        "response_format": {"type": "json_schema",
                            "json_schema": {"name": "weather", "schema": SCHEMA, "strict": True}},
        "reasoning_effort": "low", "stream": True, "stream_options": {"include_usage": True},
        "provider": {"order": ["a"]},
    }  # fmt: skip
    assert body["tools"][0]["function"]["parameters"] is SCHEMA  # passed untouched


def test_tool_history_is_encoded_with_ids() -> None:
    call = rt.ToolCall("call_1", "get_weather", '{"city":"Paris"}')
    body = build_request(
        [rt.Message.user("q"), rt.Message.assistant("", [call]), rt.Message.tool_result("call_1", "sunny")],
        None, rt.ChatOptions(model="m"), stream=False,
    )  # fmt: skip
    assert body["messages"][1] == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'}}
        ],
    }
    assert body["messages"][2] == {"role": "tool", "content": "sunny", "tool_call_id": "call_1"}
    assert "stream" not in body


def test_reasoning_dialects_and_options() -> None:
    openrouter = build_request([rt.Message.user("q")], None, rt.ChatOptions(
        model="m", reasoning=rt.ReasoningConfig(max_tokens=2000, exclude_from_output=True)), stream=False,
        reasoning_dialect="openrouter")  # fmt: skip
    assert openrouter["reasoning"] == {"max_tokens": 2000, "exclude": True}
    enabled = build_request(
        [rt.Message.user("q")],
        None,
        rt.ChatOptions(model="m", reasoning=rt.ReasoningConfig()),
        stream=False,
        reasoning_dialect="openrouter",
    )
    assert enabled["reasoning"] == {"enabled": True}
    # What a server cannot take its provider declares (validation decides); the codec encodes every part given.
    budget = build_request(
        [rt.Message.user("q")], None, rt.ChatOptions(model="m", reasoning=rt.ReasoningConfig("low", 9)), stream=False
    )
    assert (budget["reasoning_effort"], budget["reasoning"]) == ("low", {"max_tokens": 9})
    both = build_request(
        [rt.Message.user("q")],
        None,
        rt.ChatOptions(model="m", reasoning=rt.ReasoningConfig("low", 9)),
        stream=False,
        reasoning_dialect="openrouter",
    )
    assert both["reasoning"] == {"effort": "low", "max_tokens": 9}


def test_every_option_given_is_encoded_validation_is_not_the_codecs() -> None:
    body = build_request(
        [rt.Message.user("q")], None, rt.ChatOptions(model="m", top_k=3, seed=1, cache_prompt=True), stream=False
    )
    assert (body["top_k"], body["seed"]) == (3, 1)
    assert body["messages"][0]["content"][0]["cache_control"] == {"type": "ephemeral"}


def test_cache_prompt_marks_the_last_system_message() -> None:
    body = build_request(
        [rt.Message.system("long"), rt.Message.user("q")],
        None,
        rt.ChatOptions(model="m", cache_prompt=True),
        stream=False,
    )
    assert body["messages"][0]["content"] == [{"type": "text", "text": "long", "cache_control": {"type": "ephemeral"}}]


def test_max_tokens_field_and_json_object() -> None:
    body = build_request([rt.Message.user("q")], None, rt.ChatOptions(
        model="m", max_tokens=9, response_format=rt.ResponseFormat("json_object")), stream=False,
        max_tokens_field="max_completion_tokens")  # fmt: skip
    assert body["max_completion_tokens"] == 9 and "max_tokens" not in body
    assert body["response_format"] == {"type": "json_object"}


def test_parse_response_reads_everything() -> None:
    body = {
        "id": "x", "object": "chat.completion", "model": "gpt-4o-2024-08-06",
        "choices": [{"index": 0, "finish_reason": "tool_calls", "message": {
            "role": "assistant", "content": None, "reasoning_content": "think",
            "tool_calls": [{"id": "call_9", "type": "function",
                            "function": {"name": "f", "arguments": "{\"a\": 1}"}}]}}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 20, "total_tokens": 30,
                  "prompt_tokens_details": {"cached_tokens": 4},
                  "completion_tokens_details": {"reasoning_tokens": 12}},
    }  # fmt: skip
    got = parse_response(body, provider="p")
    assert got == rt.ChatResponse("", "think", (rt.ToolCall("call_9", "f", '{"a": 1}'),),
                               rt.Usage(10, 20, 30, reasoning_tokens=12, cached_tokens=4),
                               rt.FinishReason.TOOL_CALLS, "gpt-4o-2024-08-06", "p")  # fmt: skip


@pytest.mark.parametrize(
    ("wire", "ours"),
    [
        ("stop", rt.FinishReason.STOP),
        ("length", rt.FinishReason.LENGTH),
        ("content_filter", rt.FinishReason.CONTENT_FILTER),
        ("tool_calls", rt.FinishReason.TOOL_CALLS),
        ("function_call", rt.FinishReason.TOOL_CALLS),
    ],
)
def test_finish_reasons(wire: str, ours: rt.FinishReason) -> None:
    body = {"model": "m", "choices": [{"message": {"content": "x"}, "finish_reason": wire}]}
    assert parse_response(body, provider="p").finish_reason is ours


def test_reasoning_details_are_read_when_no_reasoning_string() -> None:
    message = {
        "content": "a",
        "reasoning_details": [
            {"type": "reasoning.summary", "summary": "S. "},
            {"type": "reasoning.text", "text": "T"},
            {"type": "reasoning.encrypted", "data": "xx"},
        ],
    }
    got = parse_response({"choices": [{"message": message, "finish_reason": "stop"}]}, provider="p")
    assert got.reasoning == "S. T"
    assert parse_response({"choices": [{"message": message}]}, provider="p", exclude_reasoning=True).reasoning is None


def test_parse_response_errors() -> None:
    with pytest.raises(errors.ResponseFormatError, match="no choices"):
        parse_response({"choices": []}, provider="p")
    with pytest.raises(errors.RateLimited):
        parse_response({"error": {"code": 429, "message": "busy"}}, provider="p")


def feed(decoder: ChunkDecoder, *deltas: dict[str, Any], finish: str | None = None) -> list[Any]:
    events = []
    for delta in deltas:
        events += decoder.feed({"choices": [{"index": 0, "delta": delta, "finish_reason": None}]})
    if finish:
        events += decoder.feed({"choices": [{"index": 0, "delta": {}, "finish_reason": finish}]})
    return events + decoder.finish()


def test_decoder_tool_call_with_late_id_and_split_name_starts_once() -> None:
    events = feed(
        ChunkDecoder(provider="p"),
        {"tool_calls": [{"index": 0, "function": {"name": "get_"}}]},
        {"tool_calls": [{"index": 0, "function": {"name": "weather", "arguments": '{"ci'}}]},
        {"tool_calls": [{"index": 0, "id": "call_late", "function": {"arguments": 'ty": "Paris"}'}}]},
        finish="tool_calls",
    )
    assert events == [
        rt.ToolCallStart(0, "call_late", "get_weather"),
        rt.ToolCallDelta(0, '{"city": "Paris"}'),
        rt.ToolCallEnd(0),
        rt.DoneEvent(rt.FinishReason.TOOL_CALLS, None, "p"),
    ]


def test_decoder_separates_calls_reusing_index_zero_and_repeated_names() -> None:
    events = feed(
        ChunkDecoder(provider="p"),
        {"tool_calls": [{"index": 0, "id": "a", "function": {"name": "f", "arguments": "{}"}}]},
        {"tool_calls": [{"index": 0, "id": "b", "function": {"name": "g", "arguments": '{"x"'}}]},
        {"tool_calls": [{"index": 0, "id": "b", "function": {"name": "g", "arguments": ": 1}"}}]},
    )
    starts = [e for e in events if isinstance(e, rt.ToolCallStart)]
    assert starts == [rt.ToolCallStart(0, "a", "f"), rt.ToolCallStart(1, "b", "g")]
    assert "".join(e.arguments for e in events if isinstance(e, rt.ToolCallDelta) and e.index == 1) == '{"x": 1}'
    assert [e for e in events if isinstance(e, rt.ToolCallEnd)] == [rt.ToolCallEnd(0), rt.ToolCallEnd(1)]
    assert events[-1] == rt.DoneEvent(rt.FinishReason.TOOL_CALLS, None, "p")


def test_decoder_call_without_arguments_gets_empty_object() -> None:
    events = feed(
        ChunkDecoder(provider="p"),
        {"tool_calls": [{"index": 0, "id": "c", "function": {"name": "now"}}]},
        finish="tool_calls",
    )
    assert events[:3] == [rt.ToolCallStart(0, "c", "now"), rt.ToolCallDelta(0, "{}"), rt.ToolCallEnd(0)]


def test_decoder_reasoning_usage_once_and_done_last() -> None:
    decoder = ChunkDecoder(provider="p", model="asked")
    events = decoder.feed({"model": "served", "choices": [{"delta": {"reasoning": "hm", "reasoning_details": [
        {"type": "reasoning.text", "text": "hm"}]}}]})  # fmt: skip
    events += decoder.feed(
        {
            "choices": [{"delta": {"reasoning_content": "m"}, "finish_reason": None}],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1},
        }
    )
    events += decoder.feed({"choices": [{"delta": {"content": "ok"}, "finish_reason": "length"}]})
    events += decoder.feed({"choices": [], "usage": {"prompt_tokens": 3, "completion_tokens": 4, "total_tokens": 7}})
    events += decoder.finish()
    assert decoder.finish() == []
    assert events == [rt.ReasoningEvent("hm"), rt.ReasoningEvent("m"), rt.ContentEvent("ok"), rt.UsageEvent(rt.Usage(3, 4, 7)),
                      rt.DoneEvent(rt.FinishReason.LENGTH, "served", "p")]  # fmt: skip


def test_decoder_raises_mapped_error_objects() -> None:
    with pytest.raises(errors.StreamError, match="Provider disconnected"):
        ChunkDecoder(provider="p").feed(
            {
                "error": {"code": 502, "message": "Provider disconnected"},
                "choices": [{"delta": {"content": ""}, "finish_reason": "error"}],
            }
        )


async def _body(*data: str) -> AsyncIterator[bytes]:
    for item in data:
        yield f"data: {item}\n\n".encode()


async def test_chat_events_requires_an_end() -> None:
    chunk = json.dumps({"choices": [{"delta": {"content": "par"}}]})
    with pytest.raises(errors.StreamError, match="before it finished"):
        [e async for e in chat_events(_body(chunk), ChunkDecoder(provider="p"))]
    events = [e async for e in chat_events(_body(chunk, "[DONE]", chunk), ChunkDecoder(provider="p"))]
    assert events == [rt.ContentEvent("par"), rt.DoneEvent(rt.FinishReason.STOP, None, "p")]  # nothing after [DONE]
    with pytest.raises(errors.ResponseFormatError, match="not JSON"):
        [e async for e in chat_events(_body("{oops"), ChunkDecoder(provider="p"))]


# ---- round trips (hypothesis) ---------------------------------------------------------------------------

_text = st.text(max_size=20)
_id = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=10)
_args = st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5), max_size=3).map(json.dumps)
_call = st.builds(rt.ToolCall, _id, _id, _args)
_message = st.one_of(
    st.builds(rt.Message.system, _text),
    st.builds(rt.Message.user, _text),
    st.builds(lambda t, calls: rt.Message.assistant(t, calls), _text, st.lists(_call, max_size=3)),
    st.builds(rt.Message.tool_result, _id, _text),
)
_options = st.builds(
    rt.ChatOptions,
    model=_id,
    temperature=st.none() | st.floats(0, 2),
    max_tokens=st.none() | st.integers(1, 10_000),
    top_p=st.none() | st.floats(0, 1),
    top_k=st.none() | st.integers(0, 100),
    stop=st.none() | st.lists(_text, min_size=1, max_size=3).map(tuple),
    seed=st.none() | st.integers(),
    parallel_tool_calls=st.none() | st.booleans(),
    tool_choice=st.none()
    | st.sampled_from([rt.ToolChoice("auto"), rt.ToolChoice("required"), rt.ToolChoice.named("f")]),
    response_format=st.none()
    | st.sampled_from([rt.ResponseFormat("json_object"), rt.ResponseFormat("json_schema", SCHEMA, "n", False)]),
    reasoning=st.none() | st.builds(rt.ReasoningConfig, st.sampled_from(["low", "high"]), st.none(), st.none()),
)


@settings(max_examples=150)
@given(
    st.lists(_message, min_size=1, max_size=6),
    st.none() | st.lists(st.just(TOOL), min_size=1, max_size=1),
    _options,
    st.booleans(),
)
def test_request_round_trip(messages: list[rt.Message], tools: list[rt.ToolDefinition] | None, options: rt.ChatOptions,
                            stream: bool) -> None:  # fmt: skip
    body = json.loads(json.dumps(build_request(messages, tools, options, stream=stream)))
    got_messages, got_tools, got_options = decode_request(body)
    assert got_messages == messages
    assert got_tools == tools
    assert got_options == options


_usage = st.builds(
    lambda p, c, r: rt.Usage(p, c, p + c, r),
    st.integers(0, 10**6),
    st.integers(0, 10**6),
    st.none() | st.integers(0, 1000),
)
_response = st.builds(
    lambda content, reasoning, calls, usage, reason: rt.ChatResponse(
        content, reasoning or None, tuple({c.id: c for c in calls}.values()), usage,
        rt.FinishReason.TOOL_CALLS if calls else reason, "served", "p"),
    _text, _text, st.lists(_call, max_size=3), st.none() | _usage,
    st.sampled_from([rt.FinishReason.STOP, rt.FinishReason.LENGTH, rt.FinishReason.CONTENT_FILTER]),
)  # fmt: skip


@settings(max_examples=150)
@given(_response, st.integers(1, 7), st.sampled_from(["reasoning", "reasoning_content"]))
def test_response_and_stream_round_trip(response: rt.ChatResponse, piece: int, field: str) -> None:
    body = json.loads(json.dumps(encode_response(response, model="m", reasoning_field=field)))
    assert parse_response(body, provider="p") == response
    decoder = ChunkDecoder(provider="p")
    events = [e for chunk in encode_chunks(response, model="m", piece_size=piece, reasoning_field=field)
              for e in decoder.feed(json.loads(json.dumps(chunk)))] + decoder.finish()  # fmt: skip
    starts = [e for e in events if isinstance(e, rt.ToolCallStart)]
    rebuilt = rt.ChatResponse(
        "".join(e.text for e in events if isinstance(e, rt.ContentEvent)),
        "".join(e.text for e in events if isinstance(e, rt.ReasoningEvent)) or None,
        tuple(rt.ToolCall(s.id, s.name, "".join(d.arguments for d in events
                                             if isinstance(d, rt.ToolCallDelta) and d.index == s.index))
              for s in starts),
        next((e.usage for e in events if isinstance(e, rt.UsageEvent)), None),
        events[-1].finish_reason, events[-1].model, events[-1].provider,
    )  # fmt: skip
    expected_calls = tuple(rt.ToolCall(c.id, c.name, c.arguments if c.arguments else "{}") for c in response.tool_calls)
    assert rebuilt == rt.ChatResponse(response.content, response.reasoning, expected_calls, response.usage,
                                   response.finish_reason, "served", "p")  # fmt: skip
    assert isinstance(events[-1], rt.DoneEvent) and sum(isinstance(e, rt.DoneEvent) for e in events) == 1
