"""``[providers.local]``: the settings of the local inference provider, declared once and read by the core."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from attrs import evolve, frozen
from ratatoskr.config_schema import at_least, between, no_blanks, one_of, setting
from ratatoskr.provider_factory import ProviderConfig
from ratatoskr.providers import PRIORITY_LOCAL

if TYPE_CHECKING:
    from typing import Self

__all__ = ["LocalConfig"]


def _truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in {"1", "true", "yes", "on"}


@frozen(kw_only=True)
class LocalConfig(ProviderConfig):
    """Everything the local provider reads from the config; defaults give a working CPU setup."""

    priority: int = setting(PRIORITY_LOCAL, doc="Higher runs earlier in fallback chains (local before remote).")
    models_dir: Path | None = setting(
        None,
        doc="Where downloaded models live (a huggingface-hub cache; default: huggingface-hub's own).",
        env=("RATATOSKR_MODELS_DIR",),
    )
    ram_budget_mb: int | None = setting(
        None, doc="Upper bound on the RAM taken by loaded models, in MiB (default: no limit).", validator=at_least(1)
    )
    device: str = setting("cpu", doc='`"cpu"` or `"cuda"` (needs onnxruntime-gpu).', validator=one_of("cpu", "cuda"))
    device_id: int = setting(0, doc='The GPU used when `device = "cuda"`.', validator=at_least(0))
    intra_op_threads: int | None = setting(
        None, doc="ONNX Runtime threads inside an operator (0 or unset: one per core).", validator=at_least(0)
    )
    inter_op_threads: int | None = setting(
        None, doc="ONNX Runtime threads across operators (0 or unset: ONNX Runtime chooses).", validator=at_least(0)
    )
    batch_max_size: int = setting(32, doc="Most texts (or pairs) run through a model at once.", validator=at_least(1))
    batch_wait_ms: float = setting(
        2.0, doc="Milliseconds a request waits for others to share its batch.", validator=between(0, 1000)
    )
    max_concurrent_runs: int = setting(
        1, doc="ONNX runs executing at the same time (across models).", validator=at_least(1)
    )
    download: bool = setting(
        True, doc="Whether missing models may be downloaded (always off under `HF_HUB_OFFLINE=1`)."
    )
    models: Mapping[str, str] = setting(
        doc="Extra model names: name → HuggingFace repo id or local directory.", factory=dict, validator=no_blanks
    )
    tokenizers: Mapping[str, str] = setting(
        doc="Tokenizers: model name or prefix → `hf:REPO`, `file:PATH` or `alias:NAME`.",
        factory=dict,
        validator=no_blanks,
    )

    @property
    def ram_budget_bytes(self) -> int | None:
        """``ram_budget_mb`` in bytes (``None``: no limit)."""
        return self.ram_budget_mb * 1024 * 1024 if self.ram_budget_mb is not None else None

    @property
    def batch_wait_s(self) -> float:
        return self.batch_wait_ms / 1000.0

    def with_environment(self, env: Mapping[str, str]) -> Self:
        """``HF_HUB_OFFLINE=1`` turns downloads off, whatever the table says."""
        return evolve(self, download=False) if _truthy(env.get("HF_HUB_OFFLINE")) else self
