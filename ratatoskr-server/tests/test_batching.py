"""Micro-batching: concurrent embedding/NLI requests for one model become few provider calls, results go to the
right caller, a lone request takes its own road, and one caller's bad input never fails another's request."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

import pytest
from ratatoskr import errors as E
from ratatoskr.types import Embedding, NliResult
from ratatoskr_server.batching import MicroBatcher


class Recorder:
    """A gateway whose batch calls take a moment and are recorded; the text 'bad' is refused."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, int]] = []

    async def embed(self, text: str, model: str) -> Embedding:
        self.calls.append(("embed", 1))
        if text == "bad":
            raise E.InvalidInput("bad text")
        return Embedding([float(len(text))], model, "rec")

    async def embed_batch(self, texts: Sequence[str], model: str) -> list[Embedding]:
        self.calls.append(("embed_batch", len(texts)))
        await asyncio.sleep(0.01)
        if "bad" in texts:
            raise E.InvalidInput("bad text in the batch")
        return [Embedding([float(len(t))], model, "rec") for t in texts]

    async def infer_nli_batch(self, pairs: Sequence[tuple[str, str]], model: str) -> list[NliResult]:
        self.calls.append(("nli_batch", len(pairs)))
        await asyncio.sleep(0.01)
        return [NliResult.from_scores(len(p) / 10, len(h) / 10, 0.0, model=model) for p, h in pairs]

    async def infer_nli(self, premise: str, hypothesis: str, model: str) -> NliResult:
        return (await self.infer_nli_batch([(premise, hypothesis)], model))[0]


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # the batcher lives in ratd's asyncio loop


async def test_concurrent_requests_are_merged_and_answered_in_order() -> None:
    gateway = Recorder()
    batcher = MicroBatcher(gateway, max_items=64)  # type: ignore[arg-type]
    texts = [f"t{'x' * i}" for i in range(40)]
    results = await asyncio.gather(*(batcher.embed(t, "m") for t in texts))
    assert [r.values[0] for r in results] == [float(len(t)) for t in texts]
    assert len(gateway.calls) <= 2 and sum(n for _, n in gateway.calls) == 40  # 40 requests, 1 or 2 provider calls
    await batcher.embed("alone", "m")
    assert gateway.calls[-1] == ("embed", 1)  # a lone request takes its own road
    batches = await asyncio.gather(*(batcher.embed_batch([t, t + "y"], "m") for t in texts[:10]))
    assert [len(b) for b in batches] == [2] * 10 and batches[3][1].values[0] == float(len(texts[3]) + 1)
    pairs = await asyncio.gather(*(batcher.infer_nli("a" * i, "b", "m") for i in range(1, 9)))
    assert [round(r.entailment * 10) for r in pairs] == list(range(1, 9))


async def test_one_bad_input_fails_only_its_own_request() -> None:
    gateway = Recorder()
    batcher = MicroBatcher(gateway)  # type: ignore[arg-type]
    outcomes = await asyncio.gather(
        *(batcher.embed(t, "m") for t in ["a", "bb", "bad", "cccc"]), return_exceptions=True
    )
    assert [o.values[0] if isinstance(o, Embedding) else type(o) for o in outcomes] == [1.0, 2.0, E.InvalidInput, 4.0]


async def test_a_caller_that_leaves_does_not_break_the_lane() -> None:
    gateway = Recorder()
    batcher = MicroBatcher(gateway)  # type: ignore[arg-type]
    first = asyncio.ensure_future(batcher.embed_batch(["a"], "m"))
    waiting = asyncio.ensure_future(batcher.embed_batch(["b"], "m"))
    await asyncio.sleep(0)
    waiting.cancel()
    assert (await first)[0].values == (1.0,)
    assert (await batcher.embed("zz", "m")).values == (2.0,)


async def test_daemon_merges_clients(daemon: Any) -> None:
    from ratatoskr_server import ServiceClient

    async with ServiceClient(daemon.address) as client:
        results = await asyncio.gather(*(client.embed(f"text {i}", "demo:m") for i in range(32)))
    assert len({r.values for r in results}) == 32 and all(r.provider == "demo" for r in results)
