"""The OpenAI-compatible provider, answered in the chat-completions wire format.

Bodies follow https://platform.openai.com/docs/api-reference/chat/object (response) and
https://platform.openai.com/docs/api-reference/chat-streaming/streaming (chunks, the usage chunk with empty
``choices`` when ``stream_options.include_usage`` is set, then ``data: [DONE]``). Reasoning text is sent as
``reasoning_content``, as vLLM and llama.cpp's server do.
"""

from __future__ import annotations

from typing import Any

from conformance_kit import ConformanceCase, Scenario, ValueProblem
from loopback import RecordedRequest, Reply
from ratatoskr.types import ReasoningConfig
from ratatoskr.wire.openai_server import encode_usage
from ratatoskr_providers_openai.provider import OpenAIProvider


def split(text: str, size: int = 3) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def render_with(scenario: Scenario, stream: bool, *, model: str, reasoning_key: str) -> Reply:
    reply = scenario.reply
    head = {"id": "chatcmpl-123", "created": 1_741_569_952, "model": model, "system_fingerprint": "fp_44709d6fcb"}
    if not stream:
        message: dict[str, Any] = {"role": "assistant", "content": reply.content or None, "refusal": None}
        if reply.reasoning:
            message[reasoning_key] = reply.reasoning
        if reply.tool_calls:
            message["tool_calls"] = [
                {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                for c in reply.tool_calls
            ]
        assert reply.usage is not None
        return Reply.json({
            **head, "object": "chat.completion",
            "choices": [{"index": 0, "message": message, "logprobs": None,
                         "finish_reason": reply.finish_reason.value}],
            "usage": encode_usage(reply.usage),
        })  # fmt: skip

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**head, "object": "chat.completion.chunk",
                "choices": [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]}  # fmt: skip

    chunks = [chunk({"role": "assistant", "content": "", "refusal": None})]
    chunks += [chunk({reasoning_key: piece}) for piece in split(reply.reasoning or "")]
    chunks += [chunk({"content": piece}) for piece in split(reply.content)]
    for index, call in enumerate(reply.tool_calls):
        chunks.append(chunk({"tool_calls": [{"index": index, "id": call.id, "type": "function",
                                             "function": {"name": call.name, "arguments": ""}}]}))  # fmt: skip
        chunks += [chunk({"tool_calls": [{"index": index, "function": {"arguments": piece}}]})
                   for piece in split(call.arguments, 5)]  # fmt: skip
    chunks.append(chunk({}, reply.finish_reason.value))
    assert reply.usage is not None
    chunks.append({**head, "object": "chat.completion.chunk", "choices": [], "usage": encode_usage(reply.usage)})
    return Reply.sse(chunks)


def check_request(scenario: Scenario, request: RecordedRequest) -> None:
    assert request.path == "/v1/chat/completions"
    body = request.json()
    roles = [m["role"] for m in body["messages"]]
    assert roles == [m.role.value for m in scenario.messages], "every message kept, system ones included, in order"
    for sent, message in zip(body["messages"], scenario.messages, strict=True):
        if message.tool_call_id:
            assert sent["tool_call_id"] == message.tool_call_id
        if message.tool_calls:
            assert [c["id"] for c in sent["tool_calls"]] == [c.id for c in message.tool_calls]
    if scenario.tools:
        assert body["tools"][0]["function"]["parameters"] == scenario.tools[0].parameters
    if body.get("stream"):
        assert body["stream_options"] == {"include_usage": True}
    if "parallel_tool_calls" in scenario.options:
        assert body["parallel_tool_calls"] is scenario.options["parallel_tool_calls"]


def render(scenario: Scenario, stream: bool) -> Reply:
    return render_with(scenario, stream, model="qwen3-8b", reasoning_key="reasoning_content")


def _check(scenario: Scenario, request: RecordedRequest) -> None:
    check_request(scenario, request)
    if scenario.name == "reasoning":
        assert request.json()["reasoning_effort"] == "medium"


CASE = ConformanceCase(
    name="openai",
    model="qwen3-8b",
    make_provider=lambda base_url, client: OpenAIProvider(base_url=f"{base_url}/v1", client=client),
    render=render,
    check_request=_check,
    value_problems=(
        ValueProblem("reasoning", {"reasoning": ReasoningConfig(max_tokens=64)}, {}),
        ValueProblem(
            "reasoning", {"reasoning": ReasoningConfig("low", 64)}, {"reasoning": ReasoningConfig("low")}
        ),  # the effort is kept
    ),
)
