"""Parameter validation, the one stage that decides what happens to an option a provider does not take.

Providers declare what they take (:class:`~ratatoskr.providers.DeclaresParameters`, per model where it varies:
:class:`~ratatoskr.providers.DeclaresModelParameters`) and the values they cannot take of those
(:class:`~ratatoskr.providers.ConstrainsParameters`: Anthropic's temperature above 1, a forced tool_choice with
extended thinking, a reasoning token budget to an OpenAI-compatible server); codecs only encode what they are given.
"""

from __future__ import annotations

import functools
import warnings
from collections.abc import Callable, Sequence
from typing import Any, TypeVar, cast

import attrs

from ratatoskr.errors import UnsupportedParameter
from ratatoskr.providers import (
    ConstrainsParameters,
    DeclaresGenerateParameters,
    DeclaresModelParameters,
    DeclaresParameters,
    Provider,
)
from ratatoskr.types import GenerateOptions, ParameterProblem, ParameterValidationPolicy, SamplingOptions

__all__ = [
    "Declared",
    "OptionsT",
    "UnsupportedParameterWarning",
    "check_parameters",
    "declared_parameters",
    "supported_parameters",
]

OptionsT = TypeVar("OptionsT", bound=SamplingOptions)


class UnsupportedParameterWarning(UserWarning):
    """A request option was dropped because the provider does not take it (policy ``warn``)."""


#: Reads the options a provider declares for one request's options (``None``: it does not say).
Declared = Callable[[SamplingOptions], "frozenset[str] | None"]


def declared_parameters(provider: Provider) -> Declared:
    """How ``provider`` declares the options it takes, decided once per provider: the dispatcher keeps one for each
    provider it holds, since a runtime protocol check (it looks up every member through the ABC machinery) is too
    slow for every call. The declaration itself is read on each call, so a provider may change it."""
    if isinstance(provider, DeclaresModelParameters):
        per_model = provider
        return lambda options: per_model.parameters_for(options.model)
    chat: Declared = _no_declaration
    if isinstance(provider, DeclaresParameters):
        declares = provider
        chat = lambda _options: declares.supported_parameters  # noqa: E731
    if isinstance(provider, DeclaresGenerateParameters):
        generate = provider
        return lambda options: generate.generate_parameters if isinstance(options, GenerateOptions) else chat(options)
    return chat


def _no_declaration(_options: SamplingOptions) -> frozenset[str] | None:
    return None


def supported_parameters(provider: Provider, options: SamplingOptions) -> frozenset[str] | None:
    """The options ``provider`` declares for this request's model (and capability); ``None`` when it does not say."""
    return declared_parameters(provider)(options)


def check_parameters(
    options: OptionsT,
    provider: Provider,
    policy: ParameterValidationPolicy,
    refused: frozenset[str] = frozenset(),
    declared: Declared | None = None,
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
    supported = (declared or declared_parameters(provider))(options)
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
