"""Introspection commands: ``plugins``, ``models``, ``status``, ``metadata`` and ``presets``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from cyclopts import Parameter

from ratatoskr.cli.context import CliContext, Ctx
from ratatoskr.cli.options import JsonFlag

if TYPE_CHECKING:
    from ratatoskr.dispatch.explain import ChainReport
    from ratatoskr.errors import AllProvidersFailed, ProviderAttempt
    from ratatoskr.metadata.registry import ModelRegistry
    from ratatoskr.protocol import ModelGateway
    from ratatoskr.types.capability import Capability
    from ratatoskr.types.model import ModelInfo, ModelMetadata, ModelStatus
    from ratatoskr.types.parameter import ParameterAvailability
    from ratatoskr.types.preset import PresetResolution

__all__ = ["metadata", "models", "plugins", "presets", "status"]


def plugins(*, as_json: JsonFlag = False, ctx: Ctx) -> int:
    """List the installed plugins and what they provide."""
    import sys
    import warnings

    import attrs

    from ratatoskr.cli._output import print_json, print_table
    from ratatoskr.errors import ConfigurationError
    from ratatoskr.plugins import ProviderNotUsableWarning

    found, problem = ctx.plugins.plugins(), None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ProviderNotUsableWarning)  # listed below instead
            unusable = ctx.plugins.build(ctx.settings()).unusable
    except ConfigurationError as exc:  # the list still helps to find the mistake
        unusable, problem = {}, exc
    found = [attrs.evolve(p, not_usable=str(unusable[p.name])) if p.name in unusable else p for p in found]
    if as_json:
        print_json(found)
    else:
        print_table(
            ("name", "distribution", "version", "capabilities"),
            ((p.name, p.distribution, p.version, ", ".join(p.capabilities) or "—") for p in found),
            empty="no plugins loaded",
        )
        for name, error in sorted(unusable.items()):
            print(f"not usable: {name}: {error}")
    if problem is not None:
        sys.stderr.write(f"error: {problem}\n")
        return 2
    return 0


CapabilityOption = Annotated[
    str | None,
    Parameter(
        name=["--capability", "-C"],
        help="Only this capability (chat, generate, embed, nli, classify, stance, tokenize; for models also "
        "tool-use, chat-streaming, local-inference).",
    ),
]

#: The columns of ``models``: header and how to show a model's value (add a column here, nowhere else).
MODEL_COLUMNS: tuple[tuple[str, Callable[[ModelInfo], object]], ...] = (
    ("model", lambda m: m.id),
    ("provider", lambda m: m.provider),
    ("capabilities", lambda m: ", ".join(c.value for c in m.capabilities) or None),
    ("context", lambda m: m.context_window),
)


def model_capability(name: str) -> Capability:
    """A capability as typed on the command line (``embed``, ``tool-use``, ``TokenCounting``, ``tokenize``)."""
    from ratatoskr.types.capability import Capability

    return Capability.parse(name)


def models(
    *,
    capability: CapabilityOption = None,
    provider: Annotated[str | None, Parameter(help="Only models of this provider.")] = None,
    local: Annotated[bool, Parameter(negative="", help="Only models that run on this machine.")] = False,
    show_all: Annotated[bool, Parameter(name="--all", negative="")] = False,
    as_json: JsonFlag = False,
    ctx: Ctx,
) -> int:
    """List the models the configured providers serve, with context window and price (USD per million tokens,
    in / out) where the model registry has them.

    A provider that cannot answer (unreachable, misconfigured) is a warning line; the others are still listed.

    Parameters
    ----------
    capability
        Only models with this capability.
    show_all
        The whole model registry catalogue, each model marked usable now (and by which provider) or not, and why.
    """
    from ratatoskr.cli._catalogue import describe_price, filter_models, local_providers, with_registry_facts
    from ratatoskr.cli._output import print_table

    wanted = model_capability(capability) if capability is not None else None
    registry = _catalogue(ctx)
    if show_all:
        from ratatoskr.cli._catalogue import print_catalogue

        return print_catalogue(ctx, registry, wanted, provider=provider, local=local, as_json=as_json)

    async def run(gateway: ModelGateway) -> tuple[list[ModelInfo], frozenset[str]]:
        return await gateway.list_models(), local_providers(gateway)

    listed, on_this_machine = ctx.call(run)
    found = filter_models(
        with_registry_facts(listed, registry),
        capability=wanted,
        provider=provider,
        local=local,
        local_providers=on_this_machine,
    )
    if as_json:
        from ratatoskr.cli._output import print_json, to_json

        print_json([{**to_json(m), "price_per_mtok": _pricing(registry, m.id)} for m in found])
        return 0
    columns = (*MODEL_COLUMNS, ("price in/out", lambda m: describe_price(registry.get(m.id))))
    print_table(
        [header for header, _ in columns],
        ([show(m) for _, show in columns] for m in found),
        empty="no models available" if wanted is None else f"no models with capability {wanted.value}",
    )
    return 0


def _pricing(registry: ModelRegistry, model: str) -> Any:
    from ratatoskr.cli._output import to_json

    known = registry.get(model)
    return to_json(known.pricing) if known is not None and known.pricing is not None else None


def _catalogue(ctx: CliContext) -> ModelRegistry:
    """The model registry a gateway from this config reads: the seed and the cached registry file."""
    from ratatoskr.metadata.registry import ModelRegistry
    from ratatoskr.metadata.remote import registry_location

    registry = ModelRegistry.with_seed()
    registry.load_file(registry_location(ctx.settings())[1])
    return registry


def status(model: str, /, *, capability: CapabilityOption = None, as_json: JsonFlag = False, ctx: Ctx) -> int:
    """Whether a model can be used now: the provider a call would reach, and why the others would not.

    Exits 1 when no provider would serve the model.

    Parameters
    ----------
    model
        The model (or preset, or `provider:model`) to ask about.
    capability
        Only the chain of this capability (default: every capability with providers).
    """
    from ratatoskr.cli._output import print_json

    async def run(gateway: ModelGateway) -> list[ChainReport] | ModelStatus:
        from ratatoskr.gateway import EmbeddedGateway

        if isinstance(gateway, EmbeddedGateway):
            return await gateway.explain(model, capability)
        return await gateway.model_status(model)  # a daemon: its own first choice

    result = ctx.call(run)
    if not isinstance(result, list):
        return _print_status(model, result, as_json)
    served = [r for r in result if r.status is not None]
    if as_json:
        print_json([_report_json(r) for r in result])
        return 0 if served else 1
    if not served:
        raise _nothing_serves(model, result)
    for report in served:
        status = report.status
        assert status is not None
        line = f"{model}: {report.capability.value}: {status.kind.value} (provider: {status.provider})"
        print(line + (f": {status.reason}" if status.reason else ""))
        for attempt in report.attempts:
            print(f"  - {attempt}")
    return 0


def _report_json(report: ChainReport) -> dict[str, Any]:
    from ratatoskr.cli._output import to_json

    return {
        "capability": report.capability.value,
        "model": report.model,
        "served": report.status is not None,
        "status": to_json(report.status) if report.status is not None else None,
        "provider": report.status.provider if report.status is not None else None,
        "attempts": [
            {"provider": a.provider, "declined": a.declined, "error": a.kind, "message": a.message}
            for a in report.attempts
        ],
        "note": report.note or None,
    }


def _nothing_serves(model: str, reports: list[ChainReport]) -> AllProvidersFailed:
    """One error for every capability's report: each provider's reason once, and the notes."""
    from ratatoskr.errors import AllProvidersFailed

    seen: dict[str, ProviderAttempt] = {}
    for report in reports:
        for attempt in report.attempts:
            seen.setdefault(str(attempt), attempt)
    notes = list(dict.fromkeys(r.note for r in reports if r.note))
    caps = ", ".join(r.capability.value for r in reports)
    return AllProvidersFailed(
        caps, model, list(seen.values()), note="; ".join(notes), message=f"no provider would serve {model!r} ({caps})"
    )


def _print_status(model: str, result: ModelStatus, as_json: bool) -> int:
    from ratatoskr.cli._output import print_json

    if as_json:
        print_json({"model": model, "status": result, "provider": result.provider})
    else:
        line = f"{model}: {result.kind.value}"
        if result.provider:
            line += f" (provider: {result.provider})"
        if result.reason:
            line += f": {result.reason}"
        print(line)
    return 0 if result.is_usable or result.kind.value == "loading" else 1


def _describe_parameter(value: ParameterAvailability) -> str:
    if value.availability == "mutable":
        r = value.range
        bounds = [
            f"{k}={v:g}"
            for k, v in (("min", r and r.min), ("max", r and r.max), ("default", r and r.default))
            if v is not None
        ]
        return "mutable" + (f" ({', '.join(bounds)})" if bounds else "")
    if value.availability == "read_only":
        return f"read-only = {json.dumps(value.value)}"
    return value.availability


def _cost(value: float | None) -> str:
    return "—" if value is None else f"${value:g}/Mtok"


def _print_metadata(meta: ModelMetadata) -> None:
    info = meta.info
    rows: list[tuple[str, Any]] = [
        ("model", info.id),
        ("provider", info.provider),
        ("capabilities", ", ".join(c.value for c in info.capabilities) or None),
        ("context window", info.context_window),
        ("max output", meta.max_output_tokens),
        ("dimensions", info.dimensions),
        ("input cost", _cost(meta.pricing.prompt_cost_per_mtok) if meta.pricing else None),
        ("output cost", _cost(meta.pricing.completion_cost_per_mtok) if meta.pricing else None),
    ]
    if meta.pricing is not None:  # the cached and reasoning prices are shown only when the registry has them
        for label, price in (
            ("cached cost", meta.pricing.cached_cost_per_mtok),
            ("reasoning cost", meta.pricing.reasoning_cost_per_mtok),
        ):
            if price is not None:
                rows.append((label, _cost(price)))
    for name, value in rows:
        if name == "dimensions" and value is None:
            continue
        print(f"{name + ':':16}{'—' if value is None else value}")
    if meta.parameters:
        print("parameters:")
        for pname in sorted(meta.parameters):
            print(f"  {pname}: {_describe_parameter(meta.parameters[pname])}")


def metadata(
    model: str,
    /,
    *,
    fetch: Annotated[bool, Parameter(negative="")] = False,
    as_json: JsonFlag = False,
    ctx: Ctx,
) -> int:
    """Model metadata from the registry: context window, pricing, parameters.

    Parameters
    ----------
    model
        The model (or preset) to describe.
    fetch
        Ask the providers (network) instead of the local registry.
    """
    from ratatoskr.cli._output import print_json
    from ratatoskr.errors import ModelNotFound

    async def run(gateway: ModelGateway) -> ModelMetadata | None:
        if fetch:
            return await gateway.fetch_model_metadata(model)
        return await gateway.model_metadata(model)

    found = ctx.call(run)
    if found is None:
        raise ModelNotFound(model, detail="not in the model registry; try --fetch to ask the providers")
    if as_json:
        print_json(found)
    else:
        _print_metadata(found)
    return 0


def presets(
    preset: str | None = None,
    /,
    *,
    as_json: JsonFlag = False,
    ctx: Ctx,
) -> int:
    """List the presets, or resolve one to its model and default parameters.

    Parameters
    ----------
    preset
        A preset to resolve: `ratatoskr:<tier>/<capability>` or just `<tier>/<capability>`.
    """
    from ratatoskr.cli._output import print_json, print_table, to_json
    from ratatoskr.metadata.registry import PRESET_SCHEME, parse_preset_uri

    if preset is None:

        async def listing(gateway: ModelGateway) -> dict[str, frozenset[str]]:
            return dict(await gateway.list_presets())

        tiers = ctx.call(listing)
        if as_json:
            print_json({tier: sorted(caps) for tier, caps in tiers.items()})
            return 0
        print_table(("tier", "capabilities"), ((t, ", ".join(sorted(c))) for t, c in tiers.items()), empty="no presets")
        return 0

    uri = preset if preset.startswith(PRESET_SCHEME) else PRESET_SCHEME + preset
    tier, capability = parse_preset_uri(uri)

    async def resolve(gateway: ModelGateway) -> PresetResolution | None:
        return await gateway.resolve_preset(tier, capability)

    found = ctx.call(resolve)
    if found is None:
        from ratatoskr.errors import PresetNotFound

        raise PresetNotFound(tier, capability)
    if as_json:
        print_json({"preset": uri, **to_json(found)})
        return 0
    print(f"{uri} → {found.model}")
    for name, value in sorted((found.parameters.as_defaults() if found.parameters else {}).items()):
        print(f"  {name}: {json.dumps(to_json(value))}")
    return 0
