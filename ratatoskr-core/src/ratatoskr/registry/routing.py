"""Routing config (preferred provider per capability) and per-provider latency (EWMA)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

from ratatoskr.errors import ConfigurationError
from ratatoskr.providers import Capability

__all__ = ["LatencyTracker", "RoutingConfig"]

P = TypeVar("P")


class RoutingConfig:
    """``[routing]``: ``chat = "anthropic"`` or ``embed = ["local", "huggingface"]`` puts the named providers first,
    in that order, keeping the relative order of the others."""

    def __init__(self, preferred: Mapping[Capability, Sequence[str]] | None = None) -> None:
        self.preferred: dict[Capability, tuple[str, ...]] = {k: tuple(v) for k, v in (preferred or {}).items()}

    @classmethod
    def from_config(cls, table: Mapping[str, Any]) -> RoutingConfig:
        preferred: dict[Capability, tuple[str, ...]] = {}
        for key, value in table.items():
            try:
                cap = Capability(key)
            except ValueError:
                names = ", ".join(c.value for c in Capability)
                raise ConfigurationError(f"[routing] key {key!r} is not a capability ({names})") from None
            names_ = [value] if isinstance(value, str) else value
            if not isinstance(names_, list | tuple) or not all(isinstance(n, str) for n in names_):
                raise ConfigurationError(f"routing.{key} must be a provider name or a list of names")
            preferred[cap] = tuple(names_)
        return cls(preferred)

    def order(self, capability: Capability, providers: Sequence[P], name_of: Any) -> list[P]:
        wanted = self.preferred.get(capability, ())
        if not wanted:
            return list(providers)
        rank = {name: i for i, name in enumerate(wanted)}
        first = sorted((p for p in providers if name_of(p) in rank), key=lambda p: rank[name_of(p)])
        return first + [p for p in providers if name_of(p) not in rank]


class LatencyTracker:
    """Exponentially weighted moving average of call latency, in seconds (alpha 0.2; first sample as is)."""

    __slots__ = ("alpha", "average", "count")

    def __init__(self, alpha: float = 0.2) -> None:
        self.alpha = alpha
        self.average: float | None = None
        self.count = 0

    def observe(self, seconds: float) -> None:
        self.count += 1
        avg = self.average
        self.average = seconds if avg is None else avg + self.alpha * (seconds - avg)
