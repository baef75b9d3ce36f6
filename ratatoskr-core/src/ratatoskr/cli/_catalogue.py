"""What ``models`` adds from the model registry: context window and price, filters, and for ``models --all`` whether
each catalogue model is usable now with this configuration, and why not.

"Usable now" walks the same plan a real call would (:meth:`Dispatcher.plan`), with no network: a remote
provider that would be tried counts as usable (its key is set, its table is on) and is not asked online; a provider
that runs on this machine is asked (``model_status``: are the files there?), which is a local check.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import attrs

if TYPE_CHECKING:
    from ratatoskr.cli.context import CliContext
    from ratatoskr.metadata.registry import ModelRegistry
    from ratatoskr.protocol import ModelGateway
    from ratatoskr.types import Capability, ModelInfo, ModelMetadata

__all__ = [
    "Usability",
    "catalogue_row",
    "describe_price",
    "filter_models",
    "local_providers",
    "print_catalogue",
    "usability",
    "with_registry_facts",
]


def describe_price(metadata: ModelMetadata | None) -> str | None:
    """``$in / $out`` per million tokens, ``free``, or ``None`` when the registry has no price."""
    pricing = metadata.pricing if metadata is not None else None
    if pricing is None or pricing.prompt_cost_per_mtok is None or pricing.completion_cost_per_mtok is None:
        return None
    if pricing.prompt_cost_per_mtok == 0 and pricing.completion_cost_per_mtok == 0:
        return "free"
    return f"${pricing.prompt_cost_per_mtok:g} / ${pricing.completion_cost_per_mtok:g}"


def with_registry_facts(found: Iterable[ModelInfo], registry: ModelRegistry) -> list[ModelInfo]:
    """The models, their context window filled from the registry where the provider did not say."""
    out = []
    for info in found:
        known = registry.get(info.id)
        if info.context_window is None and known is not None and known.info.context_window is not None:
            info = attrs.evolve(info, context_window=known.info.context_window)
        out.append(info)
    return out


def filter_models(
    found: Iterable[ModelInfo],
    *,
    capability: Capability | None,
    provider: str | None,
    local: bool,
    local_providers: frozenset[str],
) -> list[ModelInfo]:
    """``--capability``, ``--provider`` and ``--local`` (served by a provider that runs on this machine)."""
    from ratatoskr.types import Capability

    def keep(info: ModelInfo) -> bool:
        if capability is not None and capability not in info.capabilities:
            return False
        if provider is not None and info.provider != provider:
            return False
        is_local = info.provider in local_providers or Capability.LOCAL_INFERENCE in info.capabilities
        return is_local or not local

    return [info for info in found if keep(info)]


def local_providers(gateway: ModelGateway) -> frozenset[str]:
    """The providers of this gateway that run inference on this machine."""
    from ratatoskr.providers import CHAIN_CAPABILITIES, RunsLocally

    dispatcher = getattr(gateway, "dispatcher", None)
    if dispatcher is None:  # a daemon: its providers are not ours to inspect
        return frozenset()
    found: set[str] = set()
    for cap in CHAIN_CAPABILITIES:
        for provider in dispatcher.chain(cap):
            name: str = provider.name
            if isinstance(provider, RunsLocally) and provider.local:
                found.add(name)
    return frozenset(found)


@attrs.frozen
class Usability:
    """Whether a catalogue model can be used now: the provider that would serve it, or why none would."""

    model: str
    capability: str | None
    provider: str | None
    reason: str

    @property
    def usable(self) -> bool:
        return self.provider is not None


def _capability(info: ModelInfo) -> Capability | None:
    """The model's first capability that has a fallback chain (a provider serves it)."""
    from ratatoskr.providers import CHAIN_CAPABILITIES

    return next((cap for cap in info.capabilities if cap in CHAIN_CAPABILITIES), None)


async def usability(gateway: ModelGateway, entry: ModelMetadata) -> Usability:
    """Walk the plan for ``entry``'s main capability as a call would (see the module docstring)."""
    from ratatoskr.providers import ReportsModelStatus, RunsLocally
    from ratatoskr.types import ModelStatusKind

    info = entry.info
    cap = _capability(info)
    dispatcher = getattr(gateway, "dispatcher", None)
    if cap is None:
        return Usability(info.id, None, None, "the registry lists no capability a provider serves")
    if dispatcher is None:
        return Usability(info.id, cap.value, None, f"ask the daemon: ratatoskr status {info.id}")
    plan = dispatcher.plan(cap, info.id)
    reasons = [f"{a.provider}: {a.message}" for a in plan.declined]
    for provider, name in plan.candidates:
        who: str = provider.name
        if isinstance(provider, RunsLocally) and provider.local and isinstance(provider, ReportsModelStatus):
            status = await provider.model_status(name)
            if status.kind is ModelStatusKind.UNAVAILABLE:
                reasons.append(f"{who}: {status.reason or 'not available'}")
                continue
            return Usability(info.id, cap.value, who, status.reason or "on this machine")
        return Usability(info.id, cap.value, who, "would be served (remote: not asked online)")
    why = "; ".join(reasons) or plan.note or f"no installed provider serves {cap.value}"
    return Usability(info.id, cap.value, None, why)


def catalogue_row(entry: ModelMetadata, use: Usability) -> dict[str, Any]:
    """One ``models --all --json`` entry."""
    from ratatoskr.cli._output import to_json

    return {
        **to_json(entry.info),
        "price_per_mtok": to_json(entry.pricing) if entry.pricing is not None else None,
        "usable": use.usable,
        "served_by": use.provider,
        "reason": use.reason,
    }


def print_catalogue(
    ctx: CliContext,
    registry: ModelRegistry,
    wanted: Capability | None,
    *,
    provider: str | None,
    local: bool,
    as_json: bool,
) -> int:
    """``models --all``: the registry's catalogue, each model usable now or not (see the module docstring)."""
    from ratatoskr.cli._output import print_json, print_table
    from ratatoskr.types import Capability

    entries = [e for e in registry.list() if wanted is None or wanted in e.info.capabilities]

    async def run(gateway: ModelGateway) -> tuple[list[Usability], frozenset[str]]:
        return [await usability(gateway, entry) for entry in entries], local_providers(gateway)

    uses, on_this_machine = ctx.call(run)
    rows = []
    for entry, use in zip(entries, uses, strict=True):
        if provider is not None and provider not in (entry.info.provider, use.provider):
            continue
        is_local = use.provider in on_this_machine or Capability.LOCAL_INFERENCE in entry.info.capabilities
        if local and not is_local:
            continue
        rows.append((entry, use))
    if as_json:
        print_json([catalogue_row(entry, use) for entry, use in rows])
        return 0
    print_table(
        ("model", "capabilities", "context", "price in/out", "usable", "why"),
        (
            (
                e.info.id,
                ", ".join(c.value for c in e.info.capabilities) or None,
                e.info.context_window,
                describe_price(e),
                f"yes ({u.provider})" if u.usable else "no",
                u.reason,
            )
            for e, u in rows
        ),
        empty="no models in the registry" if wanted is None else f"no models with capability {wanted.value}",
    )
    return 0
