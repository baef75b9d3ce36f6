"""Ratatoskr's own capabilities over the same conventions (JSON in, JSON out, OpenAI's error shape), plus
``/health`` and ``/metrics``.

- ``POST /v1/nli`` ``{"model", "premise", "hypothesis"}`` or ``{"model", "pairs": [[premise, hypothesis], ...]}``
- ``POST /v1/classify`` ``{"model", "input", "labels", "multi_label"?, "hypothesis_template"?}``
- ``POST /v1/stance`` ``{"model", "input", "target"}``
- ``POST /v1/tokenize`` ``{"model", "input"}`` → tokens with ids and UTF-8 byte offsets
- ``POST /v1/count_tokens`` ``{"model", "input"}`` → ``{"count": n}``
- ``GET /health`` (no token needed), ``GET /metrics`` (Prometheus text)
"""

from __future__ import annotations

from typing import Any

from ratatoskr.types import ClassifyResult, NliResult, StanceResult

from ratatoskr_server.http_app import HttpError, Request

__all__ = ["ROUTES"]


def _text(request: Request) -> str:
    """``input`` (OpenAI's name), or ``text``."""
    body = request.body if isinstance(request.body, dict) else {}
    value = body.get("input", body.get("text"))
    if not isinstance(value, str):
        raise HttpError("'input' (a string) is required", code="missing_required_parameter")
    return value


def _nli(r: NliResult) -> dict[str, Any]:
    return {
        "entailment": r.entailment,
        "contradiction": r.contradiction,
        "neutral": r.neutral,
        "label": r.label.value,
        "truncated": r.truncated,
    }


def _served(result: NliResult | ClassifyResult | StanceResult, model: str) -> dict[str, Any]:
    return {"model": result.model or model, "provider": result.provider}


async def nli(request: Request) -> Any:
    model = request.field("model")
    pairs = request.field("pairs", list, required=False)
    if pairs is None:
        pairs = [[request.field("premise"), request.field("hypothesis")]]
    if not pairs or not all(
        isinstance(p, list | tuple) and len(p) == 2 and all(isinstance(s, str) for s in p) for p in pairs
    ):
        raise HttpError("'pairs' must be a non-empty array of [premise, hypothesis] strings")
    await request.allow("nli", model)
    found = await request.app.batcher.infer_nli_batch([(p, h) for p, h in pairs], model)
    head = _served(found[0], model) if found else {"model": model, "provider": None}
    return {"object": "list", "data": [{"index": i, **_nli(r)} for i, r in enumerate(found)], **head}


async def classify(request: Request) -> Any:
    model, text = request.field("model"), _text(request)
    labels = request.field("labels", list)
    if not labels or not all(isinstance(label, str) for label in labels):
        raise HttpError("'labels' must be a non-empty array of strings")
    multi = request.field("multi_label", bool, required=False) or False
    template = request.field("hypothesis_template", required=False)
    await request.allow("classify", model)
    r = await request.gateway.classify_zero_shot(text, labels, model, multi_label=multi, hypothesis_template=template)
    return {
        "object": "classification",
        "scores": r.scores,
        "top_label": r.top_label,
        "confidence": r.confidence,
        "multi_label": r.multi_label,
        **_served(r, model),
    }


async def stance(request: Request) -> Any:
    model, text, target = request.field("model"), _text(request), request.field("target")
    await request.allow("stance", model)
    r = await request.gateway.classify_stance(text, target, model)
    return {
        "object": "stance",
        "favor": r.favor,
        "against": r.against,
        "neutral": r.neutral,
        "label": r.label.value,
        "target": r.target,
        **_served(r, model),
    }


async def tokenize(request: Request) -> Any:
    model, text = request.field("model"), _text(request)
    await request.allow("tokenize", model)
    tokens = await request.gateway.tokenize(text, model)
    data = [{"id": t.id, "text": t.text, "start": t.start, "end": t.end} for t in tokens]
    return {"object": "list", "model": model, "tokens": data, "count": len(data)}


async def count_tokens(request: Request) -> Any:
    model, text = request.field("model"), _text(request)
    await request.allow("tokenize", model)
    return {"object": "token_count", "model": model, "count": await request.gateway.count_tokens(text, model)}


async def health(request: Request) -> Any:
    from ratatoskr_server.service import _version

    return {"status": "ok", "version": _version("ratatoskr-server"), "core_version": _version("ratatoskr-core")}


async def metrics(request: Request) -> Any:
    await request.allow(None)
    return b"text/plain; version=0.0.4; charset=utf-8", request.app.metrics.render().encode()


ROUTES = {
    ("POST", "/v1/nli"): nli,
    ("POST", "/v1/classify"): classify,
    ("POST", "/v1/stance"): stance,
    ("POST", "/v1/tokenize"): tokenize,
    ("POST", "/v1/count_tokens"): count_tokens,
    ("GET", "/health"): health,
    ("GET", "/metrics"): metrics,
}
