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

from collections import deque
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

import anyio
import anyio.lowlevel

__all__ = ["MicroBatcher"]

I = TypeVar("I")  # noqa: E741
O = TypeVar("O")  # noqa: E741


class _Slot(Generic[I, O]):
    """One request. A plain slotted class: it is created per request, on the event loop."""

    __slots__ = ("cancelled", "error", "finished", "item", "promoted", "result", "wake")

    def __init__(self, item: I) -> None:
        self.item = item
        #: Set by whoever finishes or promotes this slot; only followers wait on it (a lone leader never does).
        self.wake: anyio.Event | None = None
        self.result: O | None = None
        self.error: BaseException | None = None
        self.finished = False
        self.promoted = False
        self.cancelled = False

    def finish(self, result: O | None, error: BaseException | None = None) -> None:
        self.result, self.error, self.finished = result, error, True
        if self.wake is not None:
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
        #: Sizes of the latest batches run (a short history for tests and the benchmark).
        self.batch_sizes: deque[int] = deque(maxlen=100)

    async def submit(self, item: I) -> O:
        slot: _Slot[I, O] = _Slot(item)
        self._pending.append(slot)
        if not self._leading:
            self._leading = True
            slot.promoted = True
        else:
            slot.wake = anyio.Event()
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
        try:  # a free slot is taken without yielding to the event loop once more (the common, idle case)
            self._limiter.acquire_nowait()
        except anyio.WouldBlock:
            await self._limiter.acquire()
        try:
            live = self._take()
            if not live:
                return
            try:
                outputs = await anyio.to_thread.run_sync(self._run, [s.item for s in live])
            except Exception as exc:  # every caller of the batch gets the error; nothing is swallowed
                for s in live:
                    s.finish(None, exc)
                return
        finally:
            self._limiter.release()
        for s, out in zip(live, outputs, strict=True):
            s.finish(out)

    def _take(self) -> list[_Slot[I, O]]:
        """The next batch's live slots; leadership of the rest passes to the oldest remaining one."""
        batch = self._pending[: self.max_size]
        del self._pending[: self.max_size]
        if self._pending:
            heir = self._pending[0]
            heir.promoted = True
            if heir.wake is not None:  # always so: only a leader's own slot has no event
                heir.wake.set()  # wakes it as the next leader: woken, but not finished
        else:
            self._leading = False
        live = [s for s in batch if not s.cancelled]
        if live:
            self.batch_sizes.append(len(live))
        return live
