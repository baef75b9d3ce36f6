"""Prices from the model registry: the cost of each result, and each provider's price for a model.

A provider's price for a model is the pricing of the registry entry ``provider:model`` (a price for that provider
alone, e.g. ``ratatoskr registry model add groq:llama-3.3-70b --provider groq --prompt-cost ...``), else that of the
entry ``model``. The gateway fills ``usage.cost`` of every chat and generate result, and of the usage in streams
(:class:`~ratatoskr.types.UsageEvent`, :class:`~ratatoskr.types.GenerateDone`), when it finds a price; cost routing
(``[routing] strategy = "cost"``) and :meth:`Pricing.providers_by_cost` use the same prices.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

import attrs
from attrs import frozen

from ratatoskr.types import Cost, GenerateDone, ModelMetadata, PricingInfo, Usage, UsageEvent

__all__ = ["Pricing", "ProviderCost", "providers_by_cost", "usage_cost"]

T = TypeVar("T")
_PER = 1_000_000


def usage_cost(usage: Usage, pricing: PricingInfo) -> Cost | None:
    """The cost of ``usage`` at ``pricing``, or None when its prompt or completion price is unknown.

    Cached prompt tokens take the cached price and reasoning tokens the reasoning price when those are given
    (``prompt_tokens`` counts the cached ones, ``completion_tokens`` the reasoning ones)."""
    if pricing.prompt_cost_per_mtok is None or pricing.completion_cost_per_mtok is None:
        return None
    cached_tokens = min(usage.cached_tokens or 0, usage.prompt_tokens)
    cached: float | None = None
    if pricing.cached_cost_per_mtok is not None and cached_tokens:
        cached = cached_tokens * pricing.cached_cost_per_mtok / _PER
        prompt = (usage.prompt_tokens - cached_tokens) * pricing.prompt_cost_per_mtok / _PER + cached
    else:
        prompt = usage.prompt_tokens * pricing.prompt_cost_per_mtok / _PER
    reasoning_tokens = min(usage.reasoning_tokens or 0, usage.completion_tokens)
    reasoning: float | None = None
    if pricing.reasoning_cost_per_mtok is not None and reasoning_tokens:
        reasoning = reasoning_tokens * pricing.reasoning_cost_per_mtok / _PER
        completion = (usage.completion_tokens - reasoning_tokens) * pricing.completion_cost_per_mtok / _PER
        completion += reasoning
    else:
        completion = usage.completion_tokens * pricing.completion_cost_per_mtok / _PER
    return Cost(total=prompt + completion, prompt=prompt, completion=completion, cached=cached, reasoning=reasoning)


@frozen
class ProviderCost:
    """One provider's price for a model (USD per million tokens; None when the registry does not know it)."""

    provider: str
    prompt_cost_per_mtok: float | None = None
    completion_cost_per_mtok: float | None = None

    @property
    def combined(self) -> float:
        """Prompt plus completion price; infinite when either is unknown (sorts last)."""
        return PricingInfo(self.prompt_cost_per_mtok, self.completion_cost_per_mtok).combined


def providers_by_cost(
    providers: Iterable[Any], model: str, price: Callable[[str, str], PricingInfo | None] | None
) -> list[ProviderCost]:
    """``providers`` (objects with a ``name``) with ``price(name, model)``, cheapest first, unknown prices last."""
    found = []
    for provider in providers:
        pricing = (price(provider.name, model) if price is not None else None) or PricingInfo()
        found.append(ProviderCost(provider.name, pricing.prompt_cost_per_mtok, pricing.completion_cost_per_mtok))
    return sorted(found, key=lambda c: c.combined)


class Pricing:
    """Looks prices up in the model registry (through ``lookup``: model id → metadata)."""

    def __init__(self, lookup: Callable[[str], ModelMetadata | None]) -> None:
        self.lookup = lookup

    def price(self, provider: str, model: str) -> PricingInfo | None:
        """What ``provider`` charges for ``model``: the entry ``provider:model``, else ``model``; None if unknown."""
        for name in (f"{provider}:{model}", model):
            meta = self.lookup(name)
            if meta is not None and meta.pricing is not None and meta.pricing.known:
                return meta.pricing
        return None

    def providers_by_cost(self, providers: Iterable[Any], model: str) -> list[ProviderCost]:
        """The providers (objects with a ``name``) with their price for ``model``, cheapest first; providers whose
        price is unknown come last, in their given order. The original's ``providers_by_cost``, per provider."""
        return providers_by_cost(providers, model, self.price)

    def cost(self, usage: Usage, provider: str | None, *models: str | None) -> Cost | None:
        """The cost of ``usage`` at the first price found for one of ``models`` (the name asked for, then the
        name the provider answered with)."""
        for model in models:
            if not model:
                continue
            if provider and model.startswith(f"{provider}:"):  # a pinned model: provider:model
                model = model[len(provider) + 1 :]
            pricing = self.price(provider, model) if provider else self._plain(model)
            if pricing is not None:
                return usage_cost(usage, pricing)
        return None

    def _plain(self, model: str) -> PricingInfo | None:
        meta = self.lookup(model)
        return meta.pricing if meta is not None and meta.pricing is not None and meta.pricing.known else None

    def result(self, result: T, requested: str) -> T:
        """A chat or generate result with ``usage.cost`` filled in when a price is known."""
        usage: Usage | None = getattr(result, "usage", None)
        if usage is None or usage.cost is not None:
            return result
        cost = self.cost(usage, getattr(result, "provider", None), requested, getattr(result, "model", None))
        return result if cost is None else attrs.evolve(result, usage=attrs.evolve(usage, cost=cost))  # type: ignore[misc]

    def event(self, event: T, provider: str, requested: str, served: str | None = None) -> T:
        """A stream event with its usage priced (usage events and a generate stream's done event)."""
        if isinstance(event, UsageEvent) and event.usage.cost is None:
            cost = self.cost(event.usage, provider, requested, served)
            return event if cost is None else UsageEvent(attrs.evolve(event.usage, cost=cost))  # type: ignore[return-value]
        if isinstance(event, GenerateDone) and event.usage is not None and event.usage.cost is None:
            cost = self.cost(event.usage, provider, requested, event.model or served)
            return event if cost is None else attrs.evolve(event, usage=attrs.evolve(event.usage, cost=cost))
        return event
