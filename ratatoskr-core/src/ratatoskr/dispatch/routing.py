"""Routing config (preferred providers and an ordering strategy per capability) and per-provider latency (EWMA).

A chain starts in priority order, then the preferred providers of ``[routing]`` move to the front. A strategy then
orders it per request, by the model asked for: ``"cost"`` by the provider's price for that model in the model
registry (unknown prices last; equal prices by latency), ``"latency"`` by the measured EWMA latency. A provider not
measured yet counts as the fastest, so it gets measured. Providers a strategy cannot tell apart keep their order.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from ratatoskr.errors import ConfigurationError
from ratatoskr.providers import CHAIN_CAPABILITIES, Capability

if TYPE_CHECKING:
    from ratatoskr.types import PricingInfo

__all__ = ["LatencyTracker", "RoutingConfig", "RoutingStrategy"]

P = TypeVar("P")


class RoutingStrategy(enum.StrEnum):
    """How a chain is ordered for each request (``[routing] strategy``)."""

    #: Provider priority, then the preferred providers first (the default).
    PRIORITY = "priority"
    #: Cheapest provider for the model first (model registry prices); equal prices by latency.
    COST = "cost"
    #: Fastest provider first (EWMA of measured latency).
    LATENCY = "latency"


class RoutingConfig:
    """``[routing]``: ``chat = "anthropic"`` or ``embed = ["local", "huggingface"]`` puts the named providers first,
    in that order, keeping the relative order of the others. ``strategy = "cost"`` (or a table per capability,
    ``strategy = {chat = "cost", embed = "latency"}``) orders each request's chain (see the module docstring)."""

    def __init__(
        self,
        preferred: Mapping[Capability, Sequence[str]] | None = None,
        strategy: RoutingStrategy | str | Mapping[Capability, RoutingStrategy | str] | None = None,
    ) -> None:
        self.preferred: dict[Capability, tuple[str, ...]] = {k: tuple(v) for k, v in (preferred or {}).items()}
        if strategy is None or isinstance(strategy, str):
            every = RoutingStrategy(strategy or RoutingStrategy.PRIORITY)
            self.strategy: dict[Capability, RoutingStrategy] = dict.fromkeys(CHAIN_CAPABILITIES, every)
        else:
            self.strategy = dict.fromkeys(CHAIN_CAPABILITIES, RoutingStrategy.PRIORITY)
            self.strategy.update({Capability(k): RoutingStrategy(v) for k, v in strategy.items()})

    @classmethod
    def from_config(cls, table: Mapping[str, Any]) -> RoutingConfig:
        preferred: dict[Capability, tuple[str, ...]] = {}
        strategy: Any = None
        for key, value in table.items():
            if key == "strategy":
                strategy = _strategy_config(value)
                continue
            cap = _chain_capability(key)
            if cap is None:
                names = ", ".join(c.value for c in CHAIN_CAPABILITIES)
                raise ConfigurationError(f"[routing] key {key!r} is not a capability ({names}) or strategy") from None
            names_ = [value] if isinstance(value, str) else value
            if not isinstance(names_, list | tuple) or not all(isinstance(n, str) for n in names_):
                raise ConfigurationError(f"routing.{key} must be a provider name or a list of names")
            preferred[cap] = tuple(names_)
        return cls(preferred, strategy)

    def order(self, capability: Capability, providers: Sequence[P], name_of: Any) -> list[P]:
        wanted = self.preferred.get(capability, ())
        if not wanted:
            return list(providers)
        rank = {name: i for i, name in enumerate(wanted)}
        first = sorted((p for p in providers if name_of(p) in rank), key=lambda p: rank[name_of(p)])
        return first + [p for p in providers if name_of(p) not in rank]

    def arrange(
        self,
        capability: Capability,
        providers: Sequence[P],
        model: str,
        *,
        name_of: Callable[[P], str],
        price: Callable[[str, str], PricingInfo | None] | None = None,
        latency: Callable[[str], float | None] | None = None,
    ) -> list[P]:
        """``providers`` (already in priority + preference order) ordered for a request for ``model``."""
        strategy = self.strategy[capability]
        if strategy is RoutingStrategy.PRIORITY or len(providers) < 2:
            return list(providers)

        def speed(provider: P) -> float:
            seconds = latency(name_of(provider)) if latency is not None else None
            return 0.0 if seconds is None else seconds

        if strategy is RoutingStrategy.LATENCY:
            return sorted(providers, key=speed)  # stable: ties keep their order

        def cost(provider: P) -> float:
            found = price(name_of(provider), model) if price is not None else None
            return math.inf if found is None else found.combined

        return sorted(providers, key=lambda p: (cost(p), speed(p)))


def _chain_capability(key: str) -> Capability | None:
    """``key`` as a capability with a fallback chain (``chat``, ``embed``, ...), or None."""
    try:
        cap = Capability(key)
    except ValueError:
        return None
    return cap if cap in CHAIN_CAPABILITIES else None


def _strategy_key(key: str) -> Capability:
    cap = _chain_capability(key)
    if cap is None:
        raise ValueError(f"{key!r} is not a capability")
    return cap


def _strategy_config(value: Any) -> RoutingStrategy | dict[Capability, RoutingStrategy]:
    known = ", ".join(s.value for s in RoutingStrategy)
    try:
        if isinstance(value, str):
            return RoutingStrategy(value)
        if isinstance(value, Mapping):
            return {_strategy_key(k): RoutingStrategy(v) for k, v in value.items()}
    except ValueError as exc:
        raise ConfigurationError(f"routing.strategy: {exc} (strategies: {known}; keys: capabilities)") from None
    raise ConfigurationError(f"routing.strategy must be one of {known}, or a table of them per capability")


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
