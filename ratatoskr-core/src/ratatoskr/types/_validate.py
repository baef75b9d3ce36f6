"""attrs validators that raise :class:`~ratatoskr.errors.InvalidInput` naming the field."""

from __future__ import annotations

from typing import Any

from ratatoskr.errors import InvalidInput


def in_range(low: float | None = None, high: float | None = None):  # type: ignore[no-untyped-def]
    """Optional numeric field within ``[low, high]``."""

    def check(instance: Any, attribute: Any, value: float | None) -> None:
        if value is None:
            return
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise InvalidInput(f"{attribute.name} must be a number, got {value!r}")
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"[{'-inf' if low is None else low}, {'inf' if high is None else high}]"
            raise InvalidInput(f"{attribute.name} must be in {bounds}, got {value!r}")

    return check


def non_empty_str(instance: Any, attribute: Any, value: str) -> None:
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput(f"{attribute.name} must be a non-empty string, got {value!r}")
