"""Anthropic Messages API in the conformance suite.

The server's answers are written by hand from the API documentation: the Message object of
https://docs.anthropic.com/en/api/messages and the event flow of
https://docs.anthropic.com/en/docs/build-with-claude/streaming (message_start, content_block_start/delta/stop
with text_delta, thinking_delta + signature_delta, input_json_delta, message_delta, message_stop, pings).
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from conformance_kit import ConformanceCase, Scenario, ValueProblem
from loopback import RecordedRequest, Reply
from ratatoskr.types import FinishReason, ReasoningConfig, Role, ToolChoice
from ratatoskr_providers_anthropic._wire import EFFORT_BUDGETS
from ratatoskr_providers_anthropic.provider import AnthropicProvider

MODEL = "claude-sonnet-4-5"
SERVED = "claude-sonnet-4-5-20250929"
_STOP = {
    FinishReason.STOP: "end_turn",
    FinishReason.LENGTH: "max_tokens",
    FinishReason.TOOL_CALLS: "tool_use",
    FinishReason.CONTENT_FILTER: "refusal",
}
_SIGNATURE = "EqQBCgIYAhIM1gbcDa9GJwZA2b3hGgxBdjrkzLoky3dl1pkiMOYds"


def _usage(scenario: Scenario, *, output: bool = True) -> dict[str, int]:
    usage = scenario.reply.usage
    assert usage is not None
    cached = usage.cached_tokens or 0
    out = {
        "input_tokens": usage.prompt_tokens - cached,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": cached,
    }
    out["output_tokens"] = usage.completion_tokens if output else 1
    return out


def _halves(text: str) -> list[str]:
    middle = max(1, len(text) // 2)
    return [text[:middle], text[middle:]] if len(text) > 1 else [text]


def _message(scenario: Scenario) -> dict[str, Any]:
    reply = scenario.reply
    content: list[dict[str, Any]] = []
    if reply.reasoning:
        content.append({"type": "thinking", "thinking": reply.reasoning, "signature": _SIGNATURE})
    if reply.content:
        content.append({"type": "text", "text": reply.content})
    for call in reply.tool_calls:
        content.append({"type": "tool_use", "id": call.id, "name": call.name, "input": json.loads(call.arguments)})
    return {
        "id": "msg_01XFDUDYJgAACzvnptvVoYEL",
        "type": "message",
        "role": "assistant",
        "model": SERVED,
        "content": content,
        "stop_reason": _STOP[reply.finish_reason],
        "stop_sequence": None,
        "usage": _usage(scenario),
    }


def _sse(event: dict[str, Any]) -> bytes:
    return f"event: {event['type']}\ndata: {json.dumps(event)}\n\n".encode()


def _events(scenario: Scenario) -> list[dict[str, Any]]:
    reply = scenario.reply
    start = {**_message(scenario), "content": [], "stop_reason": None, "usage": _usage(scenario, output=False)}
    events: list[dict[str, Any]] = [{"type": "message_start", "message": start}, {"type": "ping"}]
    index = 0
    if reply.reasoning:
        events.append(
            {"type": "content_block_start", "index": index, "content_block": {"type": "thinking", "thinking": ""}}
        )
        events += [
            {"type": "content_block_delta", "index": index, "delta": {"type": "thinking_delta", "thinking": p}}
            for p in _halves(reply.reasoning)
        ]
        events.append(
            {
                "type": "content_block_delta",
                "index": index,
                "delta": {"type": "signature_delta", "signature": _SIGNATURE},
            }
        )
        events.append({"type": "content_block_stop", "index": index})
        index += 1
    if reply.content:
        events.append({"type": "content_block_start", "index": index, "content_block": {"type": "text", "text": ""}})
        events += [
            {"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": p}}
            for p in _halves(reply.content)
        ]
        events.append({"type": "content_block_stop", "index": index})
        index += 1
    for call in reply.tool_calls:
        events.append(
            {
                "type": "content_block_start",
                "index": index,
                "content_block": {"type": "tool_use", "id": call.id, "name": call.name, "input": {}},
            }
        )
        pieces = ["", *_halves(json.dumps(json.loads(call.arguments)))]
        events += [
            {"type": "content_block_delta", "index": index, "delta": {"type": "input_json_delta", "partial_json": p}}
            for p in pieces
        ]
        events.append({"type": "content_block_stop", "index": index})
        index += 1
    usage = scenario.reply.usage
    assert usage is not None
    events.append(
        {
            "type": "message_delta",
            "delta": {"stop_reason": _STOP[reply.finish_reason], "stop_sequence": None},
            "usage": {"output_tokens": usage.completion_tokens},
        }
    )
    events.append({"type": "message_stop"})
    return events


def render(scenario: Scenario, stream: bool) -> Reply:
    if not stream:
        return Reply.json(_message(scenario))
    return Reply(200, [_sse(e) for e in _events(scenario)], {"content-type": "text/event-stream; charset=utf-8"})


def check_request(scenario: Scenario, request: RecordedRequest) -> None:
    assert request.path == "/v1/messages"
    assert request.headers["anthropic-version"] == "2023-06-01"
    assert request.headers["x-api-key"] == "sk-ant-conformance"
    body = request.json()
    assert body["model"] == MODEL
    assert isinstance(body["max_tokens"], int)
    systems = [m.content for m in scenario.messages if m.role is Role.SYSTEM]
    assert [b["text"] for b in body.get("system", [])] == systems, "every system message kept, in order"
    assert all(m["role"] in ("user", "assistant") for m in body["messages"])
    roles = [m["role"] for m in body["messages"]]
    assert all(a != b for a, b in itertools.pairwise(roles)), "user and assistant alternate"
    if scenario.tools:
        assert [t["input_schema"] for t in body["tools"]] == [t.parameters for t in scenario.tools]
    if scenario.name == "multi_turn_with_tool_results":
        assistant, results = body["messages"][1], body["messages"][2]
        assert assistant["content"] == [
            {"type": "tool_use", "id": "call_paris_1", "name": "get_weather", "input": {"city": "Paris"}}
        ]
        assert results["content"][0]["type"] == "tool_result"
        assert results["content"][0]["tool_use_id"] == "call_paris_1"
    reasoning = scenario.options.get("reasoning")
    if reasoning is not None:
        budget = reasoning.max_tokens or EFFORT_BUDGETS[reasoning.effort]
        assert body["thinking"] == {"type": "enabled", "budget_tokens": budget}
        assert body["max_tokens"] > budget, "Anthropic counts thinking inside max_tokens"
    if scenario.name == "finish_length":
        assert body["max_tokens"] == 5


CASE = ConformanceCase(
    name="anthropic",
    model=MODEL,
    make_provider=lambda base_url, client: AnthropicProvider("sk-ant-conformance", base_url=base_url, client=client),
    render=render,
    check_request=check_request,
    finish_reasons=frozenset(FinishReason),
    reasoning=True,
    reasoning_tokens=False,  # Anthropic returns the reasoning text but no separate token count
    value_problems=(
        ValueProblem("temperature", {"temperature": 1.5}, {}),
        ValueProblem(
            "tool_choice",
            {"tool_choice": ToolChoice("required"), "reasoning": ReasoningConfig(max_tokens=2048)},
            {"reasoning": ReasoningConfig(max_tokens=2048)},
            tools=True,
        ),
    ),
)
