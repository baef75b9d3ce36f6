"""The OpenRouter provider, answered as OpenRouter's API documents it.

Bodies follow https://openrouter.ai/docs/api/reference/overview (responses: ``choices[].message`` with
``reasoning`` and ``reasoning_details``, ``native_finish_reason``, ``usage`` with token details) and
https://openrouter.ai/docs/api/reference/streaming (``: OPENROUTER PROCESSING`` comments, ``data: [DONE]``);
reasoning per https://openrouter.ai/docs/use-cases/reasoning-tokens (``delta.reasoning`` and
``delta.reasoning_details`` carrying the same text).
"""

from __future__ import annotations

from typing import Any

from case_openai import split
from conformance_kit import ConformanceCase, Scenario, ValueProblem
from loopback import RecordedRequest, Reply
from ratatoskr.types import ReasoningConfig
from ratatoskr.wire.openai_server import encode_usage
from ratatoskr_providers_openrouter.provider import OpenRouterProvider

MODEL = "deepseek/deepseek-r1:free"


def render(scenario: Scenario, stream: bool) -> Reply:
    reply = scenario.reply
    head = {"id": "gen-1741569952-abc", "provider": "Chutes", "model": MODEL, "created": 1_741_569_952}
    assert reply.usage is not None
    if not stream:
        message: dict[str, Any] = {"role": "assistant", "content": reply.content, "refusal": None,
                                   "reasoning": reply.reasoning}  # fmt: skip
        if reply.reasoning:
            message["reasoning_details"] = [{"type": "reasoning.text", "text": reply.reasoning, "format": "unknown",
                                             "index": 0}]  # fmt: skip
        if reply.tool_calls:
            message["tool_calls"] = [
                {"index": i, "id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                for i, c in enumerate(reply.tool_calls)
            ]
        return Reply.json({
            **head, "object": "chat.completion",
            "choices": [{"logprobs": None, "finish_reason": reply.finish_reason.value,
                         "native_finish_reason": reply.finish_reason.value, "index": 0, "message": message}],
            "usage": encode_usage(reply.usage),
        })  # fmt: skip

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**head, "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": {"role": "assistant", **delta}, "finish_reason": finish,
                             "native_finish_reason": finish, "logprobs": None}]}  # fmt: skip

    chunks: list[Any] = []
    for piece in split(reply.reasoning or ""):
        details = [{"type": "reasoning.text", "text": piece, "format": "unknown", "index": 0}]
        chunks.append(chunk({"content": "", "reasoning": piece, "reasoning_details": details}))
    chunks += [chunk({"content": piece, "reasoning": None}) for piece in split(reply.content)]
    for index, call in enumerate(reply.tool_calls):
        chunks.append(
            chunk(
                {
                    "content": None,
                    "tool_calls": [
                        {
                            "index": index,
                            "id": call.id,
                            "type": "function",
                            "function": {"name": call.name, "arguments": ""},
                        }
                    ],
                }
            )
        )
        chunks += [chunk({"content": None, "tool_calls": [{"index": index, "type": "function",
                                                           "function": {"arguments": piece}}]})
                   for piece in split(call.arguments, 4)]  # fmt: skip
    chunks.append(chunk({"content": ""}, reply.finish_reason.value))
    chunks.append({**head, "object": "chat.completion.chunk",
                   "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None,
                                "native_finish_reason": None, "logprobs": None}],
                   "usage": encode_usage(reply.usage)})  # fmt: skip
    return Reply.sse(chunks, comments=["OPENROUTER PROCESSING", "OPENROUTER PROCESSING"])


def check_request(scenario: Scenario, request: RecordedRequest) -> None:
    assert request.path == "/api/v1/chat/completions"
    assert "authorization" not in request.headers, "keyless: no Authorization header"
    assert request.headers.get("x-title") == "Ratatoskr"
    body = request.json()
    assert [m["role"] for m in body["messages"]] == [m.role.value for m in scenario.messages]
    if scenario.name == "reasoning":
        assert body["reasoning"] == {"effort": "medium"}
    if body.get("stream"):
        assert body["stream_options"] == {"include_usage": True}


CASE = ConformanceCase(
    name="openrouter",
    model=MODEL,
    make_provider=lambda base_url, client: OpenRouterProvider(base_url=f"{base_url}/api/v1", client=client),
    render=render,
    check_request=check_request,
    value_problems=(
        ValueProblem("reasoning", {"reasoning": ReasoningConfig("low", 64)}, {"reasoning": ReasoningConfig("low")}),
    ),
)
