"""What the Hub and TEI's ``/info`` say about a model: served tasks, deployment status, capabilities.

- Hub model info, documented at https://huggingface.co/docs/inference-providers/hub-api:
  ``GET {hub}/api/models/{id}?expand[]=inferenceProviderMapping&expand[]=pipeline_tag``; the mapping is a dict
  keyed by provider (``{"hf-inference": {"status": "live", "task": ...}}``) or, in newer answers, a list of
  entries with a ``provider`` key. Both are read.
- Offline: with ``HF_HUB_OFFLINE=1`` (or ``TRANSFORMERS_OFFLINE=1``, as huggingface-hub reads them) the Hub is
  never asked; a lookup raises :class:`~ratatoskr.errors.NotAvailableOffline` at once instead of waiting on a
  connection that cannot succeed.
- Unreachable: a Hub lookup is metadata, not the request itself, so it has its own short bound
  (:data:`HUB_LOOKUP_TIMEOUT_S`, one attempt) instead of the provider's whole-request timeout; listing stops
  asking after the first lookup that could not reach the Hub.
- TEI ``GET /info`` (``docs/openapi.json`` of text-embeddings-inference): ``model_id``, ``model_type``
  (``{"embedding": {...}}``, ``{"classifier": {"id2label": ...}}`` or ``{"reranker": ...}``) and
  ``max_client_batch_size``.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

import anyio
from attrs import frozen
from ratatoskr.errors import NotAvailableOffline, RequestTimeout, ResponseFormatError
from ratatoskr.types import Capability

from ratatoskr_providers_hf._config import NAME

__all__ = [
    "HF_INFERENCE",
    "HUB_LOOKUP_TIMEOUT_S",
    "HubModel",
    "TeiInfo",
    "bounded_lookup",
    "capabilities_for_task",
    "check_hub_allowed",
    "parse_hub_model",
    "parse_tei_info",
]

#: The provider key of HF's own serverless inference in the Hub's provider mapping.
HF_INFERENCE = "hf-inference"

_TASK_CAPABILITIES: Mapping[str, tuple[Capability, ...]] = {
    "feature-extraction": (Capability.EMBED,),
    "sentence-similarity": (Capability.EMBED,),
    "text-classification": (Capability.NLI,),
    "zero-shot-classification": (Capability.CLASSIFY, Capability.STANCE),
}
_TEI_CAPABILITIES: Mapping[str, tuple[Capability, ...]] = {
    "embedding": (Capability.EMBED,),
    # TEI has no zero-shot route; an NLI classifier serves zero-shot and stance through /predict pairs.
    "classifier": (Capability.NLI, Capability.CLASSIFY, Capability.STANCE),
}


def check_hub_allowed(model: str) -> None:
    """Raise :class:`NotAvailableOffline` when offline mode forbids asking the Hub (read at call time)."""
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        if os.environ.get(name, "").strip().lower() in {"1", "true", "yes", "on"}:
            raise NotAvailableOffline(
                model,
                provider=NAME,
                reason=f"{name}=1 is set, so the HuggingFace Hub is not asked about the model",
                hint=f"unset {name} (on a machine with network access) to let the huggingface provider ask it",
            )


#: Seconds a Hub lookup (model info, label names) may take, connecting included.
HUB_LOOKUP_TIMEOUT_S = 5.0


async def bounded_lookup(lookup: Callable[[], Awaitable[Any]], hub_url: str) -> Any:
    """``await lookup()`` within :data:`HUB_LOOKUP_TIMEOUT_S`; past it, :class:`RequestTimeout` naming the Hub."""
    try:
        with anyio.fail_after(HUB_LOOKUP_TIMEOUT_S):
            return await lookup()
    except TimeoutError as exc:
        raise RequestTimeout(
            f"the HuggingFace Hub at {hub_url} did not answer within {HUB_LOOKUP_TIMEOUT_S:g} s", provider=NAME
        ) from exc


def capabilities_for_task(task: str | None) -> tuple[Capability, ...]:
    return _TASK_CAPABILITIES.get(task or "", ())


@frozen
class HubModel:
    id: str
    pipeline_tag: str | None
    #: The hf-inference entry: ``status`` ("live"/"staging") and ``task``, or None when not deployed there.
    hf_inference_status: str | None
    hf_inference_task: str | None

    @property
    def task(self) -> str | None:
        return self.hf_inference_task or self.pipeline_tag


def _mapping_entry(mapping: Any) -> Mapping[str, Any] | None:
    if isinstance(mapping, dict):
        entry = mapping.get(HF_INFERENCE)
        return entry if isinstance(entry, dict) else None
    if isinstance(mapping, list):
        for entry in mapping:
            if isinstance(entry, dict) and entry.get("provider") == HF_INFERENCE:
                return entry
    return None


def parse_hub_model(data: Any, model: str) -> HubModel:
    if not isinstance(data, dict):
        raise ResponseFormatError(f"Hub model info for {model!r} is not an object", provider=NAME)
    entry = _mapping_entry(data.get("inferenceProviderMapping"))
    tag = data.get("pipeline_tag")
    return HubModel(
        id=str(data.get("id") or model),
        pipeline_tag=tag if isinstance(tag, str) else None,
        hf_inference_status=str(entry.get("status")) if entry and entry.get("status") else None,
        hf_inference_task=str(entry.get("task")) if entry and entry.get("task") else None,
    )


@frozen
class TeiInfo:
    model_id: str
    #: "embedding", "classifier" or "reranker".
    model_type: str
    max_client_batch_size: int | None
    id2label: dict[int, str] | None

    @property
    def capabilities(self) -> tuple[Capability, ...]:
        return _TEI_CAPABILITIES.get(self.model_type, ())


def parse_tei_info(data: Any) -> TeiInfo:
    if not isinstance(data, dict) or not isinstance(data.get("model_id"), str):
        raise ResponseFormatError("TEI /info answer lacks model_id", provider=NAME)
    model_type = data.get("model_type")
    kind: str = ""
    details: Any = {}
    if isinstance(model_type, dict) and model_type:
        kind, details = next(iter(model_type.items()))
    raw = details.get("id2label") if isinstance(details, dict) else None
    id2label = {int(k): str(v) for k, v in raw.items() if str(k).isdigit()} if isinstance(raw, dict) else None
    batch = data.get("max_client_batch_size")
    return TeiInfo(
        model_id=data["model_id"],
        model_type=str(kind),
        max_client_batch_size=batch if isinstance(batch, int) and not isinstance(batch, bool) and batch > 0 else None,
        id2label=id2label,
    )
