"""OpenAI's routes: ``/v1/chat/completions``, ``/v1/completions``, ``/v1/embeddings``, ``/v1/models``.

Request bodies are read with the core's OpenAI codec (:mod:`ratatoskr.wire.openai_server`); keys it does not know
go to the provider as ``raw_provider_options``, as for any other caller. Reasoning comes back as
``reasoning_content`` (what DeepSeek, vLLM and OpenRouter clients read). Streams are SSE ``chat.completion.chunk``
objects: tool calls stream as ``tool_calls`` deltas (id and name first, then argument pieces), the usage chunk
(empty ``choices``) comes last when ``stream_options.include_usage`` asks for it, then ``data: [DONE]``.
"""

from __future__ import annotations

import base64
import sys
import time
import uuid
from array import array
from collections.abc import AsyncGenerator
from typing import Any

from ratatoskr.types.chat import (
    ContentEvent,
    DoneEvent,
    ReasoningEvent,
    ToolCallDelta,
    ToolCallStart,
    Usage,
    UsageEvent,
)
from ratatoskr.types.generate import GenerateDone, GenerateOptions, TextEvent
from ratatoskr.wire.openai_server import decode_request, encode_response, encode_usage

from ratatoskr_server.http_app import HttpError, Request, Stream, dumps

__all__ = ["ROUTES", "primed"]

REASONING = "reasoning_content"


async def primed(events: AsyncGenerator[bytes, None]) -> Stream:
    """A stream whose first item is already made, so a failure before it is an ordinary error response."""
    try:
        first = await anext(events)
    except StopAsyncIteration:
        first = None
    except BaseException:
        await events.aclose()
        raise

    async def chained() -> AsyncGenerator[bytes, None]:
        if first is not None:
            yield first
        async for item in events:
            yield item

    return Stream(chained())


def _include_usage(body: dict[str, Any]) -> bool:
    options = body.get("stream_options")
    return isinstance(options, dict) and options.get("include_usage") is True


def _ids(prefix: str) -> tuple[str, int]:
    return f"{prefix}-{uuid.uuid4().hex[:24]}", int(time.time())


# ---- chat -------------------------------------------------------------------------------------------------


def _chat_body(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list) or not body.get("model"):
        raise HttpError("a chat completion needs 'model' and a 'messages' array")
    if body.get("n", 1) != 1:
        raise HttpError("ratd answers one choice per request: n must be 1", code="unsupported_parameter")
    messages = []
    for m in body["messages"]:
        if isinstance(m, dict) and m.get("role") == "developer":  # OpenAI's newer name for system
            m = {**m, "role": "system"}
        messages.append(m)
    return {**body, "messages": messages}


async def chat_completions(request: Request) -> Any:
    body = _chat_body(request.body)
    try:
        messages, tools, options = decode_request({k: v for k, v in body.items() if k != "n"})
    except ValueError as exc:  # InvalidInput is a ValueError; so is a bad role
        raise HttpError(f"bad chat completion request: {exc}") from exc
    await request.allow("chat", options.model)
    if not body.get("stream"):
        response = await request.gateway.chat(messages, tools, options)
        answer = encode_response(response, model=options.model, reasoning_field=REASONING)
        answer["id"], answer["created"] = _ids("chatcmpl")
        if response.provider is not None:
            answer["provider"] = response.provider
        return answer
    events = request.gateway.chat_stream(messages, tools, options)
    return await primed(_chat_chunks(events, options.model, _include_usage(body)))


async def _chat_chunks(
    events: AsyncGenerator[Any, None], model: str, include_usage: bool
) -> AsyncGenerator[bytes, None]:
    cid, created = _ids("chatcmpl")
    head = dumps({"id": cid, "object": "chat.completion.chunk", "created": created, "model": model})[:-1]
    open_ = head + b',"choices":[{"index":0,"delta":'

    def chunk(delta: dict[str, Any], finish: str | None = None) -> bytes:
        return open_ + dumps(delta) + b',"finish_reason":' + dumps(finish) + b"}]}"

    usage: Usage | None = None
    called = False
    try:
        yield chunk({"role": "assistant", "content": ""})
        async for event in events:
            kind = type(event)
            if kind is ContentEvent:
                if event.text:
                    yield chunk({"content": event.text})
            elif kind is ReasoningEvent:
                if event.text and not event.hidden:
                    yield chunk({REASONING: event.text})
            elif kind is ToolCallStart:
                called = True
                call = {"index": event.index, "id": event.id, "type": "function"}
                yield chunk({"tool_calls": [{**call, "function": {"name": event.name, "arguments": ""}}]})
            elif kind is ToolCallDelta:
                yield chunk({"tool_calls": [{"index": event.index, "function": {"arguments": event.arguments}}]})
            elif kind is UsageEvent:
                usage = event.usage
            elif kind is DoneEvent:
                finish = event.finish_reason or ("tool_calls" if called else "stop")
                yield chunk({}, str(finish))
        if include_usage and usage is not None:
            yield head + b',"choices":[],"usage":' + dumps(encode_usage(usage)) + b"}"
    finally:
        await events.aclose()


# ---- completions ------------------------------------------------------------------------------------------

_GENERATE = ("max_tokens", "temperature", "top_p", "top_k", "frequency_penalty", "presence_penalty", "seed")
_GENERATE_KNOWN = {"model", "prompt", "stream", "stream_options", "stop", "n", "echo", *_GENERATE}


