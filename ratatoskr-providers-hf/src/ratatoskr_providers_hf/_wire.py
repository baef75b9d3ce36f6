"""Pure request builders and response parsers for the HuggingFace inference APIs. No I/O here.

Shapes follow the documentation pages:

- feature extraction: https://huggingface.co/docs/inference-providers/tasks/feature-extraction
  (``{"inputs": [str], "normalize": bool}`` → ``[[float]]``; a model without pooling answers token vectors
  ``[[[float]]]``, which we mean-pool);
- text classification with text pairs: https://huggingface.co/docs/api-inference/tasks/text-classification
  (``{"inputs": [{"text": …, "text_pair": …}]}`` → ``[[{"label", "score"}]]``);
- zero-shot: https://huggingface.co/docs/inference-providers/tasks/zero-shot-classification
  (``{"inputs": str, "parameters": {"candidate_labels", "multi_label", "hypothesis_template"}}`` →
  ``[{"label", "score"}]``; the older API answered ``{"sequence", "labels", "scores"}``, also accepted);
- text-embeddings-inference (TEI) ``/embed``, ``/predict`` (pairs as ``[[a, b]]``), ``/info``:
  https://huggingface.co/docs/text-embeddings-inference/quick_tour and TEI's ``docs/openapi.json``.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from ratatoskr.errors import InvalidInput, Overloaded, RatatoskrError, ResponseFormatError
from ratatoskr.types.inference import ClassifyOptions
from ratatoskr.wire.failure import HttpFailure
from ratatoskr.wire.http import parse_retry_after

from ratatoskr_providers_hf._config import NAME, Kind

__all__ = [
    "classify_error",
    "NLI_TOP_K",
    "STANCE_PHRASES",
    "embed_body",
    "embed_url",
    "has_generic_labels",
    "hypothesis",
    "mean_pool",
    "nli_scores",
    "normalise",
    "pairs_body",
    "parse_embeddings",
    "parse_id2label",
    "parse_label_scores",
    "parse_zero_shot",
    "resolve_labels",
    "stance_scores",
    "stance_template",
    "task_url",
    "zero_shot_body",
    "zero_shot_from_logits",
]

#: NLI heads have three classes; asking for the top three returns every score (the pipeline's default is one).
NLI_TOP_K = 3
#: Candidate label → the phrase put into the hypothesis "This text is {phrase} {target}.".
STANCE_PHRASES: Mapping[str, str] = {
    "favor": "in favor of",
    "against": "against",
    "neutral": "neutral toward",
}
_GENERIC_LABEL = re.compile(r"^LABEL_(\d+)$", re.IGNORECASE)
_NLI_NAMES = {"entailment": "entailment", "contradiction": "contradiction", "neutral": "neutral"}


def _bad(what: str, data: Any = None) -> ResponseFormatError:
    shown = "" if data is None else f": {json.dumps(data, default=str)[:200]}"
    return ResponseFormatError(f"unexpected response from HuggingFace ({what}){shown}", provider=NAME)


# ---- URLs and request bodies ------------------------------------------------------------------------------


def _model_path(model: str) -> str:
    return quote(model, safe="/")


def _route(kind: Kind, base_url: str, model: str, *, serverless: str, tei: str) -> str:
    if kind is Kind.SERVERLESS:
        return f"{base_url}/models/{_model_path(model)}{serverless}"
    return f"{base_url}/{tei}" if kind is Kind.TEI else base_url


def embed_url(kind: Kind, base_url: str, model: str) -> str:
    """The URL for feature extraction (TEI: ``/embed``)."""
    return _route(kind, base_url, model, serverless="/pipeline/feature-extraction", tei="embed")


def task_url(kind: Kind, base_url: str, model: str) -> str:
    """The URL for text classification and zero-shot (TEI: ``/predict``, which takes pairs)."""
    return _route(kind, base_url, model, serverless="", tei="predict")


def embed_body(texts: Sequence[str], *, normalize: bool) -> dict[str, Any]:
    # Always the list form, so one parser serves embed and embed_batch.
    return {"inputs": list(texts), "normalize": normalize}


def pairs_body(kind: Kind, pairs: Sequence[tuple[str, str]], *, raw_scores: bool = False) -> dict[str, Any]:
    """Premise and hypothesis sent as a real text pair, never squeezed into a zero-shot template."""
    if kind is Kind.TEI:
        return {"inputs": [[p, h] for p, h in pairs], "raw_scores": raw_scores}
    return {
        "inputs": [{"text": p, "text_pair": h} for p, h in pairs],
        "parameters": {"top_k": NLI_TOP_K},
    }


def zero_shot_body(text: str, labels: Sequence[str], options: ClassifyOptions) -> dict[str, Any]:
    parameters: dict[str, Any] = {"candidate_labels": list(labels), "multi_label": options.multi_label}
    if options.hypothesis_template is not None:
        parameters["hypothesis_template"] = options.hypothesis_template
    return {"inputs": text, "parameters": parameters}


def hypothesis(template: str | None, label: str) -> str:
    """The hypothesis a zero-shot pipeline builds for ``label`` (TEI has no zero-shot route, so we do it)."""
    template = template or "This example is {}."
    try:
        return template.format(label)
    except (IndexError, KeyError, ValueError) as exc:  # the server would fail too, with a worse message
        raise InvalidInput(f"hypothesis_template {template!r} cannot be filled: {exc}") from exc


def stance_template(target: str) -> str:
    """``This text is {} <target>.``; braces in the target are escaped because the server calls str.format."""
    return "This text is {} " + target.replace("{", "{{").replace("}", "}}") + "."


# ---- responses ---------------------------------------------------------------------------------------------


def _floats(row: Any) -> list[float]:
    if not isinstance(row, list) or not row:
        raise _bad("embedding is not a list of numbers")
    out: list[float] = []
    for value in row:
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            raise _bad("embedding holds a non-number", value)
        out.append(float(value))
    return out


def mean_pool(tokens: list[list[float]]) -> list[float]:
    width = len(tokens[0])
    if any(len(t) != width for t in tokens):
        raise _bad("token vectors of different widths")
    return [sum(column) / len(tokens) for column in zip(*tokens, strict=True)]


def normalise(vector: list[float]) -> list[float]:
    norm = math.hypot(*vector)
    if 0.0 < norm < 1e-290:
        # Subnormal components keep too few bits to be divided by their norm: scale them up first by an exact
        # power of two (no rounding), so the result is a unit vector all the same.
        vector = [v * 2.0**1000 for v in vector]
        norm = math.hypot(*vector)
    return vector if norm == 0.0 else [v / norm for v in vector]


def parse_embeddings(data: Any, expected: int) -> list[list[float]]:
    """One vector per input: pooled rows ``[[f]]`` as they are, token rows ``[[[f]]]`` mean-pooled."""
    if not isinstance(data, list):
        raise _bad("feature extraction did not answer a list", data)
    if expected == 1 and data and all(isinstance(v, int | float) for v in data):
        data = [data]  # a single input answered as one flat vector
    if len(data) != expected:
        raise _bad(f"{len(data)} embeddings for {expected} inputs")
    vectors = []
    for row in data:
        if isinstance(row, list) and row and isinstance(row[0], list):
            vectors.append(mean_pool([_floats(token) for token in row]))
        else:
            vectors.append(_floats(row))
    return vectors


def _label_row(row: Any) -> dict[str, float]:
    if isinstance(row, dict):
        row = [row]
    if not isinstance(row, list) or not row:
        raise _bad("classification result is not a list of labels", row)
    scores: dict[str, float] = {}
    for item in row:
        if not isinstance(item, dict):
            raise _bad("classification entry is not an object", item)
        label, score = item.get("label"), item.get("score")
        if not isinstance(label, str) or isinstance(score, bool) or not isinstance(score, int | float):
            raise _bad("classification entry lacks label or score", item)
        scores[label] = float(score)
    return scores


def parse_label_scores(data: Any, expected: int) -> list[dict[str, float]]:
    """``[[{label, score}]]`` per input; one input may come back flat (``[{…}]``) or as a bare object."""
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list) or not data:
        raise _bad("classification did not answer a list", data)
    if expected == 1 and isinstance(data[0], dict):
        data = [data]
    if len(data) != expected:
        raise _bad(f"{len(data)} classification results for {expected} inputs")
    return [_label_row(row) for row in data]


def has_generic_labels(scores: Mapping[str, float]) -> bool:
    """True when the model config has no label names, so the API reports ``LABEL_0``, ``LABEL_1``…."""
    return any(_GENERIC_LABEL.match(label) for label in scores)


def parse_id2label(config: Any) -> dict[int, str]:
    """``id2label`` from a model's ``config.json`` (keys are strings of integers)."""
    raw = config.get("id2label") if isinstance(config, dict) else None
    if not isinstance(raw, dict):
        raise _bad("config.json has no id2label")
    try:
        return {int(k): str(v) for k, v in raw.items()}
    except ValueError as exc:
        raise _bad("config.json id2label keys are not integers", raw) from exc


