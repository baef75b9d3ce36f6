"""How long a provider asked us to wait, from whichever rate-limit header it sends.

Headers are untrusted input: whatever they say, the answer is ``None`` ("the response does not say": the
retry loop uses its own backoff) or a finite number of seconds in ``[0, MAX_RETRY_AFTER]``, something
``anyio.sleep`` can sleep on. ``NaN``, infinities, exponents, signs, underscores and text are unreadable
(``None``); a time in the past is 0; an absurd wait (a year, an epoch read as a delay) is clamped.
"""

from __future__ import annotations

import email.utils
import math
import re
import time
from collections.abc import Mapping
from datetime import datetime

__all__ = ["MAX_RETRY_AFTER", "parse_duration", "parse_retry_after", "sanitise_wait"]

#: The longest wait a header can ask for (seconds); the retry policy caps it further (``max_retry_after``).
MAX_RETRY_AFTER = 3600.0

# A plain decimal number: no sign, exponent, underscore, NaN or infinity (all of which float() accepts).
_NUMBER = re.compile(r"\d+(?:\.\d+)?|\.\d+")
# OpenAI's x-ratelimit-reset-* values: "1s", "6m0s", "20ms", "1h2m3.5s".
_DURATION_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")
_UNIT_SECONDS = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}


def sanitise_wait(wait: float | None) -> float | None:
    """A wait anyone may sleep on: ``None`` for ``None`` and NaN, else clamped to ``[0, MAX_RETRY_AFTER]``."""
    if wait is None or math.isnan(wait):
        return None
    return min(max(wait, 0.0), MAX_RETRY_AFTER)


def _number(value: str) -> float | None:
    return float(value) if _NUMBER.fullmatch(value) else None


def parse_duration(value: str) -> float | None:
    """``"6m0s"`` → 360.0; a bare number is seconds; ``None`` when unreadable."""
    value = value.strip()
    if (number := _number(value)) is not None:
        return number
    parts = _DURATION_PART.findall(value)
    if not parts or "".join(n + u for n, u in parts) != value:
        return None
    return sum(float(number) * _UNIT_SECONDS[unit] for number, unit in parts)


def _timestamp_or_delay(value: str, now: float) -> float | None:
    """An absolute time (epoch s or ms, RFC 3339, HTTP-date) or a delay, as seconds from now."""
    value = value.strip()
    seconds = parse_duration(value)
    if seconds is not None:
        if seconds > 1e12:  # epoch milliseconds (OpenRouter's X-RateLimit-Reset)
            return seconds / 1000 - now
        if seconds > 1e9:  # epoch seconds
            return seconds - now
        return seconds
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp() - now
    except (ValueError, OverflowError, OSError):
        pass
    try:
        return email.utils.parsedate_to_datetime(value).timestamp() - now
    except (TypeError, ValueError, IndexError, OverflowError, OSError):
        return None


def _exhausted_resets(headers: Mapping[str, str], prefix: str, kinds: tuple[str, ...], now: float) -> float | None:
    """The latest reset among the limits that are used up (all of them when none says ``remaining``)."""
    waits: list[float] = []
    exhausted: list[float] = []
    for kind in kinds:
        reset = (
            headers.get(f"{prefix}{kind}-reset")
            if prefix.startswith("anthropic")
            else headers.get(f"{prefix}reset-{kind}")
        )
        if reset is None:
            continue
        wait = _timestamp_or_delay(reset, now)
        if wait is None:
            continue
        waits.append(wait)
        remaining = (
            headers.get(f"{prefix}{kind}-remaining")
            if prefix.startswith("anthropic")
            else headers.get(f"{prefix}remaining-{kind}")
        )
        if remaining is not None and remaining.strip() in ("0", "0.0"):
            exhausted.append(wait)
    chosen = exhausted or waits
    return max(chosen) if chosen else None


def parse_retry_after(headers: Mapping[str, str], now: float | None = None) -> float | None:
    """Seconds to wait before retrying, or ``None`` when the response does not say.

    Reads, in order: ``retry-after-ms``; ``retry-after`` (seconds or an HTTP-date); OpenAI's
    ``x-ratelimit-reset-requests``/``-tokens`` (durations like ``6m0s``); Anthropic's
    ``anthropic-ratelimit-*-reset`` (RFC 3339); ``x-ratelimit-reset`` (epoch ms/s, as OpenRouter sends).
    Where several limits report a reset, the ones whose ``remaining`` is 0 decide. An unreadable value counts
    as absent; the result is finite, never negative, and at most :data:`MAX_RETRY_AFTER`.
    """
    now = time.time() if now is None else now
    lower = headers if hasattr(headers, "multi_items") else {k.lower(): v for k, v in headers.items()}
    wait: float | None = None
    if (ms := lower.get("retry-after-ms")) is not None and (number := _number(ms.strip())) is not None:
        wait = number / 1000
    if wait is None and (value := lower.get("retry-after")) is not None:
        wait = _timestamp_or_delay(value, now)
    if wait is None:
        wait = _exhausted_resets(lower, "x-ratelimit-", ("requests", "tokens"), now)
    if wait is None:
        wait = _exhausted_resets(
            lower, "anthropic-ratelimit-", ("requests", "tokens", "input-tokens", "output-tokens"), now
        )
    if wait is None and (value := lower.get("x-ratelimit-reset")) is not None:
        wait = _timestamp_or_delay(value, now)
    return sanitise_wait(wait)
