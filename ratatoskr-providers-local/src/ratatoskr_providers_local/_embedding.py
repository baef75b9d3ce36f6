"""A loaded sentence-embedding model: tokenizer + ONNX session + pooling, configured from the repo's own
sentence-transformers files (``modules.json``, ``1_Pooling/config.json``, ``sentence_bert_config.json``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
from attrs import define

from ratatoskr_providers_local._runtime import ModelFilesError, OnnxModel, open_onnx, read_json, truncated

if TYPE_CHECKING:
    from tokenizers import Encoding

    from ratatoskr_providers_local._config import LocalConfig
    from ratatoskr_providers_local._sources import ModelFiles

__all__ = ["EmbeddingModel", "load_embedding_model"]

_POOLING_KEYS = {
    "pooling_mode_cls_token": "cls",
    "pooling_mode_mean_tokens": "mean",
    "pooling_mode_max_tokens": "max",
    "pooling_mode_mean_sqrt_len_tokens": "mean_sqrt_len",
}


@define
class EmbeddingModel(OnnxModel):
    #: ``None`` when the ONNX output is already one vector per text (a ``sentence_embedding`` output).
    pooling: str | None
    normalize: bool

    def embed(self, texts: Sequence[str], max_batch: int) -> tuple[np.ndarray, list[bool], list[int]]:
        """Vectors (one row per text, input order), whether each text was truncated and how many tokens the model
        read for it (special tokens included). Blocking."""
        encodings = self.tokenizer.encode_batch(list(texts))
        rows: list[np.ndarray] = [np.empty(0, dtype=np.float32)] * len(texts)
        for chunk in self.chunks(encodings, max_batch):
            for row, i in zip(self.embed_chunk(encodings, chunk), chunk, strict=True):
                rows[i] = row
        return np.vstack(rows), [truncated(e) for e in encodings], [len(e.ids) for e in encodings]

    def embed_chunk(self, encodings: Sequence[Encoding], chunk: Sequence[int]) -> np.ndarray:
        """The vectors of ``encodings[chunk]`` (one ONNX run), pooled and normalised as configured. Blocking."""
        feed, out = self.run_chunk(encodings, chunk)
        pooled = out if self.pooling is None else _pool(out, feed["attention_mask"], self.pooling)
        vectors = np.asarray(pooled, dtype=np.float32)
        if self.normalize:
            vectors = vectors / np.clip(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12, None)
        return vectors


def _pool(hidden: np.ndarray, mask: np.ndarray, mode: str) -> np.ndarray:
    # numpy types a reduction over an axis as Any (it could be a scalar); asarray returns the array itself, typed.
    if mode == "cls":
        return hidden[:, 0]
    m = mask[:, :, None].astype(np.float32)
    if mode == "max":
        return np.asarray(np.where(m > 0, hidden, np.float32(-1e9)).max(axis=1))
    summed = (hidden * m).sum(axis=1)
    counts = np.clip(m.sum(axis=1), 1e-9, None)
    return np.asarray(summed / (np.sqrt(counts) if mode == "mean_sqrt_len" else counts))


def _pooling_mode(files: ModelFiles, modules: list[dict[str, Any]]) -> str:
    """The pooling mode from the Pooling module's config; mean pooling when the repo has none."""
    folder = next((m.get("path", "") for m in modules if str(m.get("type", "")).endswith("Pooling")), "1_Pooling")
    config = read_json(files.directory / str(folder) / "config.json")
    if config is None:
        return "mean"
    modes = [mode for key, mode in _POOLING_KEYS.items() if config.get(key)]
    if len(modes) != 1:
        raise ModelFilesError(
            f"{files.id}: unsupported pooling configuration {config} (one of cls, mean, max, mean_sqrt_len)",
            provider="local",
        )
    return modes[0]


def load_embedding_model(files: ModelFiles, config: LocalConfig) -> EmbeddingModel:
    """Verify, open and configure the model (blocking)."""
    modules = _modules(files)
    st_config = read_json(files.directory / "sentence_bert_config.json") or {}
    preferred = st_config.get("max_seq_length")

    def choose_output(session_outputs: Sequence[Any]) -> str:
        outputs = {o.name: o for o in session_outputs}
        if "sentence_embedding" in outputs and "last_hidden_state" not in outputs:
            return "sentence_embedding"
        output = next((n for n in ("last_hidden_state", "token_embeddings") if n in outputs), "")
        output = output or next((n for n, o in outputs.items() if len(o.shape) == 3), "")
        if not output:
            raise ModelFilesError(
                f"{files.id} is not an embedding model: its ONNX outputs are {list(outputs)} "
                f"(expected last_hidden_state or sentence_embedding)",
                provider="local",
            )
        return output

    base = open_onnx(files, config, choose_output, preferred_length=preferred if isinstance(preferred, int) else None)
    return EmbeddingModel.extend(
        base,
        # A sentence_embedding output is chosen only when there is no token-level output to pool.
        pooling=None if base.output == "sentence_embedding" else _pooling_mode(files, modules),
        normalize=any(str(m.get("type", "")).endswith("Normalize") for m in modules),
    )


def _modules(files: ModelFiles) -> list[dict[str, Any]]:
    import json

    path = files.directory / "modules.json"
    if not path.is_file():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFilesError(f"cannot read {path}: {exc}", provider="local") from exc
    if not isinstance(data, list) or not all(isinstance(m, dict) for m in data):
        raise ModelFilesError(f"{path} is not a list of modules", provider="local")
    return data
