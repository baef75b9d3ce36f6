"""Local inference through the gateway vs raw ONNX Runtime, side by side in one process.

Embeddings: the bundled all-MiniLM-L6-v2 (int8), raw = scripts/raw_minilm_reference.py's session and tokenizer.
  single      sequential single-text calls: gateway.embed vs raw embed([text])            target >= 0.90x
  concurrent  64 concurrent single-text gateway.embed calls (micro-batching) vs raw
              batch-of-32 throughput on the same texts                                    target >= 0.85x
NLI: a downloaded cross-encoder if one is in the cache (RATATOSKR_BENCH_NLI_MODEL, else
cross-encoder/nli-deberta-v3-small), else the tiny test fixture -- whose runs take microseconds, so its
ratio measures per-request overhead, not model throughput (the output says which one ran).
Raw and gateway calls alternate one by one and medians are compared, so both see the same machine load.
Peak memory is the process's max RSS.

Usage: uv run python bench/bench_local.py   (or uv run nox -s bench)
"""

from __future__ import annotations

import importlib.util
import os
import resource
import sys
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
import numpy as np
from ratatoskr.gateway import EmbeddedGateway
from ratatoskr_providers_local import BUNDLED_ID, LocalConfig, LocalProvider
from ratatoskr_providers_local._runtime import find_tokenizer
from ratatoskr_providers_local._sources import locate, resolve

ROOT = Path(__file__).resolve().parents[1]
LOCAL = ROOT / "ratatoskr-providers-local"
TINY_NLI = LOCAL / "tests" / "fixtures" / "tiny-nli"
SINGLE = "A man is eating food."
TEXTS = [f"Sentence number {i} says something about the weather and the stock market." for i in range(32)]
PAIRS = [(f"A man number {i} is eating food in the park.", "A man is eating.") for i in range(32)]


