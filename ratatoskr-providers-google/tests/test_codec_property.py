"""Property tests of the Gemini codec: any answer written in the documented wire format (complete, or streamed in
pieces of any size) reads back as the same ChatResponse; any conversation is written as valid Gemini contents and
reads back unchanged. The writer and reader on the test side follow https://ai.google.dev/api/generate-content by
hand, not the provider's code."""

from __future__ import annotations

import itertools
import json
from typing import Any

import ratatoskr.types as rt
from hypothesis import given, settings
from hypothesis import strategies as st
from ratatoskr.errors import RatatoskrError
from ratatoskr_providers_google._stream import GeminiStreamDecoder
from ratatoskr_providers_google._wire import build_body, parse_response

_text = st.text(min_size=1, max_size=20)
_id = st.text(alphabet="abcdefghijklmnopqrstuvwxyz0123456789_", min_size=1, max_size=10)
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-1000, 1000) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=8,
)
_args = st.dictionaries(st.text(max_size=5), _json, max_size=3)
_call = st.builds(lambda i, n, a: rt.ToolCall(i, n, json.dumps(a)), _id, _id, _args)
_usage = st.builds(
    lambda p, c, r, cached: rt.Usage(p, c + (r or 0), p + c + (r or 0), r, cached),
    st.integers(0, 10**6),
    st.integers(0, 10**6),
    st.none() | st.integers(0, 1000),
    st.none() | st.integers(0, 1000),
)
_FINISH = {rt.FinishReason.STOP: "STOP", rt.FinishReason.LENGTH: "MAX_TOKENS", rt.FinishReason.CONTENT_FILTER: "SAFETY"}


def _wire_usage(usage: rt.Usage) -> dict[str, int]:
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


def _parts(response: rt.ChatResponse) -> list[dict[str, Any]]:
    parts: list[dict[str, Any]] = []
    if response.reasoning:
        parts.append({"text": response.reasoning, "thought": True})
    if response.content:
        parts.append({"text": response.content})
    parts += [
        {"functionCall": {"id": c.id, "name": c.name, "args": json.loads(c.arguments)}} for c in response.tool_calls
    ]
    return parts


def _chunk(parts: list[dict[str, Any]], finish: str | None = None, usage: rt.Usage | None = None) -> dict[str, Any]:
    cand: dict[str, Any] = {"content": {"role": "model", "parts": parts}}
    if finish:
        cand["finishReason"] = finish
    out: dict[str, Any] = {"candidates": [cand], "modelVersion": "served"}
    if usage is not None:
        out["usageMetadata"] = _wire_usage(usage)
    return out


def _pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


_response = st.builds(
    lambda content, reasoning, calls, usage, reason: rt.ChatResponse(
        content or "", reasoning, tuple({c.id: c for c in calls}.values()), usage,
        rt.FinishReason.TOOL_CALLS if calls and reason is rt.FinishReason.STOP else reason, "served", "google"),
    st.none() | _text, st.none() | _text, st.lists(_call, max_size=3), _usage,
    st.sampled_from(list(_FINISH)),
)  # fmt: skip


def _finish(response: rt.ChatResponse) -> str:
    return "STOP" if response.finish_reason is rt.FinishReason.TOOL_CALLS else _FINISH[response.finish_reason]


