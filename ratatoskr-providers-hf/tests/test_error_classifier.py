"""HuggingFace's classifier: a loading model's estimated wait."""

from __future__ import annotations

import json

from ratatoskr import errors
from ratatoskr.wire.failure import failure_from_response
from ratatoskr_providers_hf._wire import classify_error

LOADING = json.dumps({"error": "Model bert is currently loading", "estimated_time": 20.0})


def test_a_loading_model_waits_its_estimated_time() -> None:
    got = classify_error(failure_from_response(503, {}, LOADING, provider="huggingface"))
    assert isinstance(got, errors.Overloaded) and got.retry_after == 20.0 and "currently loading" in str(got)


def test_retry_after_and_other_answers_are_left_to_the_status() -> None:
    assert classify_error(failure_from_response(503, {"retry-after": "3"}, LOADING, provider="huggingface")) is None
    assert classify_error(failure_from_response(500, {}, LOADING, provider="huggingface")) is None
    nonsense = json.dumps({"error": "loading", "estimated_time": float("-1")})
    assert classify_error(failure_from_response(503, {}, nonsense, provider="huggingface")) is None
