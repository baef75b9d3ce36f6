"""What every chat provider must do: the scenarios, the case a provider supplies, the stream invariants.

A provider joins the suite with one module in ``cases/`` defining ``CASE = ConformanceCase(...)``: how to
build the provider against a base URL, and how its API would answer each scenario (``render``), in the
documented wire format. See README.md.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

import attrs
import httpx
import ratatoskr.types as rt
from loopback import RecordedRequest, Reply
from ratatoskr.providers import ChatProvider

__all__ = ["SCENARIOS", "ConformanceCase", "Scenario", "ValueProblem", "assemble", "check_stream_invariants"]

WEATHER = rt.ToolDefinition(
    "get_weather",
    "Current weather for a city",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


@attrs.frozen
class Scenario:
    """A conversation and the answer the fake server gives (``reply``), which the provider must return."""

    name: str
    messages: tuple[rt.Message, ...]
    reply: rt.ChatResponse
    tools: tuple[rt.ToolDefinition, ...] | None = None
    options: dict[str, Any] = attrs.field(factory=dict)

    def chat_options(self, model: str) -> rt.ChatOptions:
        return rt.ChatOptions(model=model, **self.options)


@attrs.frozen
class ValueProblem:
    """Option values the provider takes but declares it cannot take together or in this range (its
    ``parameter_problems``): ``options`` as asked, ``sent`` the options that go out instead under
    validation = "warn" (``parameter`` dropped, or replaced). ``tools``: the request carries a tool."""

    parameter: str
    options: dict[str, Any]
    sent: dict[str, Any]
    tools: bool = False


@attrs.frozen
class ConformanceCase:
    """One provider under test.

    - ``make_provider(base_url, client)``: the provider, talking to the loopback server at ``base_url``.
    - ``render(scenario, stream)``: the server's :class:`Reply` for this scenario, in the API's wire format
      (stream: the streamed form, split into several chunks so assembly is tested).
    - ``check_request(scenario, request)``: optional asserts on the request the provider sent.
    - ``finish_reasons``: the finish reasons the API can express (others' scenarios are skipped).
    - ``reasoning``: whether the API returns reasoning text.
    - ``reasoning_tokens`` / ``cached_tokens``: whether its usage reports them (checked only when true).
    - ``value_problems``: option values it declares it cannot take (every validation policy is tried on each).
    """

    name: str
    model: str
    make_provider: Callable[[str, httpx.AsyncClient], ChatProvider]
    render: Callable[[Scenario, bool], Reply]
    check_request: Callable[[Scenario, RecordedRequest], None] | None = None
    finish_reasons: frozenset[rt.FinishReason] = frozenset(rt.FinishReason)
    reasoning: bool = True
    reasoning_tokens: bool = True
    cached_tokens: bool = True
    value_problems: tuple[ValueProblem, ...] = ()


_HISTORY = (
    rt.Message.system("You are terse."),
    rt.Message.system("Answer in English."),  # a second system message: kept, in order
    rt.Message.user("Weather in Paris?"),
    rt.Message.assistant("", [rt.ToolCall("call_paris_1", "get_weather", '{"city": "Paris"}')]),
    rt.Message.tool_result("call_paris_1", '{"temp_c": 18, "sky": "clear"}'),
)

SCENARIOS: tuple[Scenario, ...] = (
    Scenario(
        "text",
        (rt.Message.user("Say hello"),),
        rt.ChatResponse("Hello there, friend!", usage=rt.Usage(9, 5, 14), finish_reason=rt.FinishReason.STOP),
    ),
    Scenario(
        "multi_turn_with_tool_results",
        _HISTORY,
        rt.ChatResponse("Paris: 18°C and clear.", usage=rt.Usage(60, 9, 69), finish_reason=rt.FinishReason.STOP),
        tools=(WEATHER,),
    ),
    Scenario(
        "parallel_tool_calls",
        (rt.Message.user("Weather in Paris and Oslo?"),),
        rt.ChatResponse(
            "",
            tool_calls=(
                rt.ToolCall("call_a1", "get_weather", '{"city": "Paris"}'),
                rt.ToolCall("call_b2", "get_weather", '{"city": "Oslo"}'),
            ),
            usage=rt.Usage(40, 30, 70),
            finish_reason=rt.FinishReason.TOOL_CALLS,
        ),
        tools=(WEATHER,),
        options={"parallel_tool_calls": True},
    ),
    Scenario(
        "reasoning",
        (rt.Message.user("What is 6 * 7?"),),
        rt.ChatResponse(
            "42",
            reasoning="Six sevens are forty-two.",
            usage=rt.Usage(12, 30, 42, reasoning_tokens=25, cached_tokens=8),
            finish_reason=rt.FinishReason.STOP,
        ),
        options={"reasoning": rt.ReasoningConfig(effort="medium")},
    ),
    Scenario(
        "finish_length",
        (rt.Message.user("Count to a million"),),
        rt.ChatResponse("1, 2, 3,", usage=rt.Usage(8, 5, 13), finish_reason=rt.FinishReason.LENGTH),
        options={"max_tokens": 5},
    ),
    Scenario(
        "finish_content_filter",
        (rt.Message.user("Something not allowed"),),
        rt.ChatResponse("", usage=rt.Usage(7, 0, 7), finish_reason=rt.FinishReason.CONTENT_FILTER),
    ),
)


def check_stream_invariants(events: Sequence[rt.ChatEvent]) -> None:
    """The event-model guarantees every provider's stream must keep."""
    assert events, "a stream yields at least DoneEvent"
    done = [e for e in events if isinstance(e, rt.DoneEvent)]
    assert len(done) == 1 and events[-1] is done[0], "DoneEvent exactly once, and last"
    usage = [i for i, e in enumerate(events) if isinstance(e, rt.UsageEvent)]
    assert len(usage) <= 1, "usage at most once"
    ids: dict[int, str] = {}
    arguments: dict[int, str] = {}
    ended: set[int] = set()
    last_start = -1
    for event in events:
        if isinstance(event, rt.ToolCallStart):
            assert event.index not in ids, f"tool call {event.index} started twice"
            assert event.index > last_start, "tool-call indices increase"
            assert event.id, "a tool call has an id"
            assert event.id not in ids.values(), "tool-call ids are unique"
            last_start = event.index
            ids[event.index] = event.id
            arguments[event.index] = ""
        elif isinstance(event, rt.ToolCallDelta):
            assert event.index in ids and event.index not in ended, "delta belongs to an open call"
            arguments[event.index] += event.arguments
        elif isinstance(event, rt.ToolCallEnd):
            assert event.index in ids and event.index not in ended, "end closes an open call, once"
            ended.add(event.index)
            json.loads(arguments[event.index] or "{}")  # valid JSON at tool_call_end
        elif isinstance(event, rt.ContentEvent):
            assert event.text, "no empty content events"
        elif isinstance(event, rt.ReasoningEvent):
            assert event.text or event.signature or event.redacted, "no empty reasoning events"
    assert ended == set(ids), "every started tool call ends before Done"


def assemble(events: Sequence[rt.ChatEvent]) -> rt.ChatResponse:
    """The response a stream adds up to."""
    content = "".join(e.text for e in events if isinstance(e, rt.ContentEvent))
    reasoning = "".join(e.text for e in events if isinstance(e, rt.ReasoningEvent))
    starts = {e.index: e for e in events if isinstance(e, rt.ToolCallStart)}
    args = {i: "".join(e.arguments for e in events if isinstance(e, rt.ToolCallDelta) and e.index == i) for i in starts}
    usage = next((e.usage for e in events if isinstance(e, rt.UsageEvent)), None)
    done = events[-1]
    assert isinstance(done, rt.DoneEvent)
    return rt.ChatResponse(
        content,
        reasoning or None,
        tuple(rt.ToolCall(s.id, s.name, args[i]) for i, s in sorted(starts.items())),
        usage,
        done.finish_reason or rt.FinishReason.STOP,
        done.model,
        done.provider,
    )
