"""The Google provider against a loopback server answering in the documented Gemini wire format.

Pages: https://ai.google.dev/api/generate-content (generateContent, streamGenerateContent), https://ai.google.dev/api/
embeddings (embedContent, batchEmbedContents), https://ai.google.dev/api/tokens (countTokens), https://ai.google.dev/
api/models (models.list, models.get), https://ai.google.dev/gemini-api/docs/troubleshooting and
https://ai.google.dev/api/rest/v1beta/Status (error bodies).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import httpx
import pytest
from ratatoskr.errors import (
    AuthenticationFailed,
    ContentFiltered,
    ContextLengthExceeded,
    ModelNotAvailable,
    RateLimited,
    StreamError,
)
from ratatoskr.types import (
    Capability,
    ChatOptions,
    FinishReason,
    Message,
    ParameterName,
    ReasoningConfig,
    ResponseFormat,
    ToolCallDelta,
    ToolCallStart,
    ToolChoice,
    ToolDefinition,
)
from ratatoskr.wire._pool import default_ssl_context
from ratatoskr_providers_google.provider import GoogleProvider

from .conftest import Answer, Gemini

MODEL = "gemini-2.5-flash"
GEN = f"/v1beta/models/{MODEL}:generateContent"
STREAM = f"/v1beta/models/{MODEL}:streamGenerateContent?alt=sse"

# A tool whose arguments nest objects in arrays in objects.
ITINERARY = ToolDefinition(
    "plan_trip",
    "Plan a trip",
    {
        "type": "object",
        "properties": {
            "traveller": {
                "type": "object",
                "properties": {"name": {"type": "string"}, "age": {"type": "integer", "minimum": 0}},
                "required": ["name"],
            },
            "legs": {
                "type": "array",
                "items": {
                    "type": "object",
                    "properties": {
                        "city": {"type": "string"},
                        "nights": {"type": "integer"},
                        "tags": {"type": "array", "items": {"type": "string", "enum": ["sea", "museum"]}},
                    },
                    "required": ["city"],
                },
            },
        },
        "required": ["traveller", "legs"],
        "additionalProperties": False,
    },
)
ARGS = {"traveller": {"name": "Ada", "age": 36}, "legs": [{"city": "Oslo", "nights": 2, "tags": ["museum"]}]}
SIGNATURE = "CiIBVKhc7oZ8a2Qm1dKqS6gS0pL8p0JrPqkTRt7u"


@asynccontextmanager
async def provider(server: Gemini, **kw: object) -> AsyncIterator[GoogleProvider]:
    async with httpx.AsyncClient(verify=default_ssl_context()) as client:
        yield GoogleProvider("AIza-test", base_url=server.url, client=client, **kw)  # type: ignore[arg-type]


def _call_answer() -> dict[str, object]:
    part = {"functionCall": {"name": "plan_trip", "args": ARGS}, "thoughtSignature": SIGNATURE}  # no id: optional
    return {
        "candidates": [{"content": {"role": "model", "parts": [part]}, "finishReason": "STOP"}],
        "usageMetadata": {"promptTokenCount": 50, "candidatesTokenCount": 20, "totalTokenCount": 70},
        "modelVersion": MODEL,
    }


async def test_nested_schema_tool_call_and_its_signature_go_round(gemini: Gemini) -> None:
    gemini.route(GEN, Answer(body=_call_answer()))
    gemini.route(STREAM, Answer(body=[_call_answer()], sse=True))
    options = ChatOptions(model=MODEL, tool_choice=ToolChoice.named("plan_trip"))
    async with provider(gemini) as google:
        reply = await google.chat([Message.user("Plan Oslo")], [ITINERARY], options)
        events = [e async for e in google.chat_stream([Message.user("Plan Oslo")], [ITINERARY], options)]
        (call,) = reply.tool_calls
        assert call.name == "plan_trip" and json.loads(call.arguments) == ARGS and call.id.startswith("call_")
        assert reply.finish_reason is FinishReason.TOOL_CALLS
        starts = [e for e in events if isinstance(e, ToolCallStart)]
        assert len(starts) == 1 and starts[0].id.startswith("call_")
        assert json.loads("".join(e.arguments for e in events if isinstance(e, ToolCallDelta))) == ARGS
        sent = gemini.seen[0].body
        assert sent["tools"][0]["functionDeclarations"][0]["parametersJsonSchema"] == ITINERARY.parameters
        assert sent["toolConfig"] == {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["plan_trip"]}}
        # the next turn sends the call back with its thought signature, and the result under the same id
        history = [Message.user("Plan Oslo"), reply.to_message(), Message.tool_result(call.id, '{"ok": true}')]
        gemini.route(
            GEN, Answer(body={"candidates": [{"content": {"parts": [{"text": "Done."}]}, "finishReason": "STOP"}]})
        )
        assert (await google.chat(history, [ITINERARY], ChatOptions(model=MODEL))).content == "Done."
    model_turn, results = gemini.seen[-1].body["contents"][1:]
    assert model_turn["parts"] == [
        {"functionCall": {"id": call.id, "name": "plan_trip", "args": ARGS}, "thoughtSignature": SIGNATURE}
    ]
    assert results["parts"] == [{"functionResponse": {"id": call.id, "name": "plan_trip", "response": {"ok": True}}}]


async def test_every_option_is_sent_where_the_api_wants_it(gemini: Gemini) -> None:
    gemini.route(GEN, Answer(body={"candidates": [{"content": {"parts": [{"text": "{}"}]}, "finishReason": "STOP"}]}))
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    options = ChatOptions(
        model=MODEL, temperature=0.3, top_p=0.9, top_k=40, max_tokens=100, stop=("END",), seed=7,
        presence_penalty=0.5, frequency_penalty=-0.5, response_format=ResponseFormat("json_schema", schema),
        reasoning=ReasoningConfig(max_tokens=2048), raw_provider_options={"safetySettings": []},
    )  # fmt: skip
    async with provider(gemini) as google:
        await google.chat([Message.system("Be terse."), Message.user("n?")], None, options)
        three = ChatOptions(model="gemini-3-pro-preview", reasoning=ReasoningConfig(effort="low"))
        gemini.route("/v1beta/models/gemini-3-pro-preview:generateContent", Answer(body={"candidates": []}))
        await google.chat([Message.user("hi")], None, three)
    body = gemini.seen[0].body
    assert gemini.seen[0].headers["x-goog-api-key"] == "AIza-test"
    assert body["systemInstruction"] == {"parts": [{"text": "Be terse."}]}
    assert body["generationConfig"] == {
        "temperature": 0.3, "topP": 0.9, "topK": 40, "maxOutputTokens": 100, "stopSequences": ["END"], "seed": 7,
        "presencePenalty": 0.5, "frequencyPenalty": -0.5, "responseMimeType": "application/json",
        "responseJsonSchema": schema, "thinkingConfig": {"includeThoughts": True, "thinkingBudget": 2048},
    }  # fmt: skip
    assert body["safetySettings"] == []
    assert gemini.seen[1].body["generationConfig"]["thinkingConfig"] == {
        "includeThoughts": True,
        "thinkingLevel": "low",
    }


async def test_a_blocked_prompt_is_a_content_filter_error(gemini: Gemini) -> None:
    blocked = {
        "promptFeedback": {"blockReason": "SAFETY", "safetyRatings": []},
        "usageMetadata": {"promptTokenCount": 5},
    }
    gemini.route(GEN, Answer(body=blocked))
    gemini.route(STREAM, Answer(body=[blocked], sse=True))
    async with provider(gemini) as google:
        with pytest.raises(ContentFiltered, match="blocked"):
            await google.chat([Message.user("x")], None, ChatOptions(model=MODEL))
        with pytest.raises(ContentFiltered):
            [e async for e in google.chat_stream([Message.user("x")], None, ChatOptions(model=MODEL))]


async def test_a_stream_cut_short_or_carrying_an_error_fails(gemini: Gemini) -> None:
    partial = {"candidates": [{"content": {"parts": [{"text": "Hel"}]}}]}
    gemini.route(STREAM, Answer(body=[partial], sse=True))
    async with provider(gemini) as google:
        with pytest.raises(StreamError, match="before a finish reason"):
            [e async for e in google.chat_stream([Message.user("x")], None, ChatOptions(model=MODEL))]
        error = {"error": {"code": 429, "message": "Resource has been exhausted", "status": "RESOURCE_EXHAUSTED"}}
        gemini.route(STREAM, Answer(body=[partial, error], sse=True))
        with pytest.raises(RateLimited):
            [e async for e in google.chat_stream([Message.user("x")], None, ChatOptions(model=MODEL))]


def _error(code: int, status: str, message: str, details: list[dict[str, object]] | None = None) -> Answer:
    return Answer(code, {"error": {"code": code, "message": message, "status": status, "details": details or []}})


@pytest.mark.parametrize(
    ("answer", "error", "check"),
    [
        (
            _error(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.",
                   [{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": "API_KEY_INVALID"}]),
            AuthenticationFailed, lambda e: e.status == 400 and not e.moves_on,
        ),
        (_error(404, "NOT_FOUND", f"models/{MODEL} is not found for API version v1beta"), ModelNotAvailable,
         lambda e: e.moves_on),
        (
            _error(429, "RESOURCE_EXHAUSTED", "Quota exceeded",
                   [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "17s"}]),
            RateLimited, lambda e: e.retry_after == 17.0,
        ),
        (
            _error(400, "INVALID_ARGUMENT",
                   "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576)."),
            ContextLengthExceeded, lambda e: e.limit == 1048576,
        ),
    ],
)  # fmt: skip
async def test_errors_are_typed(gemini: Gemini, answer: Answer, error: type[Exception], check: object) -> None:
    gemini.route(GEN, answer)
    async with provider(gemini) as google:
        with pytest.raises(error) as caught:
            await google.chat([Message.user("x")], None, ChatOptions(model=MODEL))
    assert check(caught.value)  # type: ignore[operator]


async def test_embeddings_single_and_batched(gemini: Gemini) -> None:
    model = "text-embedding-004"
    gemini.route(f"/v1beta/models/{model}:embedContent", Answer(body={"embedding": {"values": [0.1, 0.2, 0.3]}}))

    def batch(seen: object) -> Answer:
        n = len(seen.body["requests"])  # type: ignore[attr-defined]
        return Answer(body={"embeddings": [{"values": [float(i), 1.0]} for i in range(n)]})

    gemini.route(f"/v1beta/models/{model}:batchEmbedContents", batch)
    async with provider(gemini, embed_task_type="RETRIEVAL_DOCUMENT", embed_dimensions=2, embed_batch_size=2) as g:
        one = await g.embed("hello", model)
        many = await g.embed_batch(["a", "b", "c"], model)
    assert one.values == (0.1, 0.2, 0.3) and one.model == model and one.provider == "google"
    assert [e.values for e in many] == [(0.0, 1.0), (1.0, 1.0), (0.0, 1.0)]
    assert gemini.seen[0].body == {
        "model": f"models/{model}", "content": {"parts": [{"text": "hello"}]},
        "taskType": "RETRIEVAL_DOCUMENT", "outputDimensionality": 2,
    }  # fmt: skip
    assert [len(s.body["requests"]) for s in gemini.seen[1:]] == [2, 1]
    assert gemini.seen[1].body["requests"][1]["content"] == {"parts": [{"text": "b"}]}


async def test_count_tokens(gemini: Gemini) -> None:
    gemini.route(f"/v1beta/models/{MODEL}:countTokens", Answer(body={"totalTokens": 31}))
    async with provider(gemini) as google:
        assert await google.count_tokens("The quick brown fox", MODEL) == 31
        with pytest.raises(ModelNotAvailable):
            await google.tokenize("x", MODEL)
    assert gemini.seen[0].body == {"contents": [{"role": "user", "parts": [{"text": "The quick brown fox"}]}]}


FLASH = {
    "name": f"models/{MODEL}", "version": "001", "displayName": "Gemini 2.5 Flash", "inputTokenLimit": 1048576,
    "outputTokenLimit": 65536, "supportedGenerationMethods": ["generateContent", "countTokens", "createCachedContent"],
    "temperature": 1.0, "maxTemperature": 2.0, "topP": 0.95, "topK": 64, "thinking": True,
}  # fmt: skip
EMBEDDER = {
    "name": "models/text-embedding-004",
    "inputTokenLimit": 2048,
    "supportedGenerationMethods": ["embedContent"],
}


async def test_models_list_every_page_and_metadata(gemini: Gemini) -> None:
    gemini.route("/v1beta/models?pageSize=1000", Answer(body={"models": [FLASH], "nextPageToken": "p2"}))
    gemini.route("/v1beta/models?pageSize=1000&pageToken=p2", Answer(body={"models": [EMBEDDER]}))
    gemini.route(f"/v1beta/models/{MODEL}", Answer(body=FLASH))
    async with provider(gemini) as google:
        models = await google.list_models()
        meta = await google.fetch_metadata(MODEL)
        status = await google.model_status(MODEL)
        missing = await google.model_status("gemini-0")
    assert [(m.id, m.context_window) for m in models] == [(MODEL, 1048576), ("text-embedding-004", 2048)]
    assert models[1].capabilities == (Capability.EMBED,)
    assert meta.info.id == MODEL and meta.max_output_tokens == 65536 and meta.pricing is None
    temperature = meta.parameters[ParameterName("temperature")]
    assert temperature.range is not None and (temperature.range.max, temperature.range.default) == (2.0, 1.0)
    assert meta.parameters[ParameterName("reasoning")].availability == "opaque"
    assert status.is_usable and not missing.is_usable


async def test_a_streamed_signature_goes_back_too(gemini: Gemini) -> None:
    from ratatoskr.streams import ChatAccumulator

    gemini.route(STREAM, Answer(body=[_call_answer()], sse=True))
    gemini.route(GEN, Answer(body={"candidates": [{"content": {"parts": [{"text": "ok"}]}, "finishReason": "STOP"}]}))
    async with provider(gemini) as google:
        acc = ChatAccumulator()
        async for event in google.chat_stream([Message.user("Plan Oslo")], [ITINERARY], ChatOptions(model=MODEL)):
            acc.add(event)
        turn = acc.response().to_message()
        (call,) = turn.tool_calls
        history = [Message.user("Plan Oslo"), turn, Message.tool_result(call.id, "booked")]
        await google.chat(history, [ITINERARY], ChatOptions(model=MODEL))
    model_turn, results = gemini.seen[-1].body["contents"][1:]
    assert model_turn["parts"][0]["thoughtSignature"] == SIGNATURE
    assert results["parts"][0]["functionResponse"]["response"] == {"output": "booked"}
