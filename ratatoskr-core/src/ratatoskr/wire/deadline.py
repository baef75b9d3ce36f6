"""A deadline that costs nothing unless the awaited step actually waits (a stream loop's hot path).

``await bounded(step, backend, deadline)`` runs ``step`` (one body read) as ``await step`` would, except that
while it waits it is inside a cancel scope ending at ``deadline``: a wait still going at the deadline is
cut, and :class:`Expired` is raised. A step that completes without waiting (a stream chunk already
received, as most are when a server writes faster than we read) enters no cancel scope at all; a cancel
scope per read cost as much as the rest of the gateway's work per event (``bench/bench_chat.py``). The
endpoint's stream loop bounds each body read with it, ratd each wait for a stream's next event.

``backend`` is anyio's backend class of the running loop (``anyio.lowlevel.current_token().backend_class``,
looked up once per stream: ``anyio.current_time()`` looks it up on every call).

How: a coroutine talks to its event loop (asyncio or trio alike) only through what it yields at a
suspension and what it is sent or thrown on resumption. This generator-based coroutine stands between the
two: it passes every suspension up unchanged, and enters a cancel scope just before a real wait (anything
but asyncio's bare reschedule, which never blocks) and exits it as soon as the wait ends, before the step
runs again. So the scope is always the innermost one while it is open, and scopes the step opens and closes
around its waits stay properly nested. When the scope's deadline cut the wait (asyncio: our own
cancellation, which the scope swallows; trio: the scope reports ``cancel_called`` on wake-up), the step is
unwound with :class:`_Cut` (a BaseException, as a cancellation would be, so that the step's cleanup, e.g.
httpcore closing its connection, runs and nothing maps it to another error), and :class:`Expired` raised.
Any other cancellation passes through to the step untouched, exactly as if the step were awaited directly.
"""

from __future__ import annotations

import math
import types
from collections.abc import Awaitable, Generator
from typing import Any, TypeVar

T = TypeVar("T")

__all__ = ["Expired", "bounded"]


class Expired(Exception):
    """The step was still waiting at its deadline (it was unwound)."""


class _Cut(BaseException):
    """Thrown into a step whose wait the deadline cut; it never leaves :func:`bounded`."""


@types.coroutine
def bounded(
    step: Awaitable[T], backend: Any, deadline: float | None = None, *, timeout: float | None = None
) -> Generator[Any, Any, T]:
    """Await ``step``; only while it waits is it bounded: by ``deadline`` (``backend``'s clock), or by ``timeout``
    seconds from when it first waits (a step that never waits does not even read the clock)."""
    it = step.__await__()
    value: Any = None
    error: BaseException | None = None
    cut = False
    while True:
        try:
            signal = it.send(value) if error is None else it.throw(error)
        except StopIteration as stop:
            result: T = stop.value
            return result
        except _Cut:
            raise Expired from None
        value = error = None
        if signal is None or cut:
            # A bare reschedule (asyncio's sleep(0)) never blocks; once cut, the step's unwinding runs unbounded.
            try:
                value = yield signal
            except GeneratorExit:
                it.close()
                raise
            except BaseException as exc:  # handed to the step, as the loop would have
                error = exc
            continue
        if deadline is None:
            deadline = backend.current_time() + (timeout if timeout is not None else math.inf)
        scope = backend.create_cancel_scope(deadline=deadline)
        scope.__enter__()
        try:
            value = yield signal
        except GeneratorExit:
            scope.__exit__(None, None, None)
            it.close()
            raise
        except BaseException as exc:  # the scope decides; the rest goes to the step
            if scope.__exit__(type(exc), exc, exc.__traceback__):
                cut, error = True, _Cut()  # our own deadline's cancellation, swallowed by the scope
            else:
                error = exc
            del exc
        else:
            scope.__exit__(None, None, None)
            if scope.cancel_called:
                # The deadline passed during the wait: trio sends the cancellation as the wake-up value,
                # which must not reach the step once the scope that owns it is gone.
                value, cut, error = None, True, _Cut()
