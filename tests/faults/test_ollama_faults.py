"""Faults in Ollama's newline-delimited JSON streams (and its plain JSON answers), through the gateway.

Ollama's wire format (https://github.com/ollama/ollama/blob/main/docs/api.md#generate-a-chat-completion): one
JSON object per line, the last with ``"done": true``; errors as ``{"error": "..."}``, in a stream too.
"""

from __future__ import annotations

import json

import anyio
import pytest
from clients import FAST_RETRY, SHORT, Case, call, ends_in_typed_error, gateway, ollama_provider, params
from faultserver import Behaviour, Conn, FaultServer, Request, drip, hang, json_reply, ndjson, raw_body, reset, status
from ratatoskr import Message
from ratatoskr.errors import Overloaded, RequestTimeout, ResponseFormatError, StreamError, TransportError

RETRIES = FAST_RETRY.max_attempts
MESSAGES = [Message.user("hi")]


def line(content: str = "", *, done: bool = False) -> dict[str, object]:
    obj: dict[str, object] = {"model": "m", "created_at": "2025-01-01T00:00:00Z",
                              "message": {"role": "assistant", "content": content}, "done": done}  # fmt: skip
    if done:
        obj.update(done_reason="stop", prompt_eval_count=3, eval_count=1)
    return obj


def answer(content: str, mode: str) -> Behaviour:
    if mode == "chat":
        return json_reply(line(content, done=True))
    return ndjson([line(content), line(done=True)])


def reset_after(objects: list[object]) -> Behaviour:
    async def behave(conn: Conn, request: Request) -> bool:
        await conn.head(200, {"content-type": "application/x-ndjson"})
        for obj in objects:
            await conn.chunk(json.dumps(obj).encode() + b"\n")
        await anyio.sleep(0.05)
        conn.reset()
        return False

    return behave


CASES = [
    Case("503", status(503), Overloaded, RETRIES),
    Case("hang", hang, RequestTimeout, RETRIES, timeout=SHORT),
    Case("reset-before-response", reset, TransportError, RETRIES),
    Case(
        "in-band-error-first",
        ndjson([{"error": "llama runner process has terminated"}]),
        StreamError,
        RETRIES,
        ("stream",),
    ),
    Case("in-band-error-mid-stream", ndjson([line("par"), {"error": "runner died"}]), StreamError, 1, ("stream",)),
    Case("truncated-line", ndjson([line("par"), b'{"model": "m", "mess']), ResponseFormatError, 1, ("stream",)),
    Case("missing-done", ndjson([line("par")]), StreamError, 1, ("stream",)),
    Case("empty-stream", ndjson([]), StreamError, RETRIES, ("stream",)),
    Case("reset-mid-stream", reset_after([line("par")]), StreamError, 1, ("stream",)),
    Case(
        "blank-lines-only",
        drip(b"\n" * 1000, 0.02, content_type="application/x-ndjson"),
        RequestTimeout,
        RETRIES,
        ("stream",),
        timeout=SHORT,
    ),
    Case(
        "drip",
        drip(json.dumps(line("slow", done=True)).encode(), 0.02, content_type="application/json"),
        RequestTimeout,
        RETRIES,
        ("chat",),
        timeout=SHORT,
    ),
    Case(
        "truncated-json",
        raw_body(b'{"model": "m", "message": {', 200, {"content-type": "application/json"}),
        ResponseFormatError,
        1,
        ("chat",),
    ),
]


@pytest.mark.parametrize(("case", "mode"), params(CASES))
async def test_fault_ends_in_the_typed_error(case: Case, mode: str) -> None:
    await ends_in_typed_error(case, mode, lambda server: ollama_provider(server, limits=case.limits))


@pytest.mark.parametrize("mode", ["chat", "stream"])
async def test_a_transient_fault_is_retried_then_succeeds(mode: str) -> None:
    async with FaultServer([status(503), answer("fine", mode)]) as server, gateway(ollama_provider(server)) as gw:
        assert await call(gw, mode) == "fine"
    assert len(server.requests) == 2


@pytest.mark.parametrize("mode", ["chat", "stream"])
async def test_a_huge_line_arrives_whole(mode: str) -> None:
    text = "x" * (8 * 1024 * 1024)
    async with FaultServer(answer(text, mode)) as server, gateway(ollama_provider(server)) as gw:
        assert await call(gw, mode) == text
