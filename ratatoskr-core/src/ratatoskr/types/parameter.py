"""Parameters a model accepts, and how strictly the gateway checks them."""

from __future__ import annotations

import enum
from typing import Any

from attrs import frozen

__all__ = [
    "ParameterAvailability",
    "ParameterName",
    "ParameterRange",
    "ParameterValidationPolicy",
    "WELL_KNOWN_PARAMETERS",
]


class ParameterName(str):
    """A parameter name: one of the well-known names (``ParameterName.TEMPERATURE`` …) or any custom string.

    It is a ``str`` so that it serialises as a flat snake_case string and works as a JSON map key, like the
    original registry format; parsing never fails (unknown strings are custom names).
    """

    __slots__ = ()

    TEMPERATURE: ParameterName
    TOP_P: ParameterName
    TOP_K: ParameterName
    MAX_TOKENS: ParameterName
    FREQUENCY_PENALTY: ParameterName
    PRESENCE_PENALTY: ParameterName
    SEED: ParameterName
    STOP: ParameterName
    REASONING: ParameterName
    CACHE_PROMPT: ParameterName
    RESPONSE_FORMAT: ParameterName
    TOOL_CHOICE: ParameterName
    PARALLEL_TOOL_CALLS: ParameterName

    @property
    def is_custom(self) -> bool:
        return self not in WELL_KNOWN_PARAMETERS

    def __repr__(self) -> str:
        return f"ParameterName({str.__repr__(self)})"


WELL_KNOWN_PARAMETERS: frozenset[str] = frozenset(
    (
        "temperature",
        "top_p",
        "top_k",
        "max_tokens",
        "frequency_penalty",
        "presence_penalty",
        "seed",
        "stop",
        "reasoning",
        "cache_prompt",
        "response_format",
        "tool_choice",
        "parallel_tool_calls",
    )
)
for _name in WELL_KNOWN_PARAMETERS:
    setattr(ParameterName, _name.upper(), ParameterName(_name))


@frozen
class ParameterRange:
    """The bounds (and default) of a numeric parameter."""

    min: float | None = None
    max: float | None = None
    default: float | None = None

    def contains(self, value: float) -> bool:
        return (self.min is None or value >= self.min) and (self.max is None or value <= self.max)


@frozen
class ParameterAvailability:
    """How a model exposes a parameter: ``mutable`` (with a range), ``read_only`` (fixed value),
    ``opaque`` (accepted, semantics unknown) or ``unsupported``.

    JSON: ``{"availability": "mutable", "range": {...}}``, ``{"availability": "read_only", "value": ...}``.
    """

    availability: str = "opaque"
    range: ParameterRange | None = None
    value: Any = None

    @classmethod
    def mutable(cls, range: ParameterRange | None = None) -> ParameterAvailability:
        return cls("mutable", range or ParameterRange())

    @classmethod
    def read_only(cls, value: Any) -> ParameterAvailability:
        return cls("read_only", None, value)

    @classmethod
    def opaque(cls) -> ParameterAvailability:
        return cls("opaque")

    @classmethod
    def unsupported(cls) -> ParameterAvailability:
        return cls("unsupported")

    @property
    def is_supported(self) -> bool:
        return self.availability != "unsupported"


class ParameterValidationPolicy(enum.StrEnum):
    """What the gateway does with a parameter the provider or model does not take."""

    #: Log a warning and drop the parameter from this provider's request (default).
    WARN = "warn"
    #: Raise UnsupportedParameter, which moves the request to the next provider.
    ERROR = "error"
    #: Do not check.
    IGNORE = "ignore"
