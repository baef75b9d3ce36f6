"""Micro-batching: concurrent single requests for one model are coalesced into one ONNX run.

anyio primitives only (works under asyncio and trio), and no background task: the first caller that finds
no collector becomes the *leader*. The leader

1. lets concurrently started requests join: it yields to the event loop while new items keep arriving,
   for at most ``max_wait`` seconds or until ``max_size`` items are waiting (a lone request is not delayed);
2. waits for a free run slot (the capacity limiter) -- requests arriving meanwhile join the batch, so under
   load batches fill up by themselves;
3. takes up to ``max_size`` items, hands leadership of any remaining ones to the oldest of them, runs the
   batch in a worker thread and gives every caller its own result, in order.

A cancelled follower is simply left out (or its result dropped); the leader's work is shielded from
cancellation, so cancelling the leader's caller never breaks the batch for the others (it sees its
cancellation once the batch is done, which an ONNX run in a thread would impose anyway).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import anyio
import anyio.lowlevel
from attrs import define, field

__all__ = ["MicroBatcher"]

I = TypeVar("I")  # noqa: E741
O = TypeVar("O")  # noqa: E741


@define(eq=False)
class _Slot(Generic[I, O]):
    item: I
    wake: anyio.Event = field(factory=anyio.Event)
    result: O | None = None
    error: BaseException | None = None
    finished: bool = False
    promoted: bool = False
    cancelled: bool = False

    def finish(self, result: O | None, error: BaseException | None = None) -> None:
        self.result, self.error, self.finished = result, error, True
        self.wake.set()


class MicroBatcher(Generic[I, O]):
    """Coalesces :meth:`submit` calls into calls of ``run(items) -> outputs`` (blocking, same length)."""

    def __init__(
        self,
        run: Callable[[Sequence[I]], Sequence[O]],
        *,
        limiter: anyio.CapacityLimiter,
        max_size: int,
        max_wait: float,
    ) -> None:
        self._run = run
        self._limiter = limiter
        self.max_size = max_size
        self.max_wait = max_wait
        self._pending: list[_Slot[I, O]] = []
        self._leading = False
        #: Sizes of the batches run so far (a short history for tests and the benchmark).
        self.batch_sizes: list[int] = []

    async def submit(self, item: I) -> O:
        slot: _Slot[I, O] = _Slot(item)
        self._pending.append(slot)
        if not self._leading:
            self._leading = True
            slot.promoted = True
        else:
            try:
                await slot.wake.wait()
            except BaseException:
                slot.cancelled = True
                if slot.promoted and not slot.finished:
                    with anyio.CancelScope(shield=True):
                        await self._lead()  # the others were counting on this slot to lead them
                elif slot in self._pending:
                    self._pending.remove(slot)
                raise
        if not slot.finished:  # promoted to leader
            with anyio.CancelScope(shield=True):
                await self._lead()
            await anyio.lowlevel.checkpoint_if_cancelled()  # a cancelled leader sees it now, the batch is done
        if slot.error is not None:
            raise slot.error
        return slot.result  # type: ignore[return-value]

    async def _lead(self) -> None:
        deadline = anyio.current_time() + self.max_wait
        seen = -1
        while len(self._pending) < self.max_size and len(self._pending) != seen:
            if anyio.current_time() >= deadline:
                break
            seen = len(self._pending)
            await anyio.lowlevel.checkpoint()
        async with self._limiter:
            batch = self._pending[: self.max_size]
            del self._pending[: self.max_size]
            if self._pending:
                heir = self._pending[0]
                heir.promoted = True
                heir.wake.set()  # wakes it as the next leader: woken, but not finished
            else:
                self._leading = False
            live = [s for s in batch if not s.cancelled]
            if not live:
                return
            self.batch_sizes = [*self.batch_sizes[-99:], len(live)]
            try:
                outputs = await anyio.to_thread.run_sync(self._run, [s.item for s in live])
            except Exception as exc:  # every caller of the batch gets the error; nothing is swallowed
                for s in live:
                    s.finish(None, exc)
                return
        for s, out in zip(live, outputs, strict=True):
            s.finish(out)
