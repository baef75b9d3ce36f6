"""``list_models`` and ``model_status`` without loading anything: what is on disk, what is loaded."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ratatoskr.errors import RatatoskrError
from ratatoskr.types import Capability, ModelInfo, ModelStatus, ModelStatusKind

from ratatoskr_providers_local._offline import download_policy
from ratatoskr_providers_local._runtime import read_json
from ratatoskr_providers_local._sources import BUNDLED_ID, SHORT_NAMES, ModelFiles, Source, locate, pull_hint, resolve

if TYPE_CHECKING:
    from ratatoskr_providers_local.provider import LocalProvider

__all__ = ["list_local_models", "status_without_loading"]

NAME = "local"
_EMBED = (Capability.EMBED, Capability.TOKENIZE, Capability.LOCAL_INFERENCE)
_NLI = (
    Capability.NLI,
    Capability.CLASSIFY,
    Capability.STANCE,
    Capability.TOKENIZE,
    Capability.LOCAL_INFERENCE,
)


def _on_disk(provider: LocalProvider, source: Source) -> ModelFiles | None:
    """The model's files if they are already here (never downloads)."""
    config = provider.config
    if source.kind == "hub" and config.download:
        from attrs import evolve

        config = evolve(config, download=False)
    try:
        return locate(source, config)
    except RatatoskrError:  # not on disk or unreadable: the status says so
        return None


def _info(files: ModelFiles) -> ModelInfo:
    config = read_json(files.directory / "config.json") or {}
    labels = [str(v).lower() for v in (config.get("id2label") or {}).values()]
    is_nli = any(label.startswith("entail") for label in labels)
    st = read_json(files.directory / "sentence_bert_config.json") or {}
    context = st.get("max_seq_length") or config.get("max_position_embeddings")
    hidden = config.get("hidden_size")
    return ModelInfo(
        files.id,
        NAME,
        _NLI if is_nli else _EMBED,
        context_window=context if isinstance(context, int) else None,
        dimensions=None if is_nli or not isinstance(hidden, int) else hidden,
    )


def list_local_models(provider: LocalProvider) -> list[ModelInfo]:
    """The bundled model, configured models, and known models already downloaded (blocking: reads files)."""
    names = [BUNDLED_ID, *provider.config.models, *SHORT_NAMES.values()]
    names += [key.partition(":")[2] for key in provider.manager.loaded()]
    found: dict[str, ModelInfo] = {}
    for name in dict.fromkeys(names):
        source = resolve(name, provider.config)
        files = _on_disk(provider, source) if source is not None else None
        if files is not None and files.id not in found:
            found[files.id] = _info(files)
    return sorted(found.values(), key=lambda info: info.id)


def status_without_loading(provider: LocalProvider, source: Source) -> ModelStatus:
    files = _on_disk(provider, source)
    if files is None:
        if source.kind == "hub":
            # The same policy as a real load: downloads allowed, not in offline mode, and the Hub answers.
            possible, why = download_policy(provider.config)
            if possible:
                return ModelStatus(ModelStatusKind.AVAILABLE, "downloads on first use", NAME)
            reason = f"not downloaded, and {why}; {pull_hint(source.id)}"
            return ModelStatus(ModelStatusKind.UNAVAILABLE, reason, NAME)
        return ModelStatus(ModelStatusKind.UNAVAILABLE, f"no ONNX model at {source.location}", NAME)
    budget = provider.config.ram_budget_bytes
    if budget is not None and files.size_bytes > budget:
        return ModelStatus(
            ModelStatusKind.UNAVAILABLE,
            f"needs at least {files.size_bytes / 2**20:.0f} MB, more than the RAM budget of {budget / 2**20:.0f} MB",
            NAME,
        )
    return ModelStatus(ModelStatusKind.AVAILABLE, "on disk; loads on first use", NAME)
