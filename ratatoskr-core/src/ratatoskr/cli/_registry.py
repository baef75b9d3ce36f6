"""``ratatoskr registry …``: the model registry's administration (the original's ``rat-registry``).

``registry update`` downloads the published registry into the local cache (``update-registry`` is kept as an alias).
``registry model …`` and ``registry preset …`` edit the local registry file (``[registry] local``, or ``--path``),
which gateways merge over the seed and the download: changes show in the next ``ratatoskr metadata`` or
``ratatoskr:<tier>/<capability>``. Every edit is checked and written atomically.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from cyclopts import App, Parameter

from ratatoskr.cli._registry_models import PathOption, model_add, model_list, model_refresh, model_remove, open_file
from ratatoskr.cli.context import Ctx
from ratatoskr.cli.options import JsonFlag

__all__ = ["registry_app", "update_registry"]

registry_app = App(
    name="registry",
    help="Administer the model registry: download it, add or remove models, set presets.",
    help_format="plaintext",
)
model_app = App(name="model", help="List, add, remove or refresh models in the local registry file.")
preset_app = App(name="preset", help="List, set or remove presets in the local registry file.")
registry_app.command(model_app)
registry_app.command(preset_app)
model_app.command(model_list, name="list")
model_app.command(model_add, name="add")
model_app.command(model_remove, name="remove")
model_app.command(model_refresh, name="refresh")


@registry_app.command(name="update")
def update_registry(
    *,
    url: Annotated[
        str | None, Parameter(help="Where to fetch it (default: [registry] url, else the public one).")
    ] = None,
    path: Annotated[Path | None, Parameter(help="Where to keep it (default: [registry] path).")] = None,
    as_json: JsonFlag = False,
    ctx: Ctx,
) -> int:
    """Download the model registry (metadata and presets) into the local cache; gateways read it at start."""
    import anyio

    from ratatoskr.cli._output import print_json
    from ratatoskr.metadata.remote import fetch_registry, registry_location, save_registry

    default_url, default_path = registry_location(ctx.settings())
    source, target = url or default_url, (path or default_path).expanduser()
    payload = anyio.run(fetch_registry, source)
    save_registry(payload, target)
    models, presets = len(payload.get("models", [])), len(payload.get("presets", {}))
    if as_json:
        print_json({"url": source, "path": str(target), "models": models, "preset_tiers": presets})
    else:
        print(f"fetched {models} model entries and {presets} preset tiers from {source}")
        print(f"saved to {target}")
    return 0


@preset_app.command(name="list")
def preset_list(
    *,
    all_models: Annotated[
        bool, Parameter(name="--all", negative="", help="Include the seed and the download, not only the file.")
    ] = False,
    path: PathOption = None,
    as_json: JsonFlag = False,
    ctx: Ctx,
) -> int:
    """A grid of tiers by slots; `*` marks presets that carry default parameters."""
    from ratatoskr.cli._output import print_json, print_table

    file = open_file(ctx, path)
    registry = file.effective() if all_models else file.registry
    if as_json:
        print_json(registry.to_payload()["presets"])
        return 0
    tiers = registry.presets()
    slots = sorted({slot for caps in tiers.values() for slot in caps})

    def cell(tier: str, slot: str) -> str | None:
        found = registry.preset(tier, slot)
        if found is None:
            return None
        return found.model + (" *" if found.parameters is not None else "")

    rows = ([tier, *(cell(tier, slot) for slot in slots)] for tier in tiers)
    print_table(("tier", *slots), rows, empty=f"no presets in {file.path}")
    return 0


@preset_app.command(name="set")
def preset_set(
    tier: str,
    slot: str,
    model: str,
    /,
    *,
    temperature: float | None = None,
    top_p: float | None = None,
    top_k: int | None = None,
    max_tokens: int | None = None,
    frequency_penalty: float | None = None,
    presence_penalty: float | None = None,
    seed: int | None = None,
    path: PathOption = None,
    ctx: Ctx,
) -> int:
    """Point `ratatoskr:<TIER>/<SLOT>` at MODEL, with default parameters (the caller's options win over them).

    Parameters
    ----------
    tier
        The tier, e.g. `free`, `budget`, `mid`, `premium` or a new one.
    slot
        The capability slot, e.g. `agentic`, `coding`, `embedding`, `summariser`, `text-generation`.
    model
        A model the registry knows (the seed, the download or the local file).
    """
    from ratatoskr.types import PresetParameters, PresetResolution

    params = PresetParameters(
        temperature=temperature,
        top_p=top_p,
        top_k=top_k,
        max_tokens=max_tokens,
        frequency_penalty=frequency_penalty,
        presence_penalty=presence_penalty,
        seed=seed,
    )
    file = open_file(ctx, path)
    before = file.effective().preset(tier, slot)
    file.set_preset(tier, slot, PresetResolution(model, None if params.is_empty else params))
    file.save()
    was = f" (was {before.model})" if before is not None else " (new)"
    print(f"ratatoskr:{tier}/{slot} → {model}{was}")
    print(f"saved to {file.path}")
    return 0


@preset_app.command(name="remove")
def preset_remove(tier: str, slot: str | None = None, /, *, path: PathOption = None, ctx: Ctx) -> int:
    """Remove a whole tier, or one slot of it, from the local registry file.

    Parameters
    ----------
    tier
        The tier to remove.
    slot
        Only this slot of the tier.
    """
    from ratatoskr.errors import PresetNotFound

    file = open_file(ctx, path)
    if not file.registry.remove_preset(tier, slot):
        raise PresetNotFound(tier, slot or "*")
    file.save()
    print(f"removed {tier}" + (f"/{slot}" if slot else "") + f" from {file.path}")
    still = file.effective()
    if slot is None and tier in still.presets():
        print(f"note: the tier {tier} still comes from the seed or the downloaded registry")
    elif slot is not None and still.preset(tier, slot) is not None:
        print(f"note: {tier}/{slot} still comes from the seed or the downloaded registry")
    return 0