def resolve_labels(scores: Mapping[str, float], id2label: Mapping[int, str]) -> dict[str, float]:
    resolved: dict[str, float] = {}
    for label, score in scores.items():
        match = _GENERIC_LABEL.match(label)
        resolved[id2label.get(int(match.group(1)), label) if match else label] = score
    return resolved


def nli_scores(scores: Mapping[str, float]) -> tuple[float, float, float]:
    """(entailment, contradiction, neutral), label names matched case-insensitively; a missing one is 0."""
    found: dict[str, float] = {}
    for label, score in scores.items():
        name = _NLI_NAMES.get(label.strip().lower())
        if name is not None:
            found[name] = score
    if not found:
        raise _bad(f"no entailment/contradiction/neutral label among {sorted(scores)}")
    return found.get("entailment", 0.0), found.get("contradiction", 0.0), found.get("neutral", 0.0)


def parse_zero_shot(data: Any, labels: Sequence[str]) -> dict[str, float]:
    """Scores in the caller's label order, from ``[{label, score}]`` or ``{labels: [], scores: []}``."""
    if isinstance(data, list) and len(data) == 1 and isinstance(data[0], dict) and "labels" in data[0]:
        data = data[0]
    if isinstance(data, dict):
        names, values = data.get("labels"), data.get("scores")
        if not isinstance(names, list) or not isinstance(values, list) or len(names) != len(values):
            raise _bad("zero-shot answer lacks matching labels and scores", data)
        data = [{"label": n, "score": s} for n, s in zip(names, values, strict=True)]
    got = _label_row(data)
    missing = [label for label in labels if label not in got]
    if missing:
        raise _bad(f"zero-shot answer lacks labels {missing}", data)
    return {label: got[label] for label in labels}


