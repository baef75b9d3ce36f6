"""docs/plugins/http.md's native-API example works as written: built on an endpoint, it answers, streams,
and its classifier decides what Acme's errors mean (a scripted httpx transport stands in for Acme)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from ratatoskr import errors
from ratatoskr.types import GenerateDone, GenerateOptions, TextEvent

PAGE = Path(__file__).resolve().parents[1] / "docs/plugins/http.md"


def _example() -> dict[str, Any]:
    block = next(b for b in PAGE.read_text().split("```python\n")[1:] if "class AcmeProvider" in b)
    namespace: dict[str, Any] = {"__name__": "acme_example"}
    exec(compile(block.split("```", 1)[0], str(PAGE), "exec"), namespace)
    return namespace


def _acme(request: httpx.Request) -> httpx.Response:
    assert request.headers["x-acme-key"] == "k"
    body = json.loads(request.content)
    if body["model"] == "gone":
        return httpx.Response(404, json={"error": {"code": "NOT_FOUND", "message": "no such model"}})
    if body["prompt"] == "long":
        return httpx.Response(400, json={"error": {"code": "TOO_LONG", "message": "prompt too long"}})
    if not body["stream"]:
        return httpx.Response(200, json={"text": "hi", "usage": {"in": 2, "out": 1}})
    if body["prompt"] == "quota":
        sse = b'event: error\ndata: {"error": {"status": "QUOTA", "message": "quota"}}\n\n'
    else:
        sse = b'data: {"text": "h"}\n\ndata: {"text": "i"}\n\ndata: {"done": true}\n\n'
    return httpx.Response(200, content=sse, headers={"content-type": "text/event-stream"})


async def test_the_native_api_example() -> None:
    example = _example()
    async with httpx.AsyncClient(transport=httpx.MockTransport(_acme)) as client:
        acme = example["AcmeProvider"]("k", client=client)
        answer = await acme.generate("hello", GenerateOptions(model="m"))
        assert (answer.text, answer.usage.total_tokens, answer.provider) == ("hi", 3, "acme")
        events = [e async for e in acme.generate_stream("hello", GenerateOptions(model="m"))]
        assert events == [TextEvent("h"), TextEvent("i"), GenerateDone(events[-1].finish_reason, None, "m", "acme")]
        with pytest.raises(errors.RateLimited):
            [e async for e in acme.generate_stream("quota", GenerateOptions(model="m"))]
        with pytest.raises(errors.ContextLengthExceeded):
            await acme.generate("long", GenerateOptions(model="m"))
        with pytest.raises(errors.ModelNotAvailable, match="no such model"):
            await acme.generate("hello", GenerateOptions(model="gone"))
        await acme.aclose()
