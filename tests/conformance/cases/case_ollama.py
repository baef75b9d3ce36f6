"""Ollama's native ``/api/chat`` in the conformance suite.

The server's answers are written by hand from Ollama's API reference (docs/api.md, "Generate a chat
completion": NDJSON objects, a final ``done`` object with ``done_reason``, ``prompt_eval_count`` and
``eval_count``), its thinking capability page (``message.thinking``) and the v0.12.10 release note that
``/api/chat`` returns tool call ids. Ollama sends each tool call whole, in one object. It has no content
filter finish reason and reports no cached tokens.
"""

from __future__ import annotations

import json
from typing import Any

from conformance_kit import ConformanceCase, Scenario
from loopback import RecordedRequest, Reply
from ratatoskr.types import FinishReason
from ratatoskr_providers_ollama.provider import OllamaProvider

MODEL = "qwen3:8b"
_CREATED = "2025-05-27T22:54:57.641643Z"


def _halves(text: str) -> list[str]:
    middle = max(1, len(text) // 2)
    return [text[:middle], text[middle:]] if len(text) > 1 else [text]


def _tool_calls(scenario: Scenario) -> list[dict[str, Any]]:
    return [
        {"id": call.id, "function": {"index": i, "name": call.name, "arguments": json.loads(call.arguments)}}
        for i, call in enumerate(scenario.reply.tool_calls)
    ]


def _final(scenario: Scenario, message: dict[str, Any]) -> dict[str, Any]:
    usage = scenario.reply.usage
    assert usage is not None
    return {
        "model": MODEL,
        "created_at": _CREATED,
        "message": message,
        "done": True,
        "done_reason": "length" if scenario.reply.finish_reason is FinishReason.LENGTH else "stop",
        "total_duration": 885095291,
        "load_duration": 3753500,
        "prompt_eval_count": usage.prompt_tokens,
        "prompt_eval_duration": 328493000,
        "eval_count": usage.completion_tokens,
        "eval_duration": 552222000,
    }


def render(scenario: Scenario, stream: bool) -> Reply:
    reply = scenario.reply
    if not stream:
        message: dict[str, Any] = {"role": "assistant", "content": reply.content}
        if reply.reasoning:
            message["thinking"] = reply.reasoning
        if reply.tool_calls:
            message["tool_calls"] = _tool_calls(scenario)
        return Reply.json(_final(scenario, message))
    objects: list[dict[str, Any]] = []
    chunk = {"model": MODEL, "created_at": _CREATED, "done": False}
    for piece in _halves(reply.reasoning or ""):
        if piece:
            objects.append({**chunk, "message": {"role": "assistant", "content": "", "thinking": piece}})
    for piece in _halves(reply.content):
        if piece:
            objects.append({**chunk, "message": {"role": "assistant", "content": piece}})
    if reply.tool_calls:
        objects.append({**chunk, "message": {"role": "assistant", "content": "", "tool_calls": _tool_calls(scenario)}})
    objects.append(_final(scenario, {"role": "assistant", "content": ""}))
    return Reply(200, [json.dumps(o).encode() + b"\n" for o in objects], {"content-type": "application/x-ndjson"})


def check_request(scenario: Scenario, request: RecordedRequest) -> None:
    assert request.path == "/api/chat"
    body = request.json()
    assert body["model"] == MODEL
    assert isinstance(body["stream"], bool)
    assert [m["role"] for m in body["messages"]] == [m.role.value for m in scenario.messages]
    if scenario.tools:
        assert [t["function"]["parameters"] for t in body["tools"]] == [t.parameters for t in scenario.tools]
    if scenario.name == "multi_turn_with_tool_results":
        call = body["messages"][3]["tool_calls"][0]
        assert call["function"] == {"name": "get_weather", "arguments": {"city": "Paris"}}
        assert body["messages"][4]["tool_name"] == "get_weather"
    if scenario.name == "reasoning":
        assert body["think"] is True
    if scenario.name == "finish_length":
        assert body["options"]["num_predict"] == 5


CASE = ConformanceCase(
    name="ollama",
    model=MODEL,
    make_provider=lambda base_url, client: OllamaProvider(base_url=base_url, client=client),
    render=render,
    check_request=check_request,
    finish_reasons=frozenset({FinishReason.STOP, FinishReason.LENGTH, FinishReason.TOOL_CALLS}),
    reasoning=True,
    reasoning_tokens=False,  # Ollama returns the reasoning text but no separate token count
    cached_tokens=False,
)
