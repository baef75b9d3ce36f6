"""Rate-limit headers are untrusted input: whatever they say, the wait is absent or something sleepable."""

from __future__ import annotations

import math

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ratatoskr.dispatch.retry import RetryPolicy, _wait
from ratatoskr.errors import RateLimited
from ratatoskr.wire._retry_after import MAX_RETRY_AFTER, parse_retry_after, sanitise_wait

NOW = 1_700_000_000.0
HEADERS = [
    "retry-after", "retry-after-ms", "x-ratelimit-reset", "x-ratelimit-reset-requests", "x-ratelimit-reset-tokens",
    "x-ratelimit-remaining-requests", "anthropic-ratelimit-requests-reset", "anthropic-ratelimit-tokens-reset",
    "anthropic-ratelimit-requests-remaining",
]  # fmt: skip
NASTY = ["NaN", "nan", "inf", "-inf", "Infinity", "-5", "-0.5", "1e12", "1e300", "9" * 400, "1_000", "+3", " ", "",
         "soon", "0x10", "1e-300", "Wed, 21 Oct 2015 07:28:00 GMT", "Fri, 31 Dec 9999 23:59:59 GMT",
         "0001-01-01T00:00:00", "9999-12-31T23:59:59Z", "6m0s", "-6m", "1h1h", "99999999999999h"]  # fmt: skip
#: Slow shared CI machines: no per-example deadline, no "generation is slow" failure.
relaxed = settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
values = st.one_of(st.sampled_from(NASTY), st.text(max_size=40), st.floats().map(repr), st.integers().map(str))


def _sleepable(wait: float | None) -> bool:
    return wait is None or (math.isfinite(wait) and 0.0 <= wait <= MAX_RETRY_AFTER)


@relaxed
@given(st.dictionaries(st.sampled_from(HEADERS), values, max_size=4), st.floats(0, 4e9))
def test_any_header_values_give_no_wait_or_a_sleepable_one(headers: dict[str, str], now: float) -> None:
    assert _sleepable(parse_retry_after(headers, now=now))


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("NaN", None), ("inf", None), ("-inf", None), ("-5", None), ("1e12", None), ("1_000", None), ("+3", None),
        ("soon", None), ("", None), ("3", 3.0), ("0.5", 0.5), ("9" * 400, MAX_RETRY_AFTER),
        ("99999999999", MAX_RETRY_AFTER),  # epoch seconds far in the future
        ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0), ("Fri, 31 Dec 9999 23:59:59 GMT", MAX_RETRY_AFTER),
    ],
)  # fmt: skip
def test_retry_after_values(value: str, expected: float | None) -> None:
    assert parse_retry_after({"retry-after": value}, now=NOW) == expected


@pytest.mark.parametrize(("value", "expected"), [("nan", None), ("-20", None), ("250", 0.25), ("1e9", None)])
def test_retry_after_ms_values(value: str, expected: float | None) -> None:
    assert parse_retry_after({"retry-after-ms": value}, now=NOW) == expected


@relaxed
@given(st.one_of(st.none(), st.floats()))
def test_sanitise_wait(wait: float | None) -> None:
    got = sanitise_wait(wait)
    assert _sleepable(got)
    assert (got is None) == (wait is None or math.isnan(wait))


@relaxed
@given(st.one_of(st.none(), st.floats()), st.floats(0, 60), st.floats(0, 600))
def test_the_retry_loop_only_sleeps_finite_non_negative_delays(retry_after: float | None, computed: float,
                                                               cap: float) -> None:  # fmt: skip
    delay = _wait(retry_after, computed, cap)
    assert math.isfinite(delay)
    assert 0.0 <= delay <= max(cap, computed)
    if retry_after is not None and not math.isnan(retry_after):
        assert delay <= cap


@pytest.mark.parametrize("retry_after", [math.nan, math.inf, -math.inf, -1.0, 1e308])
async def test_a_provider_error_with_any_retry_after_is_retried_promptly(retry_after: float) -> None:
    """A plugin may build a RateLimited from any header; the loop still sleeps a sane delay."""
    policy = RetryPolicy(max_attempts=2, initial_delay=0.001, max_delay=0.001, jitter=False, max_retry_after=0.01)
    calls = 0

    async def call() -> str:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RateLimited("slow down", retry_after=retry_after)
        return "ok"

    assert await policy.call(call) == "ok"
    assert calls == 2
