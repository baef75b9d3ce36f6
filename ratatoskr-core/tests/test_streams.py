"""Stream dispatch and normalisation: usage at most once, done exactly once and last, fallback before the first event."""

import pytest
from ratatoskr import (
    AuthenticationFailed,
    ChatOptions,
    ContentEvent,
    DoneEvent,
    EmbeddedGateway,
    FinishReason,
    GenerateOptions,
    Message,
    ModelNotAvailable,
    RetryPolicy,
    StreamError,
    ToolCallDelta,
    ToolCallEnd,
    ToolCallStart,
    TransportError,
    Usage,
    UsageEvent,
)
from ratatoskr.testing import Fail, FakeChatProvider

OPTS = ChatOptions(model="m")
MSGS = [Message.user("hi")]


def gateway(*providers: object) -> EmbeddedGateway:
    builder = EmbeddedGateway.builder().retry(RetryPolicy(max_attempts=2, initial_delay=0.001, jitter=False))
    for p in providers:
        builder.provider(p)
    return builder.build()


async def collect(gw: EmbeddedGateway) -> list[object]:
    return [event async for event in gw.chat_stream(MSGS, options=OPTS)]


async def test_done_is_synthesised_once_and_stamped_with_the_provider() -> None:
    provider = FakeChatProvider("p").queue([ContentEvent("a"), ContentEvent("b")])
    events = await collect(gateway(provider))
    assert events == [ContentEvent("a"), ContentEvent("b"), DoneEvent(None, "m", "p")]


async def test_events_after_done_and_duplicate_done_are_not_passed_on() -> None:
    provider = FakeChatProvider("p").queue(
        [ContentEvent("a"), DoneEvent(FinishReason.STOP), DoneEvent(FinishReason.STOP), ContentEvent("late")]
    )
    events = await collect(gateway(provider))
    assert events == [ContentEvent("a"), DoneEvent(FinishReason.STOP, "m", "p")]


async def test_usage_is_merged_into_one_event_before_done() -> None:
    provider = FakeChatProvider("p").queue(
        [
            UsageEvent(Usage(prompt_tokens=5)),
            ContentEvent("a"),
            UsageEvent(Usage(prompt_tokens=5, completion_tokens=2, total_tokens=7)),
            DoneEvent(FinishReason.STOP),
        ]
    )
    events = await collect(gateway(provider))
    assert events[-2:] == [
        UsageEvent(Usage(prompt_tokens=5, completion_tokens=2, total_tokens=7)),
        DoneEvent(FinishReason.STOP, "m", "p"),
    ]
    assert sum(isinstance(e, UsageEvent) for e in events) == 1


async def test_unclosed_tool_calls_are_closed_before_done_and_stray_ends_dropped() -> None:
    provider = FakeChatProvider("p").queue(
        [ToolCallEnd(7), ToolCallStart(0, "call_1", "f"), ToolCallDelta(0, "{}"), DoneEvent(FinishReason.TOOL_CALLS)]
    )
    events = await collect(gateway(provider))
    assert events == [
        ToolCallStart(0, "call_1", "f"),
        ToolCallDelta(0, "{}"),
        ToolCallEnd(0),
        DoneEvent(FinishReason.TOOL_CALLS, "m", "p"),
    ]


async def test_failure_before_the_first_event_falls_back() -> None:
    first = FakeChatProvider("first", priority=2).queue([Fail(ModelNotAvailable("m"))])
    second = FakeChatProvider("second", priority=1).queue([ContentEvent("ok")])
    events = await collect(gateway(first, second))
    assert events[0] == ContentEvent("ok")
    assert events[-1].provider == "second"


async def test_transient_failure_before_the_first_event_is_retried_on_the_same_provider() -> None:
    first = FakeChatProvider("first", priority=2).queue([Fail(TransportError("reset"))], [ContentEvent("second try")])
    second = FakeChatProvider("second", priority=1)
    events = await collect(gateway(first, second))
    assert events[0] == ContentEvent("second try")
    assert second.calls == []


async def test_permanent_failure_before_the_first_event_stops() -> None:
    first = FakeChatProvider("first", priority=2).queue([Fail(AuthenticationFailed())])
    second = FakeChatProvider("second", priority=1)
    with pytest.raises(AuthenticationFailed):
        await collect(gateway(first, second))
    assert second.calls == []


async def test_failure_after_the_first_event_reaches_the_caller() -> None:
    first = FakeChatProvider("first", priority=2).queue([ContentEvent("partial"), Fail(StreamError("cut"))])
    second = FakeChatProvider("second", priority=1)
    seen: list[object] = []
    with pytest.raises(StreamError, match="cut"):
        async for event in gateway(first, second).chat_stream(MSGS, options=OPTS):
            seen.append(event)
    assert seen == [ContentEvent("partial")]
    assert second.calls == []


async def test_generate_stream_through_demo_provider_ends_with_one_done() -> None:
    from ratatoskr.demo.provider import DemoProvider

    gw = gateway(DemoProvider())
    events = [e async for e in gw.generate_stream("one two", GenerateOptions(model="demo:x"))]
    assert "".join(e.text for e in events[:-1]) == "echo: one two"
    assert events[-1].type == "done" and events[-1].provider == "demo"


async def test_accumulator_rebuilds_the_response_with_signed_reasoning_and_tool_calls() -> None:
    from ratatoskr import ChatAccumulator, ReasoningBlock, ReasoningEvent, Role, ToolCall
    from ratatoskr.serde import event_from_json, event_to_json

    provider = FakeChatProvider("p").queue(
        [
            ReasoningEvent("let me "),
            ReasoningEvent("think"),
            ReasoningEvent("", signature="sig-1"),
            ReasoningEvent("", redacted="opaque"),
            ContentEvent("Calling."),
            ToolCallStart(0, "call_1", "lookup"),
            ToolCallDelta(0, '{"q": '),
            ToolCallDelta(0, '"x"}'),
            ToolCallEnd(0),
            UsageEvent(Usage(3, 4, 7)),
            DoneEvent(FinishReason.TOOL_CALLS),
        ]
    )
    acc = ChatAccumulator()
    async for event in gateway(provider).chat_stream(MSGS, options=OPTS):
        acc.add(event_from_json(event_to_json(event)))  # the JSON shape keeps signatures too
    response = acc.response()
    assert response.content == "Calling."
    assert response.reasoning == "let me think"
    assert response.reasoning_blocks == (
        ReasoningBlock("let me think", "sig-1", None, "p"),
        ReasoningBlock("", None, "opaque", "p"),
    )
    assert response.tool_calls == (ToolCall("call_1", "lookup", '{"q": "x"}'),)
    assert (response.finish_reason, response.usage, response.provider) == (FinishReason.TOOL_CALLS, Usage(3, 4, 7), "p")
    message = response.to_message()
    assert (message.role, message.reasoning, message.tool_calls) == (
        Role.ASSISTANT,
        response.reasoning_blocks,
        response.tool_calls,
    )