def _raw_reference() -> Any:
    spec = importlib.util.spec_from_file_location("raw_minilm_reference", LOCAL / "scripts" / "raw_minilm_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _timed(fn: Callable[[], Any], n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n


async def _atimed(fn: Callable[[], Awaitable[Any]], n: int) -> float:
    t0 = time.perf_counter()
    for _ in range(n):
        await fn()
    return (time.perf_counter() - t0) / n


async def _paired(
    raw: Callable[[], Any], ours: Callable[[], Awaitable[Any]], n: int
) -> tuple[float, float]:
    """Median seconds per call of each side, calls alternating raw / gateway."""
    raw_t, our_t = [], []
    for _ in range(n):
        t0 = time.perf_counter()
        raw()
        t1 = time.perf_counter()
        await ours()
        t2 = time.perf_counter()
        raw_t.append(t1 - t0)
        our_t.append(t2 - t1)
    return float(np.median(raw_t)), float(np.median(our_t))


async def _fan_out(call: Callable[[int], Awaitable[Any]], count: int) -> None:
    async with anyio.create_task_group() as tg:
        for i in range(count):
            tg.start_soon(call, i)


def _line(name: str, raw: float, ours: float, unit: str, target: float) -> None:
    ratio = ours / raw
    verdict = "ok" if ratio >= target else "BELOW TARGET"
    print(f"{name:<44} raw {raw:9.1f} {unit}   gateway {ours:9.1f} {unit}   ratio {ratio:5.2f}x "
          f"(target >= {target:.2f}x, {verdict})")


async def bench_embeddings(gateway: EmbeddedGateway) -> None:
    raw = _raw_reference()
    session, tokenizer = raw.load()
    for _ in range(5):
        raw.embed(session, tokenizer, [SINGLE])
        raw.embed(session, tokenizer, TEXTS)
        await gateway.embed(SINGLE, BUNDLED_ID)
        await _fan_out(lambda i: gateway.embed(TEXTS[i % 32], BUNDLED_ID), 64)

    # Raw and gateway calls alternate one by one, so both sides see the same machine load.
    raw_single, our_single = await _paired(lambda: raw.embed(session, tokenizer, [SINGLE]),
                                           lambda: gateway.embed(SINGLE, BUNDLED_ID), 600)
    raw_batch, our_conc = await _paired(lambda: raw.embed(session, tokenizer, TEXTS),
                                        lambda: _fan_out(lambda i: gateway.embed(TEXTS[i % 32], BUNDLED_ID), 64), 40)
    print(f"embeddings: {BUNDLED_ID} (int8 ONNX), {os.cpu_count()} CPUs")
    _line("single text, sequential (calls/s)", 1 / raw_single, 1 / our_single, "/s", 0.90)
    print(f"{'':<44} raw {raw_single * 1e3:9.2f} ms    gateway {our_single * 1e3:9.2f} ms")
    _line("64 concurrent singles vs raw batch-32 (texts/s)", 32 / raw_batch, 64 / our_conc, "/s", 0.85)


def _nli_model(config: LocalConfig) -> tuple[str, str]:
    wanted = os.environ.get("RATATOSKR_BENCH_NLI_MODEL", "cross-encoder/nli-deberta-v3-small")
    source = resolve(wanted, config)
    if source is not None:
        try:
            locate(source, config)
            return wanted, "real model"
        except Exception:
            pass
    return str(TINY_NLI), "tiny test fixture (runs take microseconds: this ratio measures per-request overhead)"


def _raw_nli(directory: Path, onnx: Path) -> Callable[[list[tuple[str, str]]], np.ndarray]:
    import onnxruntime as ort
    from tokenizers import Tokenizer

    session = ort.InferenceSession(str(onnx), providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(find_tokenizer(directory)))
    tokenizer.enable_truncation(max_length=512 if "fixture" not in str(directory) else 64)
    tokenizer.enable_padding(pad_id=0)
    names = [i.name for i in session.get_inputs()]

    def run(pairs: list[tuple[str, str]]) -> np.ndarray:
        enc = tokenizer.encode_batch(pairs)
        feed = {
            "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64),
        }
        return session.run(None, {n: feed[n] for n in names})[0]

    return run


async def bench_nli(gateway: EmbeddedGateway, config: LocalConfig) -> None:
    model, kind = _nli_model(config)
    source = resolve(model, config)
    assert source is not None
    files = locate(source, config)
    raw = _raw_nli(files.directory, files.onnx)
    for _ in range(3):
        raw(PAIRS)
        await _fan_out(lambda i: gateway.infer_nli(*PAIRS[i % 32], model), 64)
    raw_batch, our_conc = await _paired(lambda: raw(PAIRS),
                                        lambda: _fan_out(lambda i: gateway.infer_nli(*PAIRS[i % 32], model), 64), 40)
    raw_batch2, our_batch = await _paired(lambda: raw(PAIRS), lambda: gateway.infer_nli_batch(PAIRS, model), 40)
    print(f"NLI: {model} -- {kind}")
    _line("64 concurrent infer_nli vs raw batch-32 (pairs/s)", 32 / raw_batch, 64 / our_conc, "/s", 0.85)
    _line("infer_nli_batch(32) vs raw batch-32 (pairs/s)", 32 / raw_batch2, 32 / our_batch, "/s", 0.85)


async def main() -> None:
    config = LocalConfig(download=False)
    provider = LocalProvider(config)
    gateway = EmbeddedGateway.builder().provider(provider).build()
    await bench_embeddings(gateway)
    await bench_nli(gateway, config)
    batcher = provider._batchers.get(f"embed:{BUNDLED_ID}")
    if batcher is not None:
        sizes = batcher[1].batch_sizes[-20:]
        print(f"recent micro-batch sizes (embed): {sizes}")
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory (max RSS of this process, both sides): {peak_kb / 1024:.0f} MB")


if __name__ == "__main__":
    print(f"python {sys.version.split()[0]}")
    anyio.run(main)
