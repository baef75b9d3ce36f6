"""Parameter validation, the one stage that decides what happens to an option a provider does not take.

Providers declare what they take (:class:`~ratatoskr.providers.DeclaresParameters`, per model where it varies:
:class:`~ratatoskr.providers.DeclaresModelParameters`) and the values they cannot take of those
(:class:`~ratatoskr.providers.ConstrainsParameters`: Anthropic's temperature above 1, a forced tool_choice with
extended thinking, a reasoning token budget to an OpenAI-compatible server); codecs only encode what they are given.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Sequence
from typing import Any, TypeVar, cast

import attrs

from ratatoskr.errors import UnsupportedParameter
from ratatoskr.providers import ConstrainsParameters, Provider
from ratatoskr.types import GenerateOptions, ParameterProblem, ParameterValidationPolicy, SamplingOptions

__all__ = ["OptionsT", "UnsupportedParameterWarning", "check_parameters", "supported_parameters"]

OptionsT = TypeVar("OptionsT", bound=SamplingOptions)


class UnsupportedParameterWarning(UserWarning):
    """A request option was dropped because the provider does not take it (policy ``warn``)."""


def supported_parameters(provider: Provider, options: SamplingOptions) -> frozenset[str] | None:
    """The options ``provider`` declares for this request's model (and capability); ``None`` when it does not say."""
    # getattr rather than isinstance against the runtime_checkable protocols (DeclaresModelParameters,
    # DeclaresGenerateParameters, DeclaresParameters): this runs on every chat and generate call, and a protocol
    # isinstance check is slow (it looks up every member by name, through the ABC machinery). Same answers.
    parameters_for = getattr(provider, "parameters_for", None)
    if parameters_for is not None:
        return cast("frozenset[str] | None", parameters_for(options.model))
    if isinstance(options, GenerateOptions) and hasattr(provider, "generate_parameters"):
        return cast("frozenset[str] | None", provider.generate_parameters)
    return cast("frozenset[str] | None", getattr(provider, "supported_parameters", None))


def check_parameters(
    options: OptionsT,
    provider: Provider,
    policy: ParameterValidationPolicy,
    refused: frozenset[str] = frozenset(),
) -> OptionsT:
    """Return the options to send to ``provider``.

    An option is unsupported when the provider's declared parameters leave it out, or when the provider
    refused it for this model before (``refused``, from parameter discovery); a value is unsupported when the
    provider declares a problem with it (``parameter_problems``). ``warn``: drop each unsupported option (send a
    problem's replacement) with a warning naming it; ``error``: raise UnsupportedParameter (the dispatcher then tries
    the next provider); ``ignore``: send everything.
    """
    if policy is ParameterValidationPolicy.IGNORE:
        return options
    supported = supported_parameters(provider, options)
    if supported is not None or refused:
        rejected = [
            name
            for name in options.set_parameters()
            if name in refused or (supported is not None and name not in supported)
        ]
        if rejected:
            if policy is ParameterValidationPolicy.ERROR:
                raise UnsupportedParameter(rejected[0], model=options.model, provider=provider.name)
            for name in rejected:
                warnings.warn(
                    f"provider {provider.name} does not take '{name}' for model {options.model!r}; it was not sent",
                    UnsupportedParameterWarning,
                    stacklevel=4,
                )
            dropped: dict[str, Any] = dict.fromkeys(rejected)
            options = attrs.evolve(options, **dropped)
    if not _constrains(type(provider)):
        return options
    problems = cast(ConstrainsParameters, provider).parameter_problems(options)
    return _apply(problems, options, provider, policy) if problems else options


@functools.cache
def _constrains(cls: type) -> bool:
    """Whether providers of ``cls`` declare value problems: the protocol check once per class (it is a method),
    not on every call (a runtime protocol check looks up every member through the ABC machinery)."""
    return issubclass(cls, ConstrainsParameters)


def _apply(
    problems: Sequence[ParameterProblem], options: OptionsT, provider: Provider, policy: ParameterValidationPolicy
) -> OptionsT:
    if policy is ParameterValidationPolicy.ERROR:
        first = problems[0]
        raise UnsupportedParameter(first.parameter, model=options.model, provider=provider.name, reason=first.reason)
    for problem in problems:
        sent = "it was not sent" if problem.replacement is None else f"sent {problem.replacement!r} instead"
        warnings.warn(
            f"provider {provider.name} does not take this '{problem.parameter}' for model {options.model!r} "
            f"({problem.reason}); {sent}",
            UnsupportedParameterWarning,
            stacklevel=5,
        )
    return attrs.evolve(options, **{p.parameter: p.replacement for p in problems})
