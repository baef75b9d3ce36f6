"""Parameters a model accepts, and how strictly the gateway checks them."""

from __future__ import annotations

import enum
from typing import Any

from attrs import frozen

__all__ = [
    "ParameterAvailability",
    "ParameterName",
    "ParameterProblem",
    "ParameterRange",
    "ParameterValidationPolicy",
]


class ParameterName(str):
    """A parameter name: a plain ``str`` (it serialises as a flat snake_case string and works as a JSON map key,
    like the original registry format). Parsing never fails: a name that is not an option field of
    :class:`~ratatoskr.types.ChatOptions` is a custom name (``is_custom``)."""

    __slots__ = ()

    @property
    def is_custom(self) -> bool:
        """True unless the name is a ChatOptions parameter (``temperature``, ``cache_prompt``, ...)."""
        from ratatoskr.types.chat import CHAT_PARAMETERS

        return self not in CHAT_PARAMETERS


@frozen
class ParameterProblem:
    """A value of an option a provider takes but not with this value (out of its range, or not together with
    another option): what a provider's ``parameter_problems`` declares for a request
    (:class:`~ratatoskr.providers.ConstrainsParameters`). The validation stage applies the policy: ``warn`` sends
    ``replacement`` instead (``None``: the option is dropped) with a warning giving ``reason``; ``error`` raises
    :class:`~ratatoskr.errors.UnsupportedParameter` (the next provider is tried); ``ignore`` sends the value."""

    parameter: str
    reason: str
    replacement: Any = None


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
