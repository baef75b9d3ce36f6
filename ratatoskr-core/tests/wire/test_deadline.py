"""``bounded``: a deadline that applies only while the awaited step waits, on asyncio and trio.

The step is anything awaitable; these use small coroutines that do what a body read does: return at once
(data already received), wait and return, wait past the deadline, wait inside their own cancel scope (as
httpcore's socket reads do), clean up when unwound.
"""

from __future__ import annotations

import math
from collections.abc import AsyncGenerator

import anyio
import pytest
from anyio.lowlevel import current_token
from ratatoskr.wire.deadline import Expired, bounded


def _backend() -> object:
    return current_token().backend_class


class _NoScopes:
    def create_cancel_scope(self, **_: object) -> None:
        raise AssertionError("a step that does not wait needs no cancel scope")


async def test_a_step_that_does_not_wait_enters_no_cancel_scope_and_returns_its_value() -> None:
    async def ready() -> str:
        return "chunk"

    assert await bounded(ready(), _NoScopes(), anyio.current_time() - 1) == "chunk"


async def test_a_step_that_waits_less_than_its_deadline_returns_its_value() -> None:
    async def slow() -> str:
        await anyio.sleep(0.01)
        await anyio.sleep(0.01)
        return "chunk"

    assert await bounded(slow(), _backend(), anyio.current_time() + 5) == "chunk"


async def test_a_wait_past_the_deadline_is_cut_and_the_step_unwound() -> None:
    cleaned: list[str] = []

    async def hung() -> str:
        try:
            await anyio.sleep_forever()
        finally:
            cleaned.append("closed")
        return "never"

    start = anyio.current_time()
    with pytest.raises(Expired):
        await bounded(hung(), _backend(), start + 0.1)
    assert 0.09 < anyio.current_time() - start < 3
    assert cleaned == ["closed"]


async def test_a_step_whose_cleanup_waits_is_unwound_to_the_end() -> None:
    cleaned: list[str] = []

    async def hung() -> None:
        try:
            await anyio.sleep_forever()
        finally:
            with anyio.CancelScope(shield=True):
                await anyio.sleep(0.01)  # a shielded close, as httpcore does
            cleaned.append("closed")

    with pytest.raises(Expired):
        await bounded(hung(), _backend(), anyio.current_time() + 0.05)
    assert cleaned == ["closed"]


async def test_the_step_keeps_its_own_cancel_scopes_nested() -> None:
    """httpcore reads inside its own ``fail_after``: our scope opens inside it and closes first."""

    async def read(seconds: float) -> str:
        with anyio.fail_after(seconds):
            await anyio.sleep(0.02)
            await anyio.sleep_forever()
        return "never"

    with pytest.raises(Expired):
        await bounded(read(10), _backend(), anyio.current_time() + 0.1)
    with pytest.raises(TimeoutError):  # the step's own, shorter deadline is its own business
        await bounded(read(0.05), _backend(), anyio.current_time() + 10)
    # and the task's scopes are intact: a scope opened now still works
    with anyio.move_on_after(0.01) as scope:
        await anyio.sleep_forever()
    assert scope.cancelled_caught


async def test_the_callers_cancellation_passes_through_and_unwinds_the_step() -> None:
    cleaned: list[str] = []

    async def hung() -> None:
        try:
            await anyio.sleep_forever()
        finally:
            cleaned.append("closed")

    with anyio.move_on_after(0.05) as outer:
        await bounded(hung(), _backend(), anyio.current_time() + 10)
    assert outer.cancelled_caught
    assert cleaned == ["closed"]


async def test_an_error_of_the_step_passes_through() -> None:
    async def broken() -> None:
        await anyio.sleep(0.01)
        raise ValueError("boom")

    with pytest.raises(ValueError, match="boom"):
        await bounded(broken(), _backend(), math.inf)


async def test_the_end_of_an_async_generator_passes_through() -> None:
    async def chunks() -> AsyncGenerator[bytes, None]:
        yield b"a"
        await anyio.sleep(0.01)
        yield b"b"

    source = chunks()
    deadline = anyio.current_time() + 5
    assert [await bounded(source.__anext__(), _backend(), deadline) for _ in range(2)] == [b"a", b"b"]
    with pytest.raises(StopAsyncIteration):
        await bounded(source.__anext__(), _backend(), deadline)


async def test_a_deadline_already_past_cuts_the_first_wait() -> None:
    async def waits() -> None:
        await anyio.sleep(1)

    start = anyio.current_time()
    with pytest.raises(Expired):
        await bounded(waits(), _backend(), start - 1)
    assert anyio.current_time() - start < 0.5


async def test_a_timeout_runs_from_when_the_step_first_waits() -> None:
    async def ready() -> str:
        return "chunk"

    async def hung() -> None:
        await anyio.sleep(0.01)
        await anyio.sleep_forever()

    assert await bounded(ready(), _NoScopes(), timeout=0.01) == "chunk"  # never waited: no clock, no scope
    start = anyio.current_time()
    with pytest.raises(Expired):
        await bounded(hung(), _backend(), timeout=0.1)  # one deadline for all its waits, not one per wait
    assert 0.09 < anyio.current_time() - start < 3
