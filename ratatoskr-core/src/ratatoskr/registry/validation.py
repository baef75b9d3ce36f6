"""Parameter validation: report options a provider does not take, per the validation policy."""

from __future__ import annotations

import warnings
from typing import Any, TypeVar

import attrs

from ratatoskr.errors import UnsupportedParameter
from ratatoskr.types import ParameterValidationPolicy

__all__ = ["UnsupportedParameterWarning", "check_parameters"]

OptionsT = TypeVar("OptionsT")


class UnsupportedParameterWarning(UserWarning):
    """A request option was dropped because the provider does not take it (policy ``warn``)."""


def check_parameters(
    options: OptionsT,
    provider: Any,
    policy: ParameterValidationPolicy,
    refused: frozenset[str] = frozenset(),
) -> OptionsT:
    """Return the options to send to ``provider``.

    An option is unsupported when the provider's ``supported_parameters`` leaves it out, or when the provider
    refused it for this model before (``refused``, from parameter discovery). ``warn``: drop each unsupported
    option with a warning naming it; ``error``: raise UnsupportedParameter (the registry then tries the next
    provider); ``ignore``: send everything.
    """
    supported = getattr(provider, "supported_parameters", None)
    if (supported is None and not refused) or policy is ParameterValidationPolicy.IGNORE:
        return options
    rejected = [
        name
        for name in options.set_parameters()  # type: ignore[attr-defined]
        if name in refused or (supported is not None and name not in supported)
    ]
    if not rejected:
        return options
    model = options.model  # type: ignore[attr-defined]
    if policy is ParameterValidationPolicy.ERROR:
        raise UnsupportedParameter(rejected[0], model=model, provider=provider.name)
    for name in rejected:
        warnings.warn(
            f"provider {provider.name} does not take '{name}' for model {model!r}; it was not sent",
            UnsupportedParameterWarning,
            stacklevel=4,
        )
    return attrs.evolve(options, **dict.fromkeys(rejected))  # type: ignore[misc]
