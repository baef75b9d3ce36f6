"""OpenRouter's additions to the OpenAI classifier (https://openrouter.ai/docs/api/reference/errors)."""

from __future__ import annotations

import json

from ratatoskr import errors
from ratatoskr.wire.failure import failure_from_response
from ratatoskr_providers_openrouter.provider import OpenRouterProvider


def _classify(status: int, error: dict[str, object], model: str | None = "a/b") -> errors.RatatoskrError:
    failure = failure_from_response(status, {}, json.dumps({"error": error}), provider="openrouter", model=model)
    return OpenRouterProvider().classify_error(failure)


def test_the_upstream_providers_own_text_is_shown() -> None:
    error = {"code": 400, "message": "Provider returned error", "metadata": {"raw": "upstream says: bad schema"}}
    got = _classify(400, error)
    assert type(got) is errors.InvalidInput and "upstream says: bad schema" in str(got)


def test_moderation_is_a_content_filter() -> None:
    error = {"code": 403, "message": "Input was flagged", "metadata": {"reasons": ["violence"], "flagged_input": "…"}}
    assert type(_classify(403, error)) is errors.ContentFiltered
    assert type(_classify(403, {"code": 403, "message": "Forbidden"})) is errors.PermissionDenied


def test_an_invalid_model_id_is_an_unknown_model() -> None:
    got = _classify(400, {"code": 400, "message": "foo/bar is not a valid model ID"}, model="foo/bar")
    assert isinstance(got, errors.ModelNotFound) and got.model == "foo/bar"
