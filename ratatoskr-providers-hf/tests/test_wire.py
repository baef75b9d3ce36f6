"""The pure request builders and response parsers."""

from __future__ import annotations

import math

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from ratatoskr.errors import InvalidInput, ResponseFormatError
from ratatoskr_providers_hf import _wire as wire
from ratatoskr_providers_hf._config import Kind
from ratatoskr_providers_hf._hub import parse_tei_info


def test_urls_per_kind() -> None:
    base = "https://router.huggingface.co/hf-inference"
    assert wire.embed_url(Kind.SERVERLESS, base, "a/b") == f"{base}/models/a/b/pipeline/feature-extraction"
    assert wire.task_url(Kind.SERVERLESS, base, "a/b c") == f"{base}/models/a/b%20c"
    assert wire.embed_url(Kind.ENDPOINT, "https://e", "x") == wire.task_url(Kind.ENDPOINT, "https://e", "x")
    assert wire.embed_url(Kind.TEI, "http://t", "x") == "http://t/embed"
    assert wire.task_url(Kind.TEI, "http://t", "x") == "http://t/predict"


def test_pairs_are_sent_as_pairs_never_as_a_template() -> None:
    body = wire.pairs_body(Kind.SERVERLESS, [("p", "h")])
    assert body == {"inputs": [{"text": "p", "text_pair": "h"}], "parameters": {"top_k": 3}}
    assert wire.pairs_body(Kind.TEI, [("p", "h")], raw_scores=True) == {"inputs": [["p", "h"]], "raw_scores": True}


def test_embeddings_flat_pooled_and_token_level() -> None:
    assert wire.parse_embeddings([1, 2], 1) == [[1.0, 2.0]]
    assert wire.parse_embeddings([[1, 2], [3, 4]], 2) == [[1.0, 2.0], [3.0, 4.0]]
    assert wire.parse_embeddings([[[0, 2], [2, 4]]], 1) == [[1.0, 3.0]]


@pytest.mark.parametrize("data", [{"a": 1}, [[1, "x"]], [[1, 2]], [[float("nan")]], [[]], [[True]]])
def test_bad_embeddings(data: object) -> None:
    with pytest.raises(ResponseFormatError):
        wire.parse_embeddings(data, 2 if data == [[1, 2]] else 1)


@given(st.lists(st.floats(-1e6, 1e6), min_size=1, max_size=16))
@example([5e-324, 5e-324])  # subnormal: hypot rounds to the same tiny value, so v / norm was 1.0 for both
def test_normalise_gives_unit_or_zero_vectors(values: list[float]) -> None:
    norm = math.sqrt(sum(v * v for v in wire.normalise(values)))
    assert norm == pytest.approx(1.0) or all(v == 0 for v in values) or norm == pytest.approx(0.0, abs=1e-6)


def test_label_scores_shapes() -> None:
    item = {"label": "A", "score": 0.5}
    assert wire.parse_label_scores(item, 1) == [{"A": 0.5}]
    assert wire.parse_label_scores([item], 1) == [{"A": 0.5}]
    assert wire.parse_label_scores([[item], [item]], 2) == [{"A": 0.5}, {"A": 0.5}]
    with pytest.raises(ResponseFormatError, match="1 classification results for 2"):
        wire.parse_label_scores([[item]], 2)


def test_nli_labels_case_insensitive_missing_is_zero() -> None:
    assert wire.nli_scores({"ENTAILMENT": 0.7, "Contradiction": 0.3}) == (0.7, 0.3, 0.0)
    with pytest.raises(ResponseFormatError, match="no entailment"):
        wire.nli_scores({"POSITIVE": 1.0})


def test_generic_labels_resolved() -> None:
    scores = {"LABEL_0": 0.1, "LABEL_1": 0.9}
    assert wire.has_generic_labels(scores)
    names = wire.parse_id2label({"id2label": {"0": "contradiction", "1": "entailment"}})
    assert wire.resolve_labels(scores, names) == {"contradiction": 0.1, "entailment": 0.9}
    with pytest.raises(ResponseFormatError):
        wire.parse_id2label({})


def test_zero_shot_both_shapes_in_caller_order() -> None:
    new = [{"label": "b", "score": 0.7}, {"label": "a", "score": 0.3}]
    old = {"sequence": "s", "labels": ["b", "a"], "scores": [0.7, 0.3]}
    assert list(wire.parse_zero_shot(new, ["a", "b"]).items()) == [("a", 0.3), ("b", 0.7)]
    assert wire.parse_zero_shot(old, ["a", "b"]) == {"a": 0.3, "b": 0.7}
    with pytest.raises(ResponseFormatError, match="lacks labels"):
        wire.parse_zero_shot(new, ["a", "c"])


def test_zero_shot_from_logits_single_and_multi_label() -> None:
    rows = [{"entailment": 2.0, "contradiction": 0.0}, {"entailment": 0.0, "contradiction": 2.0}]
    single = wire.zero_shot_from_logits(rows, ["x", "y"], multi_label=False)
    assert sum(single.values()) == pytest.approx(1.0) and single["x"] == pytest.approx(1 / (1 + math.exp(-2)))
    multi = wire.zero_shot_from_logits(rows, ["x", "y"], multi_label=True)
    assert multi["x"] == pytest.approx(1 / (1 + math.exp(-2))) and multi["y"] == pytest.approx(1 / (1 + math.exp(2)))


def test_stance_template_escapes_braces_and_fills_like_the_server() -> None:
    template = wire.stance_template("set {x}")
    assert wire.hypothesis(template, "against") == "This text is against set {x}."
    assert wire.stance_scores({"in favor of": 0.2, "against": 0.5}) == (0.2, 0.5, 0.0)
    with pytest.raises(InvalidInput, match="cannot be filled"):
        wire.hypothesis("{0} {1}", "x")


def test_tei_info() -> None:
    info = parse_tei_info(
        {"model_id": "m", "model_type": {"classifier": {"id2label": {"0": "x"}}}, "max_client_batch_size": 4}
    )
    assert (info.model_type, info.max_client_batch_size, info.id2label) == ("classifier", 4, {0: "x"})
    with pytest.raises(ResponseFormatError):
        parse_tei_info({"model_type": {}})
