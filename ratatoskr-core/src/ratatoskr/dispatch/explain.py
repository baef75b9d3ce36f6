"""Introspection over the chains: which provider would serve a model (``ratatoskr status``) and every model the
providers list (``ratatoskr models``), without failing as a whole when one provider cannot answer.

:func:`explain` walks the same :class:`~ratatoskr.dispatch.plan.Plan` a real call would, asking each candidate
whether it can serve the model now (``model_status``) instead of calling it.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable

import attrs
from attrs import frozen

from ratatoskr.dispatch.dispatcher import Dispatcher, typed_error
from ratatoskr.errors import ModelNotAvailable, ProviderAttempt, RatatoskrError
from ratatoskr.providers import CHAIN_CAPABILITIES, Capability, ListsModels, Provider, ReportsModelStatus
from ratatoskr.types import ModelInfo, ModelStatus, ModelStatusKind

__all__ = ["ChainReport", "ProviderWarning", "explain", "list_models"]

#: The capabilities ``status`` reports on when none is named (metadata is not a way to use a model).
STATUS_CAPABILITIES = tuple(c for c in CHAIN_CAPABILITIES if c is not Capability.METADATA)


class ProviderWarning(UserWarning):
    """A provider could not answer an introspection request (``models``); the others' answers are kept."""


@frozen
class ChainReport:
    """What the chain of ``capability`` would do with ``model``: the provider that would serve it (``status``
    says how it reported the model) and, in chain order, why the providers before it (or all) would not."""

    capability: Capability
    model: str
    status: ModelStatus | None
    attempts: tuple[ProviderAttempt, ...] = ()
    note: str = ""

    @property
    def served(self) -> bool:
        return self.status is not None

    def error(self, dispatcher: Dispatcher) -> RatatoskrError:
        """The error a real call would end with when nothing would serve the model."""
        return dispatcher.exhausted(dispatcher.plan(self.capability, self.model), self.attempts)


async def _status(provider: Provider, model: str) -> ModelStatus:
    if not isinstance(provider, ReportsModelStatus):
        return ModelStatus(ModelStatusKind.AVAILABLE, "would be tried (it cannot tell before a call)", provider.name)
    status = await provider.model_status(model)
    return status if status.provider is not None else attrs.evolve(status, provider=provider.name)


async def explain(dispatcher: Dispatcher, capability: Capability, model: str) -> ChainReport:
    """Walk the chain for ``model`` as a call would, asking each candidate for its status instead of calling it."""
    plan = dispatcher.plan(capability, model)
    attempts = list(plan.declined)
    for provider, name in plan.candidates:
        try:
            status = await _status(provider, name)
        except Exception as exc:  # typed: an unreachable provider is one line of the report, not a crash
            error = typed_error(exc, provider.name)
            attempts.append(ProviderAttempt(provider.name, error, declined=isinstance(error, ModelNotAvailable)))
            continue
        if status.kind is ModelStatusKind.UNAVAILABLE:
            reason = ModelNotAvailable(name, provider=provider.name, reason=status.reason or "")
            attempts.append(ProviderAttempt(provider.name, reason, declined=True))
            continue
        return ChainReport(capability, model, status, tuple(attempts), plan.note)
    order = {p.name: i for i, p in enumerate(dispatcher.chain(capability))}
    attempts.sort(key=lambda a: order.get(a.provider, len(order)))
    return ChainReport(capability, model, None, tuple(attempts), plan.note)


async def list_models(providers: Iterable[Provider]) -> list[ModelInfo]:
    """Every model the providers list, sorted by provider and id; a provider that cannot answer (unreachable,
    misconfigured) is reported with a :class:`ProviderWarning` and left out."""
    found: dict[tuple[str, str], ModelInfo] = {}
    for provider in providers:
        if not isinstance(provider, ListsModels):
            continue
        try:
            listed = await provider.list_models()
        except Exception as exc:
            error = typed_error(exc, provider.name)
            warnings.warn(f"{provider.name}: cannot list models: {error}", ProviderWarning, stacklevel=2)
            continue
        for info in listed:
            found.setdefault((info.provider, info.id), info)
    return [found[k] for k in sorted(found)]