@settings(max_examples=150)
@given(_response, st.integers(1, 7))
def test_complete_and_streamed_answers_read_back_the_same(response: rt.ChatResponse, size: int) -> None:
    body = json.loads(json.dumps(_chunk(_parts(response), _finish(response), response.usage)))
    parsed = parse_response(body, model="asked")
    assert parsed.content == response.content
    assert parsed.reasoning == response.reasoning
    assert [(c.id, c.name, json.loads(c.arguments)) for c in parsed.tool_calls] == [
        (c.id, c.name, json.loads(c.arguments)) for c in response.tool_calls
    ]
    assert (parsed.usage, parsed.finish_reason, parsed.model, parsed.provider) == (
        response.usage, response.finish_reason, "served", "google"
    )  # fmt: skip

    chunks = [_chunk([{"text": p, "thought": True}]) for p in _pieces(response.reasoning or "", size)]
    chunks += [_chunk([{"text": p}], usage=rt.Usage(1, 1, 2)) for p in _pieces(response.content, size)]
    if response.tool_calls:
        chunks.append(_chunk(_parts(rt.ChatResponse(tool_calls=response.tool_calls))))
    chunks.append(_chunk([], _finish(response), response.usage))

    def fail(obj: Any) -> RatatoskrError:
        raise AssertionError(obj)

    decoder = GeminiStreamDecoder("asked", on_error=fail)
    events = [e for c in chunks for e in decoder.feed(json.loads(json.dumps(c)))] + decoder.close()
    starts = [e for e in events if isinstance(e, rt.ToolCallStart)]
    assert "".join(e.text for e in events if isinstance(e, rt.ContentEvent)) == response.content
    assert ("".join(e.text for e in events if isinstance(e, rt.ReasoningEvent)) or None) == response.reasoning
    rebuilt = [
        (
            s.id,
            s.name,
            json.loads("".join(d.arguments for d in events if isinstance(d, rt.ToolCallDelta) and d.index == s.index)),
        )
        for s in starts
    ]
    assert rebuilt == [(c.id, c.name, json.loads(c.arguments)) for c in response.tool_calls]
    assert [e.usage for e in events if isinstance(e, rt.UsageEvent)] == [response.usage]  # once, the last
    assert events[-1] == rt.DoneEvent(response.finish_reason, "served", "google")
    assert sum(isinstance(e, rt.DoneEvent) for e in events) == 1


# ---- requests ----------------------------------------------------------------------------------------------------

_assistant = st.builds(
    lambda t, calls: rt.Message.assistant(t or "", calls), st.none() | _text, st.lists(_call, max_size=3)
)


def _conversation(draw: Any) -> list[rt.Message]:
    """System messages, then user/assistant exchanges; an assistant's calls are answered before the next turn."""
    messages: list[rt.Message] = [rt.Message.system(t) for t in draw(st.lists(_text, max_size=2))]
    for _ in range(draw(st.integers(1, 3))):
        messages.append(rt.Message.user(draw(_text)))
        turn = draw(_assistant)
        messages.append(turn)
        messages += [rt.Message.tool_result(c.id, draw(_text)) for c in {c.id: c for c in turn.tool_calls}.values()]
    return messages


def _read_back(body: dict[str, Any]) -> list[rt.Message]:
    """Gemini contents → messages, as a reader of the documented format would."""
    out = [rt.Message.system(p["text"]) for p in body.get("systemInstruction", {}).get("parts", [])]
    for content in body["contents"]:
        parts = content["parts"]
        if content["role"] == "model":
            text = "".join(p.get("text", "") for p in parts)
            calls = [
                rt.ToolCall(p["functionCall"]["id"], p["functionCall"]["name"], json.dumps(p["functionCall"]["args"]))
                for p in parts
                if "functionCall" in p
            ]
            out.append(rt.Message.assistant(text, calls))
            continue
        for part in parts:
            if "functionResponse" in part:
                response = part["functionResponse"]["response"]
                out.append(rt.Message.tool_result(part["functionResponse"]["id"], response["output"]))
            else:
                out.append(rt.Message.user(part["text"]))
    return out


@settings(max_examples=150)
@given(st.data())
def test_any_conversation_is_written_as_alternating_contents_and_reads_back(data: st.DataObject) -> None:
    messages = data.draw(st.composite(lambda draw: _conversation(draw))())
    body = json.loads(json.dumps(build_body(messages, None, rt.ChatOptions(model="gemini-2.5-flash"))))
    roles = [c["role"] for c in body["contents"]]
    assert all(a != b for a, b in itertools.pairwise(roles))
    # tool results that happen to be JSON objects travel as objects; compare them as the text they were
    expected = [
        m if m.role is not rt.Role.TOOL or not isinstance(_maybe_json(m.content), dict) else None for m in messages
    ]
    got = _read_back(body)
    assert len(got) == len(messages)
    for want, have in zip(expected, got, strict=True):
        if want is None:
            continue
        assert (have.role, have.content, have.tool_call_id) == (want.role, want.content, want.tool_call_id)
        assert [(c.id, c.name, json.loads(c.arguments)) for c in have.tool_calls] == [
            (c.id, c.name, json.loads(c.arguments)) for c in want.tool_calls
        ]


def _maybe_json(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        return None
