"""``[providers.local]``: the settings of the local inference provider, parsed and checked once."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from attrs import field, frozen
from ratatoskr.config import ProviderSettings
from ratatoskr.errors import ConfigurationError
from ratatoskr.providers import PRIORITY_LOCAL

__all__ = ["LocalConfig"]

_KEYS = frozenset(
    {
        "priority",
        "models_dir",
        "ram_budget_mb",
        "device",
        "device_id",
        "intra_op_threads",
        "inter_op_threads",
        "batch_max_size",
        "batch_wait_ms",
        "max_concurrent_runs",
        "download",
        "models",
        "tokenizers",
    }
)


def _int(table: Mapping[str, Any], key: str, default: int | None, *, minimum: int) -> int | None:
    value = table.get(key, default)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise ConfigurationError(f"providers.local.{key} must be an integer >= {minimum}, got {value!r}")
    return value


def _str_table(table: Mapping[str, Any], key: str) -> dict[str, str]:
    value = table.get(key, {})
    if not isinstance(value, Mapping) or not all(
        isinstance(k, str) and isinstance(v, str) and k and v for k, v in value.items()
    ):
        raise ConfigurationError(f"[providers.local.{key}] must be a table of non-empty strings")
    return dict(value)


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@frozen
class LocalConfig:
    """Everything the local provider reads from the config; defaults give a working CPU setup."""

    #: Where downloaded models live (a huggingface-hub cache); ``None`` uses huggingface-hub's own default.
    models_dir: Path | None = None
    #: Upper bound on the RAM taken by loaded models, in bytes; ``None`` = no limit.
    ram_budget_bytes: int | None = None
    device: str = "cpu"
    device_id: int = 0
    #: ONNX Runtime threads; ``None`` lets ONNX Runtime choose (one per core).
    intra_op_threads: int | None = None
    inter_op_threads: int | None = None
    batch_max_size: int = 32
    batch_wait_ms: float = 2.0
    #: How many ONNX runs may execute at the same time (across models).
    max_concurrent_runs: int = 1
    #: Whether missing models may be downloaded (false under ``HF_HUB_OFFLINE=1``).
    download: bool = True
    #: Extra model names: name -> HuggingFace repo id or local directory.
    models: Mapping[str, str] = field(factory=dict)
    #: Tokenizer mappings: model name or prefix -> ``hf:REPO`` | ``file:PATH`` | ``alias:NAME``.
    tokenizers: Mapping[str, str] = field(factory=dict)
    priority: int = PRIORITY_LOCAL

    @property
    def batch_wait_s(self) -> float:
        return self.batch_wait_ms / 1000.0

    @classmethod
    def from_settings(cls, table: ProviderSettings) -> LocalConfig:
        """Parse and validate the table; a wrong key or value is a :class:`ConfigurationError`."""
        options = table.options
        unknown = set(options) - _KEYS
        if unknown:
            raise ConfigurationError(
                f"unknown [providers.local] keys: {', '.join(sorted(unknown))} (known: {', '.join(sorted(_KEYS))})"
            )
        device = table.get("device", "cpu")
        if device not in ("cpu", "cuda"):
            raise ConfigurationError(f'providers.local.device must be "cpu" or "cuda", got {device!r}')
        models_dir = table.get("models_dir", env="RATATOSKR_MODELS_DIR")
        if models_dir is not None and (not isinstance(models_dir, str) or not models_dir):
            raise ConfigurationError(f"providers.local.models_dir must be a path, got {models_dir!r}")
        budget_mb = _int(options, "ram_budget_mb", None, minimum=1)
        wait = options.get("batch_wait_ms", 2.0)
        if isinstance(wait, bool) or not isinstance(wait, int | float) or not 0 <= wait <= 1000:
            raise ConfigurationError(f"providers.local.batch_wait_ms must be a number from 0 to 1000, got {wait!r}")
        download = options.get("download", True)
        if not isinstance(download, bool):
            raise ConfigurationError(f"providers.local.download must be true or false, got {download!r}")
        if _truthy(table.env.get("HF_HUB_OFFLINE")):
            download = False
        return cls(
            models_dir=Path(models_dir).expanduser() if models_dir else None,
            ram_budget_bytes=budget_mb * 1024 * 1024 if budget_mb is not None else None,
            device=device,
            device_id=_int(options, "device_id", 0, minimum=0) or 0,
            intra_op_threads=_int(options, "intra_op_threads", None, minimum=0) or None,
            inter_op_threads=_int(options, "inter_op_threads", None, minimum=0) or None,
            batch_max_size=_int(options, "batch_max_size", 32, minimum=1) or 32,
            batch_wait_ms=float(wait),
            max_concurrent_runs=_int(options, "max_concurrent_runs", 1, minimum=1) or 1,
            download=download,
            models=_str_table(options, "models"),
            tokenizers=_str_table(options, "tokenizers"),
            priority=table.priority if table.priority is not None else PRIORITY_LOCAL,
        )