def zero_shot_from_logits(
    rows: Sequence[Mapping[str, float]], labels: Sequence[str], *, multi_label: bool
) -> dict[str, float]:
    """What the transformers zero-shot pipeline computes from NLI logits, one row per candidate label.

    Single-label: softmax of the entailment logits across labels. Multi-label: for each label on its own,
    softmax over (contradiction, entailment).
    """
    entail, contra = [], []
    for row in rows:
        e, c, _ = nli_scores(row)
        entail.append(e)
        contra.append(c)
    if multi_label:
        pairs = zip(labels, entail, contra, strict=True)
        return {label: 1.0 / (1.0 + math.exp(c - e)) for label, e, c in pairs}
    top = max(entail)
    weights = [math.exp(e - top) for e in entail]
    total = sum(weights)
    return {label: w / total for label, w in zip(labels, weights, strict=True)}


def stance_scores(scores: Mapping[str, float]) -> tuple[float, float, float]:
    """(favor, against, neutral) from zero-shot scores over the phrases of :data:`STANCE_PHRASES`."""
    return tuple(scores.get(phrase, 0.0) for phrase in STANCE_PHRASES.values())  # type: ignore[return-value]


def classify_error(failure: HttpFailure) -> RatatoskrError | None:
    """HuggingFace's errors: a 503 "Model … is currently loading" carries ``estimated_time``, the seconds
    to wait when no Retry-After says otherwise; everything else goes by its status (``None``)."""
    estimated = failure.detail.get("estimated_time")
    if failure.status != 503 or parse_retry_after(failure.headers) is not None:
        return None
    if isinstance(estimated, bool) or not isinstance(estimated, int | float) or not 0 <= estimated < math.inf:
        return None
    return Overloaded(failure.text, retry_after=float(estimated), provider=NAME, status=503)
