"""The OpenAI wire format's classifier: codes first, then the wording of OpenAI-compatible servers."""

from __future__ import annotations

import json

import pytest
from ratatoskr import errors
from ratatoskr.wire.failure import failure_from_response
from ratatoskr.wire.openai_errors import classify_openai_error


def _classify(status: int, error: dict[str, object]) -> errors.RatatoskrError | None:
    return classify_openai_error(failure_from_response(status, {}, json.dumps({"error": error}), provider="p"))


@pytest.mark.parametrize(
    ("status", "error", "cls", "limit"),
    [
        (
            400,
            {"message": "This model's maximum context length is 128,000 tokens.", "code": "context_length_exceeded"},
            errors.ContextLengthExceeded,
            128000,
        ),
        (400, {"message": "This model's maximum context length is 4096 tokens."}, errors.ContextLengthExceeded, 4096),
        (400, {"message": "the request exceeds the available context size"}, errors.ContextLengthExceeded, None),
        (413, {"message": "x", "code": "string_above_max_length"}, errors.ContextLengthExceeded, None),
        (400, {"message": "rejected", "code": "content_policy_violation"}, errors.ContentFiltered, None),
        (403, {"message": "Your request was rejected by our content management policy"}, errors.ContentFiltered, None),
        (404, {"message": "The model `gpt-9` does not exist", "code": "model_not_found"}, errors.ModelNotFound, None),
    ],
)
def test_codes_and_messages(status: int, error: dict[str, object], cls: type[Exception], limit: int | None) -> None:
    got = _classify(status, error)
    assert type(got) is cls
    if isinstance(got, errors.ContextLengthExceeded):
        assert got.limit == limit


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (400, {"message": "Invalid value for 'temperature'"}),
        (401, {"message": "maximum context length is 10"}),  # only 400/413 can be an overflow
        (429, {"message": "slow down", "code": "rate_limit_exceeded"}),
    ],
)
def test_everything_else_is_left_to_the_status(status: int, error: dict[str, object]) -> None:
    assert _classify(status, error) is None
