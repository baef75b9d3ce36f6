"""Ollama's classifier: what means "this server cannot serve the model" (the chain moves on)."""

from __future__ import annotations

import json

from ratatoskr import errors
from ratatoskr.wire.failure import failure_from_object, failure_from_response
from ratatoskr_providers_ollama._wire import classify_error

URL = "http://gpu-box:11434"


def _classify(status: int, message: str, model: str | None = "mistral") -> errors.RatatoskrError | None:
    body = json.dumps({"error": message})
    return classify_error(failure_from_response(status, {}, body, provider="ollama", model=model), base_url=URL)


def test_a_model_not_pulled_or_unable_moves_on() -> None:
    missing = _classify(404, 'model "mistral" not found, try pulling it first')
    assert isinstance(missing, errors.ModelNotAvailable) and "ollama pull mistral" in str(missing)
    assert URL in str(missing) and missing.moves_on
    unable = _classify(400, '"all-minilm" does not support chat', model="all-minilm")
    assert isinstance(unable, errors.ModelNotAvailable) and "does not support chat" in unable.reason


def test_everything_else_goes_by_the_status() -> None:
    assert _classify(400, "invalid options") is None
    assert _classify(404, "not found", model=None) is None  # GET /api/tags: no model to move on from
    inside = failure_from_object({"error": "does not support tools"}, provider="ollama", model="m")
    assert classify_error(inside, base_url=URL) is None
