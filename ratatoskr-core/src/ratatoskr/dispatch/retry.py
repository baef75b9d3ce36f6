"""Retry with exponential backoff and full jitter, on anyio (so it works under asyncio and trio).

backoff's decorators call ``asyncio.sleep``; we use only its wait generators and sleep with ``anyio.sleep``.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import anyio
import backoff
from attrs import frozen

from ratatoskr.config_schema import ConfigTable, at_least, read_table, setting
from ratatoskr.errors import RatatoskrError

__all__ = ["RetryPolicy"]

T = TypeVar("T")


@frozen(kw_only=True)
class RetryPolicy(ConfigTable):
    """How many times a transient error is retried on the same provider before the chain moves on.

    ``max_attempts`` counts the first call. A provider's ``retry_after`` (e.g. from ``Retry-After``) replaces the
    computed delay, capped at ``max_retry_after`` so a hostile header cannot park a request for hours.
    """

    max_attempts: int = setting(
        3, doc="Calls per provider for a transient error, the first included.", validator=at_least(1)
    )
    initial_delay: float = setting(0.5, doc="Seconds before the first retry, doubled each time.", validator=at_least(0))
    max_delay: float = setting(30.0, doc="Longest computed wait between retries, in seconds.", validator=at_least(0))
    jitter: bool = setting(True, doc="Full jitter: wait a random time up to the computed delay.")
    max_retry_after: float = setting(120.0, doc="Cap on a provider's `Retry-After`, in seconds.", validator=at_least(0))

    @classmethod
    def disabled(cls) -> RetryPolicy:
        return cls(max_attempts=1)

    @classmethod
    def from_config(cls, table: dict[str, Any]) -> RetryPolicy:
        """The ``[retry]`` table, checked by the one converter (:func:`ratatoskr.config_schema.read_table`)."""
        return read_table(cls, table, where="retry")

    def delays(self) -> Iterator[float]:
        """Delays between attempts: exponential from ``initial_delay``, capped, with full jitter if set."""
        waits = backoff.expo(base=2, factor=self.initial_delay, max_value=self.max_delay)
        next(waits)  # backoff's generators need priming (the first value is None)
        for delay in waits:
            yield backoff.full_jitter(delay) if self.jitter else delay

    async def call(
        self,
        fn: Callable[[], Awaitable[T]],
        on_retry: Callable[[RatatoskrError, int, float], None] | None = None,
    ) -> T:
        """Run ``fn``; retry transient errors up to ``max_attempts`` with backoff; re-raise the last one."""
        if self.max_attempts == 1:
            return await fn()
        delays = self.delays()
        attempt = 1
        while True:
            try:
                return await fn()
            except RatatoskrError as exc:
                if not exc.is_transient or attempt >= self.max_attempts:
                    raise
                delay = _wait(exc.retry_after, next(delays), self.max_retry_after)
                if on_retry is not None:
                    on_retry(exc, attempt, delay)
                attempt += 1
                await anyio.sleep(delay)


def _wait(retry_after: float | None, computed: float, cap: float) -> float:
    """The delay before the next attempt: the provider's ``retry_after`` when it gave a usable one, clamped to
    ``[0, cap]``, else the computed backoff. Whatever an error carries (a plugin may build one from any header),
    ``anyio.sleep`` gets a finite, non-negative number: NaN means "not said", infinity means "as long as allowed".
    """
    if retry_after is None or math.isnan(retry_after):
        return computed
    return min(max(retry_after, 0.0), cap)
