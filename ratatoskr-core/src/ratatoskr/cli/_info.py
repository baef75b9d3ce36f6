"""Introspection commands: ``plugins``, ``models``, ``status``, ``metadata`` and ``presets``."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Any

from cyclopts import Parameter

from ratatoskr.cli._options import JsonFlag
from ratatoskr.cli.context import Ctx

if TYPE_CHECKING:
    from ratatoskr.protocol import ModelGateway
    from ratatoskr.types import ModelInfo, ModelMetadata, ModelStatus, ParameterAvailability, PresetResolution

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


def models(*, as_json: JsonFlag = False, ctx: Ctx) -> int:
    """List the models the configured providers serve."""
    from ratatoskr.cli._output import print_json, print_table

    async def run(gateway: ModelGateway) -> list[ModelInfo]:
        return await gateway.list_models()

    found = ctx.call(run)
    if as_json:
        print_json(found)
        return 0
    print_table(
        ("model", "provider", "capabilities", "context"),
        ((m.id, m.provider, ", ".join(c.value for c in m.capabilities) or None, m.context_window) for m in found),
        empty="no models available",
    )
    return 0


def status(model: str, /, *, as_json: JsonFlag = False, ctx: Ctx) -> int:
    """Whether a model can be used now.

    Parameters
    ----------
    model
        The model (or preset) to ask about.
    """
    from ratatoskr.cli._output import print_json

    async def run(gateway: ModelGateway) -> ModelStatus:
        return await gateway.model_status(model)

    result = ctx.call(run)
    if as_json:
        print_json({"model": model, "status": result, "provider": result.provider})
        return 0
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
        ("capabilities", ", ".join(c.value.lower() for c in info.capabilities) or None),
        ("context window", info.context_window),
        ("max output", meta.max_output_tokens),
        ("dimensions", info.dimensions),
        ("input cost", _cost(meta.pricing.prompt_cost_per_mtok) if meta.pricing else None),
        ("output cost", _cost(meta.pricing.completion_cost_per_mtok) if meta.pricing else None),
    ]
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
