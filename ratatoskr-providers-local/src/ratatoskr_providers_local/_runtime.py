"""ONNX Runtime sessions, tokenizers and padded batches: the blocking building blocks of every local model.

Everything here runs in a worker thread (never on the event loop). ONNX Runtime and tokenizers errors are
mapped to :class:`ModelFilesError` here, at one boundary. numpy, onnxruntime and tokenizers are imported inside
the functions that need them: building a gateway imports this module (via ``_sources``) and must stay cheap.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Self

import attrs
from attrs import define
from ratatoskr.errors import ConfigurationError, ProviderError

if TYPE_CHECKING:
    import numpy as np
    import onnxruntime as ort  # type: ignore[import-untyped]
    from tokenizers import Encoding, Tokenizer

    from ratatoskr_providers_local._config import LocalConfig
    from ratatoskr_providers_local._sources import ModelFiles

__all__ = [
    "ModelFilesError",
    "OnnxModel",
    "create_session",
    "length_chunks",
    "load_tokenizer",
    "open_onnx",
    "padded_feed",
    "read_json",
    "verify_sha256",
]

#: The inputs a BERT-like ONNX export takes; any other required input means a model we cannot drive.
KNOWN_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


class ModelFilesError(ProviderError):
    """The model's files are missing, corrupt or not what this capability needs."""


def read_json(path: Path) -> dict[str, Any] | None:
    """A JSON object from ``path``, ``None`` when the file does not exist."""
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ModelFilesError(f"cannot read {path}: {exc}", provider="local") from exc
    if not isinstance(data, dict):
        raise ModelFilesError(f"{path} is not a JSON object", provider="local")
    return data


def verify_sha256(path: Path, expected: str) -> None:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected.lower():
        raise ModelFilesError(
            f"{path}: sha256 {digest.hexdigest()} does not match the expected {expected}; the file is corrupt "
            f"or was replaced (reinstall the package or delete the file and pull the model again)",
            provider="local",
        )


def create_session(path: Path, config: LocalConfig) -> ort.InferenceSession:
    """An inference session on the configured device, with the configured thread counts."""
    import onnxruntime as ort
    from onnxruntime.capi import onnxruntime_pybind11_state as ort_errors  # type: ignore[import-untyped]

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    if config.intra_op_threads:
        options.intra_op_num_threads = config.intra_op_threads
    if config.inter_op_threads:
        options.inter_op_num_threads = config.inter_op_threads
    providers: list[Any] = ["CPUExecutionProvider"]
    if config.device == "cuda":
        if "CUDAExecutionProvider" not in ort.get_available_providers():
            raise ConfigurationError(
                'providers.local.device = "cuda" needs onnxruntime-gpu with CUDA: run '
                "`pip uninstall onnxruntime && pip install onnxruntime-gpu` (available here: "
                f"{', '.join(ort.get_available_providers())})"
            )
        providers = [("CUDAExecutionProvider", {"device_id": config.device_id}), "CPUExecutionProvider"]
    failures = (
        ort_errors.Fail,
        ort_errors.InvalidProtobuf,
        ort_errors.NoSuchFile,
        ort_errors.InvalidGraph,
        ort_errors.InvalidArgument,
        ort_errors.RuntimeException,
        ort_errors.NotImplemented,
    )
    try:
        session = ort.InferenceSession(str(path), options, providers=providers)
    except failures as exc:
        raise ModelFilesError(f"ONNX Runtime cannot load {path}: {exc}", provider="local") from exc
    required = [i.name for i in session.get_inputs()]
    unknown = [name for name in required if name not in KNOWN_INPUTS]
    if unknown or "input_ids" not in required:
        raise ModelFilesError(
            f"{path}: unsupported ONNX inputs {required} (expected some of {list(KNOWN_INPUTS)})", provider="local"
        )
    return session


def load_tokenizer(path: Path, max_length: int) -> Tokenizer:
    """The tokenizer with truncation at ``max_length`` and NO padding (batches are padded by :func:`padded_feed`).

    Why override: tokenizer.json files often carry presets (all-MiniLM-L6-v2 ships truncation 128 and fixed
    padding to 128) that differ from what the model was trained and is served with.
    """
    from tokenizers import Tokenizer

    try:
        tokenizer = Tokenizer.from_file(str(path))
    except Exception as exc:  # tokenizers raises plain Exception for every parse failure
        raise ModelFilesError(f"cannot load tokenizer {path}: {exc}", provider="local") from exc
    tokenizer.no_padding()
    tokenizer.enable_truncation(max_length=max_length)
    return tokenizer


def pad_id(tokenizer: Tokenizer, directory: Path) -> int:
    """The padding token id, from tokenizer_config.json / special_tokens_map.json, else common names."""
    names: list[str] = []
    for name in ("tokenizer_config.json", "special_tokens_map.json"):
        data = read_json(directory / name) or {}
        token = data.get("pad_token")
        if isinstance(token, dict):
            token = token.get("content")
        if isinstance(token, str):
            names.append(token)
    for token in (*names, "[PAD]", "<pad>"):
        found = tokenizer.token_to_id(token)
        if found is not None:
            return int(found)
    return 0


