"""Micro-batching in the daemon: concurrent embedding and NLI requests for the same model, from any clients and
either API, are merged into one ``embed_batch``/``infer_nli_batch`` call.

No timer and no added latency: the first request of a model starts at once; requests that arrive while a batch of
that model is running wait and go together as the next batch (up to ``max_items``). So a lone client sees no
change, and under load a local ONNX model gets the large batches it is fast at, which is what makes the daemon
the place where throughput is best. If a merged batch fails, each request of it is retried on its own, so one
client's bad input never fails another client's request and every caller gets exactly the error it would get
alone.

asyncio only: this runs inside ratd's event loop, next to the gRPC server.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, TypeVar

from ratatoskr.protocol import ModelGateway
from ratatoskr.types import Embedding, NliResult

__all__ = ["MicroBatcher"]

BatchCall = Callable[[list[Any], str], Awaitable[list[Any]]]
Solo = Callable[[], Awaitable[list[Any]]]
Pending = tuple[list[Any], asyncio.Future[list[Any]], Solo]
# A lane holds one kind of request; _submit's type variables tie each caller's items and answers to its batch call.
_Item = TypeVar("_Item")
_Result = TypeVar("_Result")


class _Lane:
    __slots__ = ("pending", "running")

    def __init__(self) -> None:
        self.pending: deque[Pending] = deque()
        self.running = False


class MicroBatcher:
    """Merges concurrent batchable requests per (kind, model); see the module docstring."""

    def __init__(self, gateway: ModelGateway, *, max_items: int = 64) -> None:
        self.gateway = gateway
        self.max_items = max_items
        self._lanes: dict[tuple[str, str], _Lane] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self.batches = 0  # observable: how many provider calls the merged requests took
        self.requests = 0

    async def embed(self, text: str, model: str) -> Embedding:
        async def solo() -> list[Embedding]:
            return [await self.gateway.embed(text, model)]

        return (await self._submit("embed", model, [text], self.gateway.embed_batch, solo))[0]

    async def embed_batch(self, texts: Sequence[str], model: str) -> list[Embedding]:
        async def solo() -> list[Embedding]:
            return await self.gateway.embed_batch(texts, model)

        return await self._submit("embed", model, list(texts), self.gateway.embed_batch, solo)

    async def infer_nli(self, premise: str, hypothesis: str, model: str) -> NliResult:
        async def solo() -> list[NliResult]:
            return [await self.gateway.infer_nli(premise, hypothesis, model)]

        pair = [(premise, hypothesis)]
        return (await self._submit("nli", model, pair, self.gateway.infer_nli_batch, solo))[0]

    async def infer_nli_batch(self, pairs: Sequence[tuple[str, str]], model: str) -> list[NliResult]:
        async def solo() -> list[NliResult]:
            return await self.gateway.infer_nli_batch(pairs, model)

        return await self._submit("nli", model, list(pairs), self.gateway.infer_nli_batch, solo)

    async def _submit(
        self,
        kind: str,
        model: str,
        items: list[_Item],
        call: Callable[[list[_Item], str], Awaitable[list[_Result]]],
        solo: Callable[[], Awaitable[list[_Result]]],
    ) -> list[_Result]:
        self.requests += 1
        lane = self._lanes.get((kind, model))
        if lane is None:
            lane = self._lanes[(kind, model)] = _Lane()
        future: asyncio.Future[list[Any]] = asyncio.get_running_loop().create_future()
        lane.pending.append((items, future, solo))
        if not lane.running:
            lane.running = True
            task = asyncio.create_task(self._drain(lane, model, call))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        return await future

    async def _drain(self, lane: _Lane, model: str, call: BatchCall) -> None:
        try:
            while lane.pending:
                batch = [lane.pending.popleft()]
                size = len(batch[0][0])
                while lane.pending and size + len(lane.pending[0][0]) <= self.max_items:
                    size += len(lane.pending[0][0])
                    batch.append(lane.pending.popleft())
                batch = [entry for entry in batch if not entry[1].done()]  # callers that left
                if batch:
                    await self._run(batch, model, call)
        finally:
            lane.running = False

    async def _run(self, batch: list[Pending], model: str, call: BatchCall) -> None:
        """One request alone takes its own road (exactly what it would do without batching)."""
        self.batches += 1
        if len(batch) == 1:
            await _settle(batch[0][1], batch[0][2]())
            return
        merged = [item for items, _, _ in batch for item in items]
        try:
            results = await call(merged, model)
        except Exception:  # retried one by one below, so each caller gets its own answer or error
            await asyncio.gather(*(_settle(f, solo()) for _, f, solo in batch))
            return
        start = 0
        for items, future, _ in batch:
            if not future.done():
                future.set_result(results[start : start + len(items)])
            start += len(items)


async def _settle(future: asyncio.Future[list[Any]], result: Awaitable[list[Any]]) -> None:
    try:
        value = await result
    except Exception as exc:  # handed to the caller, who raises it in its own RPC
        if not future.done():
            future.set_exception(exc)
        return
    if not future.done():
        future.set_result(value)
