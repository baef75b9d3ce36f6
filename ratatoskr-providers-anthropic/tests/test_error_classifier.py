"""Anthropic's classifier (https://docs.anthropic.com/en/api/errors), without HTTP."""

from __future__ import annotations

import json

from ratatoskr import errors
from ratatoskr.wire.failure import failure_from_object, failure_from_response
from ratatoskr_providers_anthropic._wire import classify_error


def _body(kind: str, message: str) -> str:
    return json.dumps({"type": "error", "error": {"type": kind, "message": message}})


def test_prompt_too_long_is_a_context_overflow_with_its_limit() -> None:
    body = _body("invalid_request_error", "prompt is too long: 210000 tokens > 200000 maximum")
    got = classify_error(failure_from_response(400, {}, body, provider="anthropic", model="claude-x"))
    assert isinstance(got, errors.ContextLengthExceeded) and got.limit == 200000 and got.status == 400


def test_an_unknown_model_moves_on() -> None:
    body = _body("not_found_error", "model: claude-nonexistent")
    got = classify_error(failure_from_response(404, {}, body, provider="anthropic", model="claude-nonexistent"))
    assert isinstance(got, errors.ModelNotAvailable) and got.moves_on
    # without a model (GET /v1/models): a plain 404
    assert type(classify_error(failure_from_response(404, {}, body, provider="anthropic"))) is errors.ModelNotFound


def test_error_events_inside_a_stream_go_by_their_type() -> None:
    def kind(name: str) -> type[errors.RatatoskrError]:
        obj = {"type": "error", "error": {"type": name, "message": name}}
        return type(classify_error(failure_from_object(obj, provider="anthropic", model="m")))

    assert kind("overloaded_error") is errors.Overloaded
    assert kind("rate_limit_error") is errors.RateLimited
    assert kind("api_error") is errors.StreamError  # a server failure mid-stream: the stream broke
    assert kind("authentication_error") is errors.AuthenticationFailed
    assert kind("something_new") is errors.StreamError