def padded_feed(encodings: Sequence[Encoding], indices: Sequence[int], pad: int) -> dict[str, np.ndarray]:
    """Right-padded int64 ``input_ids``, ``attention_mask`` and ``token_type_ids`` for ``encodings[indices]``."""
    import numpy as np

    rows = [encodings[i] for i in indices]
    lengths = [len(e.ids) for e in rows]
    width = max(lengths)
    if min(lengths) == width:  # nothing to pad (always so for a single input): one conversion per array
        return {
            "input_ids": np.array([e.ids for e in rows], dtype=np.int64),
            "attention_mask": np.ones((len(rows), width), dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in rows], dtype=np.int64),
        }
    ids = np.full((len(rows), width), pad, dtype=np.int64)
    types = np.zeros((len(rows), width), dtype=np.int64)
    for row, (enc, n) in enumerate(zip(rows, lengths, strict=True)):
        ids[row, :n] = enc.ids
        types[row, :n] = enc.type_ids
    mask = (np.arange(width) < np.array(lengths)[:, None]).astype(np.int64)
    return {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}


def length_chunks(lengths: Sequence[int], max_size: int) -> list[list[int]]:
    """Indices grouped by token length so one run pads little: sorted, cut at ``max_size`` or when the
    longest would be more than twice the shortest (ignoring differences of a few tokens)."""
    order = sorted(range(len(lengths)), key=lengths.__getitem__)
    chunks: list[list[int]] = []
    for i in order:
        if chunks and len(chunks[-1]) < max_size:
            shortest = lengths[chunks[-1][0]]
            if lengths[i] <= max(2 * shortest, shortest + 8):
                chunks[-1].append(i)
                continue
        chunks.append([i])
    return chunks


def truncated(encoding: Encoding) -> bool:
    return bool(encoding.overflowing)


def rss_bytes() -> int:
    """Resident memory of this process (Linux /proc; 0 elsewhere, where model file sizes are used instead)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    import os

    return pages * os.sysconf("SC_PAGE_SIZE")


def find_tokenizer(directory: Path) -> Path:
    for candidate in (directory / "tokenizer.json", directory / "onnx" / "tokenizer.json"):
        if candidate.is_file():
            return candidate
    raise ModelFilesError(f"{directory} has no tokenizer.json", provider="local")


def max_length(directory: Path, *, preferred: int | None = None) -> int:
    """The model's maximum sequence length: ``preferred`` (sentence-transformers), else the tokenizer's
    ``model_max_length`` when sane, else ``max_position_embeddings``, else 512."""
    if preferred:
        return preferred
    tok = read_json(directory / "tokenizer_config.json") or {}
    value = tok.get("model_max_length")
    if isinstance(value, int) and 0 < value <= 100_000:
        return value
    cfg = read_json(directory / "config.json") or {}
    value = cfg.get("max_position_embeddings")
    return value if isinstance(value, int) and value > 0 else 512


@define
class OnnxModel:
    """What every local model holds: an ONNX session, its tokenizer and the figures batching and the memory
    budget need. A capability subclasses it with what it reads from the model's own files."""

    id: str
    session: Any
    tokenizer: Tokenizer
    inputs: tuple[str, ...]
    output: str
    max_length: int
    pad_id: int
    size_bytes: int

    @classmethod
    def extend(cls, base: OnnxModel, **fields: Any) -> Self:
        """``base`` (from :func:`open_onnx`) as this subclass, given the subclass's own fields."""
        return cls(**attrs.asdict(base, recurse=False), **fields)

    def close(self) -> None:
        """Nothing to release by hand: the session is freed with the last reference (a run in progress keeps
        it alive until it finishes)."""

    def chunks(self, encodings: Sequence[Encoding], max_batch: int) -> list[list[int]]:
        """Indices of ``encodings`` grouped into runs of similar length (at most ``max_batch`` each)."""
        return length_chunks([len(e.ids) for e in encodings], max_batch)

    def run_chunk(
        self, encodings: Sequence[Encoding], chunk: Sequence[int]
    ) -> tuple[dict[str, np.ndarray], np.ndarray]:
        """One session run over ``encodings[chunk]``: the padded feed and the output. Blocking."""
        feed = padded_feed(encodings, chunk, self.pad_id)
        (out,) = self.session.run([self.output], {name: feed[name] for name in self.inputs})
        return feed, out

    def run_chunks(
        self, encodings: Sequence[Encoding], max_batch: int
    ) -> Iterator[tuple[list[int], dict[str, np.ndarray], np.ndarray]]:
        """One session run per chunk of similar-length encodings: (their indices, the padded feed, the output)."""
        for chunk in self.chunks(encodings, max_batch):
            feed, out = self.run_chunk(encodings, chunk)
            yield chunk, feed, out


def open_onnx(
    files: ModelFiles,
    config: LocalConfig,
    choose_output: Callable[[Sequence[Any]], str],
    *,
    preferred_length: int | None = None,
) -> OnnxModel:
    """Tokenizer and session for ``files`` (blocking; the ONNX file verified first when its sha256 is known), the
    output named by ``choose_output(session outputs)``, and the memory the session took (at least the files' size)."""
    if files.sha256:
        verify_sha256(files.onnx, files.sha256)
    length = max_length(files.directory, preferred=preferred_length)
    tokenizer = load_tokenizer(find_tokenizer(files.directory), length)
    before = rss_bytes()
    session = create_session(files.onnx, config)
    grown = rss_bytes() - before
    return OnnxModel(
        id=files.id,
        session=session,
        tokenizer=tokenizer,
        inputs=tuple(i.name for i in session.get_inputs()),
        output=choose_output(session.get_outputs()),
        max_length=length,
        pad_id=pad_id(tokenizer, files.directory),
        size_bytes=max(files.size_bytes, grown),
    )
