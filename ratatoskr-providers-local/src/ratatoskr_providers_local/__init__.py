"""Ratatoskr local inference: embeddings, NLI, zero-shot, stance and tokenizers on ONNX Runtime, no torch.

Importing this package is cheap (the CLI imports every plugin at start): the names below load on first
access, and onnxruntime / tokenizers load when a model is first used.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ratatoskr_providers_local._config import LocalConfig
    from ratatoskr_providers_local._runtime import ModelFilesError
    from ratatoskr_providers_local._sources import BUNDLED_ID, SHORT_NAMES
    from ratatoskr_providers_local.provider import DEFAULT_HYPOTHESIS_TEMPLATE, LocalProvider

__all__ = [
    "BUNDLED_ID",
    "DEFAULT_HYPOTHESIS_TEMPLATE",
    "SHORT_NAMES",
    "LocalConfig",
    "LocalProvider",
    "ModelFilesError",
]

_HOMES = {
    "BUNDLED_ID": "_sources",
    "DEFAULT_HYPOTHESIS_TEMPLATE": "provider",
    "SHORT_NAMES": "_sources",
    "LocalConfig": "_config",
    "LocalProvider": "provider",
    "ModelFilesError": "_runtime",
}


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{home}"), name)
