"""``update-registry``: download the model registry into the local cache the next gateway reads."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from cyclopts import Parameter

from ratatoskr.cli._options import JsonFlag
from ratatoskr.cli.context import Ctx

__all__ = ["update_registry"]


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
