"""Google Gemini API in the conformance suite.

The server's answers are written by hand from the API documentation: ``GenerateContentResponse`` (candidates,
content parts, ``finishReason``, ``usageMetadata`` with ``thoughtsTokenCount`` and ``cachedContentTokenCount``,
``modelVersion``) of https://ai.google.dev/api/generate-content, the streamed form of the same page
(``streamGenerateContent?alt=sse``: one ``data:`` chunk per response piece, no end marker), ``thought`` parts and
``thoughtSignature`` of https://ai.google.dev/gemini-api/docs/thinking, and ``functionCall`` parts with ``id`` of
https://ai.google.dev/gemini-api/docs/function-calling.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

from conformance_kit import ConformanceCase, Scenario
from loopback import RecordedRequest, Reply
from ratatoskr.types import FinishReason, Role
from ratatoskr_providers_google._wire import EFFORT_BUDGETS
from ratatoskr_providers_google.provider import GoogleProvider

MODEL = "gemini-2.5-flash"
SERVED = "gemini-2.5-flash-preview-05-20"
_FINISH = {
    FinishReason.STOP: "STOP",
    FinishReason.TOOL_CALLS: "STOP",  # Gemini ends a function-calling turn with STOP
    FinishReason.LENGTH: "MAX_TOKENS",
    FinishReason.CONTENT_FILTER: "SAFETY",
}
_SIGNATURE = "CiQB0e2Kb7mB3bZKqy0lJ1Nw8uYFQe7tNqYzPq4U3YgqkA"


def _usage(scenario: Scenario) -> dict[str, int]:
    usage = scenario.reply.usage
    assert usage is not None
    thoughts = usage.reasoning_tokens or 0
    out = {
        "promptTokenCount": usage.prompt_tokens,
        "candidatesTokenCount": usage.completion_tokens - thoughts,
        "totalTokenCount": usage.total_tokens,
    }
    if usage.reasoning_tokens is not None:
        out["thoughtsTokenCount"] = thoughts
    if usage.cached_tokens is not None:
        out["cachedContentTokenCount"] = usage.cached_tokens
    return out


def _halves(text: str) -> list[str]:
    middle = max(1, len(text) // 2)
    return [text[:middle], text[middle:]] if len(text) > 1 else [text]


def _call_parts(scenario: Scenario) -> list[dict[str, Any]]:
    parts = []
    for i, call in enumerate(scenario.reply.tool_calls):
        part: dict[str, Any] = {"functionCall": {"id": call.id, "name": call.name, "args": json.loads(call.arguments)}}
        if i == 0:
            part["thoughtSignature"] = _SIGNATURE  # on the first function call only, as the docs describe
        parts.append(part)
    return parts


def _response(parts: list[dict[str, Any]], *, finish: str | None, usage: dict[str, int] | None) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"role": "model", "parts": parts}, "index": 0}
    if finish is not None:
        candidate["finishReason"] = finish
    out: dict[str, Any] = {"candidates": [candidate], "modelVersion": SERVED, "responseId": "mAitaJqXKLGmnvgP"}
    if usage is not None:
        out["usageMetadata"] = usage
    return out


def render(scenario: Scenario, stream: bool) -> Reply:
    reply = scenario.reply
    finish = _FINISH[reply.finish_reason]
    if not stream:
        parts: list[dict[str, Any]] = []
        if reply.reasoning:
            parts.append({"text": reply.reasoning, "thought": True})
        if reply.content:
            text: dict[str, Any] = {"text": reply.content}
            if reply.reasoning:
                text["thoughtSignature"] = _SIGNATURE
            parts.append(text)
        parts += _call_parts(scenario)
        return Reply.json(_response(parts, finish=finish, usage=_usage(scenario)))
    chunks: list[dict[str, Any]] = []
    running = {"promptTokenCount": _usage(scenario)["promptTokenCount"], "totalTokenCount": 0}
    if reply.reasoning:
        chunks += [
            _response([{"text": p, "thought": True}], finish=None, usage=running) for p in _halves(reply.reasoning)
        ]
    if reply.content:
        pieces = _halves(reply.content)
        for i, piece in enumerate(pieces):
            part: dict[str, Any] = {"text": piece}
            if reply.reasoning and i == len(pieces) - 1:
                part["thoughtSignature"] = _SIGNATURE
            chunks.append(_response([part], finish=None, usage=running))
    if reply.tool_calls:
        chunks.append(_response(_call_parts(scenario), finish=None, usage=running))
    # The last chunk: the finish reason and the final usage (an empty text part, as the API often sends).
    chunks.append(_response([{"text": ""}], finish=finish, usage=_usage(scenario)))
    return Reply.sse(chunks, done=False)


def check_request(scenario: Scenario, request: RecordedRequest) -> None:
    assert request.path in (
        f"/v1beta/models/{MODEL}:generateContent",
        f"/v1beta/models/{MODEL}:streamGenerateContent?alt=sse",
    )
    assert request.headers["x-goog-api-key"] == "AIza-conformance"
    body = request.json()
    systems = [m.content for m in scenario.messages if m.role is Role.SYSTEM]
    got_systems = [p["text"] for p in body.get("systemInstruction", {}).get("parts", [])]
    assert got_systems == systems, "every system message kept, in order"
    roles = [c["role"] for c in body["contents"]]
    assert set(roles) <= {"user", "model"}
    assert all(a != b for a, b in itertools.pairwise(roles)), "user and model turns alternate"
    if scenario.tools:
        declared = body["tools"][0]["functionDeclarations"]
        assert [d["parametersJsonSchema"] for d in declared] == [t.parameters for t in scenario.tools]
    if scenario.name == "multi_turn_with_tool_results":
        model_turn, results = body["contents"][1], body["contents"][2]
        assert model_turn == {
            "role": "model",
            "parts": [{"functionCall": {"id": "call_paris_1", "name": "get_weather", "args": {"city": "Paris"}}}],
        }
        assert results["parts"][0] == {
            "functionResponse": {
                "id": "call_paris_1",
                "name": "get_weather",
                "response": {"temp_c": 18, "sky": "clear"},
            }
        }
    reasoning = scenario.options.get("reasoning")
    config = body.get("generationConfig", {})
    if reasoning is not None:
        assert config["thinkingConfig"] == {"includeThoughts": True, "thinkingBudget": EFFORT_BUDGETS[reasoning.effort]}
    if scenario.name == "finish_length":
        assert config["maxOutputTokens"] == 5


CASE = ConformanceCase(
    name="google",
    model=MODEL,
    make_provider=lambda base_url, client: GoogleProvider("AIza-conformance", base_url=base_url, client=client),
    render=render,
    check_request=check_request,
    finish_reasons=frozenset(FinishReason),
    reasoning=True,
)
