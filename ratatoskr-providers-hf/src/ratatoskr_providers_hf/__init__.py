"""Ratatoskr provider for HuggingFace Inference: embeddings, NLI, zero-shot and stance over HTTP.

Serverless Inference Providers (hf-inference), dedicated Inference Endpoints and text-embeddings-inference
servers. ``HuggingFaceProvider`` is imported lazily so that ``import ratatoskr_providers_hf`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ratatoskr_providers_hf._config import HFConfig, Kind

if TYPE_CHECKING:
    from ratatoskr_providers_hf.provider import HuggingFaceProvider

__all__ = ["HFConfig", "HuggingFaceProvider", "Kind"]


def __getattr__(name: str) -> Any:
    if name == "HuggingFaceProvider":
        from ratatoskr_providers_hf.provider import HuggingFaceProvider

        return HuggingFaceProvider
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
