"""Retry with exponential backoff and full jitter, on anyio (so it works under asyncio and trio).

backoff's decorators call ``asyncio.sleep``; we use only its wait generators and sleep with ``anyio.sleep``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from typing import Any, TypeVar

import anyio
import backoff
from attrs import field, frozen

from ratatoskr.errors import ConfigurationError, RatatoskrError

__all__ = ["RetryPolicy"]

T = TypeVar("T")


def _positive(instance: Any, attribute: Any, value: float) -> None:
    if value < 0 if attribute.name != "max_attempts" else value < 1:
        raise ConfigurationError(f"retry.{attribute.name} must be positive, got {value!r}")


@frozen(kw_only=True)
class RetryPolicy:
    """How many times a transient error is retried on the same provider before the chain moves on.

    ``max_attempts`` counts the first call. A provider's ``retry_after`` (e.g. from ``Retry-After``) replaces the
    computed delay, capped at ``max_retry_after`` so a hostile header cannot park a request for hours.
    """

    max_attempts: int = field(default=3, validator=_positive)
    initial_delay: float = field(default=0.5, validator=_positive)
    max_delay: float = field(default=30.0, validator=_positive)
    jitter: bool = True
    max_retry_after: float = field(default=120.0, validator=_positive)

    @classmethod
    def disabled(cls) -> RetryPolicy:
        return cls(max_attempts=1)

    @classmethod
    def from_config(cls, table: dict[str, Any]) -> RetryPolicy:
        known = {"max_attempts", "initial_delay", "max_delay", "jitter", "max_retry_after"}
        unknown = set(table) - known
        if unknown:
            raise ConfigurationError(f"unknown [retry] keys: {', '.join(sorted(unknown))}")
        return cls(**table)

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
                delay = next(delays)
                if exc.retry_after is not None:
                    delay = min(exc.retry_after, self.max_retry_after)
                if on_retry is not None:
                    on_retry(exc, attempt, delay)
                attempt += 1
                await anyio.sleep(delay)
