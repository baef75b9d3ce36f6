"""A loaded NLI cross-encoder, and zero-shot / stance scoring built on it.

Label order comes from the model's ``config.json`` ``id2label`` (models disagree: some are
contradiction-first, some entailment-first). Logits are returned as columns (entailment, contradiction,
neutral) whatever the model's own order.
"""

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

__all__ = ["ENTAILMENT", "NliModel", "load_nli_model", "softmax", "stance_scores", "zero_shot_scores"]

ENTAILMENT, CONTRADICTION, NEUTRAL = 0, 1, 2
_LABEL_PREFIXES = {"entail": ENTAILMENT, "contradict": CONTRADICTION, "neutral": NEUTRAL}


def softmax(x: np.ndarray, axis: int = -1) -> np.ndarray:
    shifted = np.exp(x - x.max(axis=axis, keepdims=True))
    # numpy types a reduction over an axis as Any (it could be a scalar); asarray returns this array itself, typed.
    return np.asarray(shifted / shifted.sum(axis=axis, keepdims=True))


@define
class NliModel(OnnxModel):
    #: Model output column for entailment, contradiction, neutral.
    columns: tuple[int, int, int]
    num_labels: int

    def logits(self, pairs: Sequence[tuple[str, str]], max_batch: int) -> tuple[np.ndarray, list[bool]]:
        """Logits ``[n, 3]`` as (entailment, contradiction, neutral), and whether each pair was truncated.

        Batched: pairs of similar length share one ONNX run. Blocking.
        """
        encodings = self.tokenizer.encode_batch(list(pairs))
        out = np.empty((len(pairs), 3), dtype=np.float32)
        for chunk in self.chunks(encodings, max_batch):
            out[chunk] = self.logits_chunk(encodings, chunk)
        return out, [truncated(e) for e in encodings]

    def logits_chunk(self, encodings: Sequence[Encoding], chunk: Sequence[int]) -> np.ndarray:
        """Logits ``[len(chunk), 3]`` (entailment, contradiction, neutral) of ``encodings[chunk]``: one run."""
        _feed, logits = self.run_chunk(encodings, chunk)
        if logits.ndim != 2 or logits.shape[1] != self.num_labels:
            raise ModelFilesError(
                f"{self.id}: expected logits of shape [batch, {self.num_labels}], got {list(logits.shape)}",
                provider="local",
            )
        return np.asarray(logits[:, list(self.columns)], dtype=np.float32)


def _columns(files: ModelFiles) -> tuple[tuple[int, int, int], int]:
    config = read_json(files.directory / "config.json") or {}
    id2label = config.get("id2label")
    if not isinstance(id2label, dict) or not id2label:
        raise ModelFilesError(f"{files.id} is not an NLI model: its config.json has no id2label", provider="local")
    found: dict[int, int] = {}
    for key, label in id2label.items():
        for prefix, role in _LABEL_PREFIXES.items():
            if str(label).lower().startswith(prefix):
                if role in found:
                    raise ModelFilesError(f"{files.id}: id2label names {prefix}… twice: {id2label}", provider="local")
                try:
                    found[role] = int(key)
                except ValueError as exc:
                    raise ModelFilesError(f"{files.id}: bad id2label key {key!r}", provider="local") from exc
    if len(found) != 3:
        raise ModelFilesError(
            f"{files.id} is not a 3-way NLI model: id2label is {id2label} "
            f"(needs entailment, contradiction and neutral)",
            provider="local",
        )
    return (found[ENTAILMENT], found[CONTRADICTION], found[NEUTRAL]), len(id2label)


def load_nli_model(files: ModelFiles, config: LocalConfig) -> NliModel:
    """Verify, open and configure the model (blocking)."""
    columns, num_labels = _columns(files)
    base = open_onnx(files, config, _logits_output)
    return NliModel.extend(base, columns=columns, num_labels=num_labels)


def _logits_output(session_outputs: Sequence[Any]) -> str:
    names = [o.name for o in session_outputs]
    return "logits" if "logits" in names else names[0]


def zero_shot_scores(logits: np.ndarray, *, multi_label: bool) -> list[float]:
    """Scores per candidate from the logits of (text, hypothesis(label)) pairs, one row per label.

    Single-label: softmax of the entailment logits across labels (they sum to 1). Multi-label: for each label
    on its own, softmax over (contradiction, entailment), the entailment share (independent, 0..1).
    """
    if multi_label:
        pair = logits[:, [CONTRADICTION, ENTAILMENT]]
        return [float(v) for v in softmax(pair, axis=1)[:, 1]]
    return [float(v) for v in softmax(logits[:, ENTAILMENT])]


def stance_scores(logits: np.ndarray) -> tuple[float, float, float]:
    """(favor, against, neutral) from the logits of the provider's three stance hypothesis pairs
    (supports / opposes / is neutral about the target)."""
    favor, against, neutral = zero_shot_scores(logits, multi_label=False)
    return favor, against, neutral