def _generate_args(body: Any) -> tuple[str, GenerateOptions]:
    if not isinstance(body, dict) or not body.get("model"):
        raise HttpError("a completion needs 'model' and 'prompt'")
    prompt = body.get("prompt")
    if isinstance(prompt, list) and len(prompt) == 1 and isinstance(prompt[0], str):
        prompt = prompt[0]
    if not isinstance(prompt, str):
        raise HttpError("'prompt' must be a string (one prompt per request)", code="invalid_type")
    if body.get("n", 1) != 1 or body.get("echo"):
        raise HttpError("ratd supports n=1 and echo=false only", code="unsupported_parameter")
    stop = body.get("stop")
    raw = {k: v for k, v in body.items() if k not in _GENERATE_KNOWN}
    try:
        options = GenerateOptions(
            model=body["model"],
            stop=[stop] if isinstance(stop, str) else stop,
            raw_provider_options=raw or None,
            **{k: body[k] for k in _GENERATE if body.get(k) is not None},
        )
    except (TypeError, ValueError) as exc:
        raise HttpError(f"bad completion request: {exc}") from exc
    return prompt, options


async def completions(request: Request) -> Any:
    prompt, options = _generate_args(request.body)
    await request.allow("generate", options.model)
    if not request.body.get("stream"):
        response = await request.gateway.generate(prompt, options)
        cid, created = _ids("cmpl")
        answer: dict[str, Any] = {
            "id": cid,
            "object": "text_completion",
            "created": created,
            "model": response.model or options.model,
            "choices": [
                {"text": response.text, "index": 0, "logprobs": None, "finish_reason": response.finish_reason.value}
            ],
        }
        if response.usage is not None:
            answer["usage"] = encode_usage(response.usage)
        return answer
    events = request.gateway.generate_stream(prompt, options)
    return await primed(_completion_chunks(events, options.model, _include_usage(request.body)))


async def _completion_chunks(
    events: AsyncGenerator[Any, None], model: str, include_usage: bool
) -> AsyncGenerator[bytes, None]:
    cid, created = _ids("cmpl")
    head = dumps({"id": cid, "object": "text_completion", "created": created, "model": model})[:-1]
    try:
        async for event in events:
            if type(event) is TextEvent:
                choice = {"text": event.text, "index": 0, "logprobs": None, "finish_reason": None}
                yield head + b',"choices":[' + dumps(choice) + b"]}"
            elif type(event) is GenerateDone:
                finish = str(event.finish_reason or "stop")
                choice = {"text": "", "index": 0, "logprobs": None, "finish_reason": finish}
                yield head + b',"choices":[' + dumps(choice) + b"]}"
                if include_usage and event.usage is not None:
                    yield head + b',"choices":[],"usage":' + dumps(encode_usage(event.usage)) + b"}"
    finally:
        await events.aclose()


# ---- embeddings and models --------------------------------------------------------------------------------


def _b64(values: tuple[float, ...]) -> str:
    packed = array("f", values)
    if sys.byteorder != "little":
        packed.byteswap()
    return base64.b64encode(packed.tobytes()).decode()


async def embeddings(request: Request) -> Any:
    model = request.field("model")
    given = request.field("input", (str, list))
    texts = [given] if isinstance(given, str) else given
    if not texts or not all(isinstance(t, str) for t in texts):
        raise HttpError("'input' must be a string or a non-empty array of strings (token arrays are not supported)")
    encoding = request.field("encoding_format", required=False) or "float"
    if encoding not in ("float", "base64"):
        raise HttpError("encoding_format must be 'float' or 'base64'", code="invalid_value")
    await request.allow("embed", model)
    found = await request.app.batcher.embed_batch(texts, model)
    dimensions = request.field("dimensions", int, required=False)
    if dimensions is not None and found and found[0].dimensions != dimensions:
        raise HttpError(f"model {model} makes {found[0].dimensions} dimensions, not {dimensions}", code="invalid_value")
    encode = _b64 if encoding == "base64" else list
    data = [{"object": "embedding", "index": i, "embedding": encode(e.values)} for i, e in enumerate(found)]
    served = found[0].model if found else model
    # Real counts only: a provider that did not report one (a remote batch) makes the total unknown, not 0.
    counts = [e.input_tokens for e in found]
    tokens = None if None in counts else sum(c for c in counts if c is not None)
    return {"object": "list", "data": data, "model": served, "usage": {"prompt_tokens": tokens, "total_tokens": tokens}}


async def models(request: Request) -> Any:
    await request.allow(None)
    found = await request.gateway.list_models()
    data = [{"id": m.id, "object": "model", "created": 0, "owned_by": m.provider} for m in found]
    for tier, capabilities in sorted((await request.gateway.list_presets()).items()):
        for capability in sorted(capabilities):
            data.append({"id": f"ratatoskr:{tier}/{capability}", "object": "model", "created": 0, "owned_by": "preset"})
    return {"object": "list", "data": data}


ROUTES = {
    ("POST", "/v1/chat/completions"): chat_completions,
    ("POST", "/v1/completions"): completions,
    ("POST", "/v1/embeddings"): embeddings,
    ("GET", "/v1/models"): models,
}
