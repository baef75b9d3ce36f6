"""Model introspection types: info, status, metadata and pricing (capabilities: :mod:`ratatoskr.types.capability`)."""

from __future__ import annotations

import enum

import attrs
from attrs import field, frozen

from ratatoskr.types import _convert
from ratatoskr.types.capability import Capability
from ratatoskr.types.parameter import ParameterAvailability, ParameterName

__all__ = [
    "Cost",
    "ModelInfo",
    "ModelMetadata",
    "ModelStatus",
    "ModelStatusKind",
    "PricingInfo",
]


@frozen
class ModelInfo:
    """A model a provider serves: id, provider, capabilities, context window, embedding dimensions."""

    id: str
    provider: str
    capabilities: tuple[Capability, ...] = field(default=(), converter=_convert.capabilities)
    context_window: int | None = None
    dimensions: int | None = None


class ModelStatusKind(enum.StrEnum):
    """The states a model can be in."""

    AVAILABLE = "available"
    LOADING = "loading"
    READY = "ready"
    UNAVAILABLE = "unavailable"


@frozen
class ModelStatus:
    """``available`` (can be used, maybe after a load), ``loading``, ``ready`` (loaded) or ``unavailable``."""

    kind: ModelStatusKind = field(converter=ModelStatusKind)
    reason: str | None = None
    provider: str | None = None

    @property
    def is_usable(self) -> bool:
        return self.kind in (ModelStatusKind.AVAILABLE, ModelStatusKind.READY)


@frozen
class PricingInfo:
    """USD per one million tokens. The cached and reasoning prices, when given, apply to those parts of the prompt
    and completion tokens (cached prompt tokens, reasoning tokens); without them every token takes the main price."""

    prompt_cost_per_mtok: float | None = None
    completion_cost_per_mtok: float | None = None
    #: Prompt tokens read from the provider's prompt cache.
    cached_cost_per_mtok: float | None = None
    #: Reasoning (thinking) tokens, a part of the completion tokens.
    reasoning_cost_per_mtok: float | None = None

    @property
    def combined(self) -> float:
        """Prompt plus completion price: what cost routing sorts by (infinite when either is unknown)."""
        if self.prompt_cost_per_mtok is None or self.completion_cost_per_mtok is None:
            return float("inf")
        return self.prompt_cost_per_mtok + self.completion_cost_per_mtok

    @property
    def known(self) -> bool:
        """Both main prices are known, so a request's cost can be computed."""
        return self.prompt_cost_per_mtok is not None and self.completion_cost_per_mtok is not None


@frozen
class Cost:
    """What one request cost, in USD, from the registry's prices: ``total`` = ``prompt`` + ``completion``.

    ``cached`` is the part of ``prompt`` charged at the cached price, ``reasoning`` the part of ``completion``
    charged at the reasoning price; each is None when that price is not in the registry or no such tokens were used.
    """

    total: float
    prompt: float = 0.0
    completion: float = 0.0
    cached: float | None = None
    reasoning: float | None = None


@frozen
class ModelMetadata:
    """Curated or fetched facts about a model: info, parameters, pricing, maximum output tokens."""

    info: ModelInfo
    parameters: dict[ParameterName, ParameterAvailability] = field(factory=dict)
    pricing: PricingInfo | None = None
    max_output_tokens: int | None = None

    def merged_with(self, newer: ModelMetadata) -> ModelMetadata:
        """Registry merge: parameters override per key, scalars replace only when present, capabilities union."""
        caps = tuple(dict.fromkeys((*self.info.capabilities, *newer.info.capabilities)))
        info = attrs.evolve(
            self.info,
            provider=newer.info.provider or self.info.provider,
            capabilities=caps,
            context_window=newer.info.context_window or self.info.context_window,
            dimensions=newer.info.dimensions or self.info.dimensions,
        )
        return ModelMetadata(
            info=info,
            parameters={**self.parameters, **newer.parameters},
            pricing=newer.pricing or self.pricing,
            max_output_tokens=newer.max_output_tokens or self.max_output_tokens,
        )
