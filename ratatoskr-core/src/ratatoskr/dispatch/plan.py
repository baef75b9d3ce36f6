"""The plan of a request: which providers a model string reaches, and why the others will not serve it.

:func:`build_plan` is the one place that reads a model string against the providers: ``provider:model`` pins one
provider (no fallback; pinning a provider that is installed but not enabled, or that could not be built, raises
the reason at once); any other colon (``llama3:latest``) is part of the model name. Dispatch walks the plan's
candidates; ``ratatoskr status`` shows the same plan. Providers that are declined before any call (the model is not
in their ``models``, they are installed but not enabled, they could not be built) are recorded as
:class:`~ratatoskr.errors.ProviderAttempt` entries, so an exhausted chain can say why each provider did not answer.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from attrs import frozen

from ratatoskr.errors import ConfigurationError, InvalidInput, ModelNotAvailable, ProviderAttempt, RatatoskrError
from ratatoskr.providers import Capability, Provider

__all__ = ["PIN_ALIASES", "Plan", "build_plan"]

#: Pin prefixes that name a provider by another name: ``hf:`` is the ``huggingface`` provider (the extra is
#: ``ratatoskr[hf]``), so ``hf:cross-encoder/nli-deberta-v3-small`` pins it instead of reaching a provider as the
#: model name ``hf:cross-encoder/...``.
PIN_ALIASES: Mapping[str, str] = {"hf": "huggingface"}

#: A prefix that could be meant as a provider name: ``openai``, ``my-plugin``; not ``hf.co/x`` or ``a b``.
_PROVIDER_LIKE = re.compile(r"[A-Za-z][A-Za-z0-9_-]*")


@frozen
class Plan:
    """The providers to try, in order, each with the model name it receives; and the ones declined up front.

    ``note`` explains an empty plan that the providers cannot (``nosuch:model`` names no installed provider).
    ``pinned`` is the provider a ``name:model`` string pinned, if any.
    """

    capability: Capability
    #: The model string as asked for (``openai:gpt-4o``); candidates get the name without the pin.
    model: str
    candidates: tuple[tuple[Provider, str], ...]
    declined: tuple[ProviderAttempt, ...] = ()
    note: str = ""
    pinned: str | None = None


def _not_enabled(name: str) -> ConfigurationError:
    return ConfigurationError(
        f"provider {name!r} is installed but not enabled; enable it with a [providers.{name}] table in the config "
        f"(and its key, if it needs one), or remove `enabled = false` there"
    )


def build_plan(
    capability: Capability,
    model: str,
    *,
    chain: tuple[Provider, ...],
    by_name: Mapping[str, Mapping[Capability, Provider]],
    known: Mapping[str, frozenset[Capability]],
    unusable: Mapping[str, RatatoskrError],
) -> Plan:
    """The plan for ``model`` on ``capability``.

    :param chain: the fallback chain (explicit-only providers such as the demo are not in it).
    :param by_name: every usable provider by name and capability, the explicit-only ones included.
    :param known: installed provider plugins (enabled or not) and the capabilities their hooks register.
    :param unusable: providers that failed to build (missing key, bad table), with the reason.
    """
    prefix, sep, rest = model.partition(":")
    if sep and prefix in PIN_ALIASES and prefix not in by_name and prefix not in known:
        prefix = PIN_ALIASES[prefix]
        if prefix not in by_name:
            raise InvalidInput(
                f"model {model!r} pins the {prefix} provider, which is not installed or not enabled "
                f"(pip install 'ratatoskr[hf]', then a [providers.{prefix}] table in the config)"
            )
    if sep and (prefix in by_name or prefix in unusable or prefix in known):
        if not rest:
            raise InvalidInput(f"model {model!r} names provider {prefix!r} but no model")
        if prefix in by_name:
            provider = by_name[prefix].get(capability)
            if provider is None:
                raise InvalidInput(f"provider {prefix!r} has no {capability.value} capability")
            return Plan(capability, model, ((provider, rest),), pinned=prefix)
        raise unusable.get(prefix) or _not_enabled(prefix)

    candidates: list[tuple[Provider, str]] = []
    declined: list[ProviderAttempt] = []
    for provider in chain:
        served = provider.models
        if served is not None and model not in served:
            declined.append(
                ProviderAttempt(provider.name, ModelNotAvailable(model, provider=provider.name), declined=True)
            )
        else:
            candidates.append((provider, model))
    for name, reason in unusable.items():
        if capability in known.get(name, frozenset(Capability)):
            declined.append(ProviderAttempt(name, reason, declined=True))
    notes: list[str] = []
    if not candidates:
        disabled = sorted(
            n for n, caps in known.items() if capability in caps and n not in by_name and n not in unusable
        )
        if disabled:
            notes.append(f"installed but not enabled: {', '.join(disabled)} (enable one with a [providers.NAME] table)")
    if sep and rest and _PROVIDER_LIKE.fullmatch(prefix):
        installed = sorted({*by_name, *unusable, *known})
        notes.append(f"no installed provider is named {prefix!r} (installed: {', '.join(installed) or 'none'})")
    return Plan(capability, model, tuple(candidates), tuple(declined), "; ".join(notes))
