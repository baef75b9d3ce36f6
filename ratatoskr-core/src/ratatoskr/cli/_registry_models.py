"""``ratatoskr registry model list|add|remove|refresh``: the models of the local registry file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from cyclopts import Parameter

from ratatoskr.cli.context import CliContext, Ctx
from ratatoskr.cli.options import JsonFlag
from ratatoskr.errors import InvalidInput

if TYPE_CHECKING:
    from ratatoskr.metadata.editing import RegistryFile
    from ratatoskr.protocol import ModelGateway
    from ratatoskr.types import Capability, ModelMetadata, PricingInfo

__all__ = ["PathOption", "model_add", "model_list", "model_refresh", "model_remove", "open_file"]

PathOption = Annotated[
    Path | None,
    Parameter(help="The registry file to edit (default: [registry] local, ~/.config/ratatoskr/registry.json)."),
]
AllFlag = Annotated[
    bool, Parameter(name="--all", negative="", help="Include the seed and the download, not only the file.")
]


def open_file(ctx: CliContext, path: Path | None) -> RegistryFile:
    """The file to edit, with the seed and the download below it (what a gateway would load)."""
    from ratatoskr.metadata.editing import RegistryFile
    from ratatoskr.metadata.registry import ModelRegistry
    from ratatoskr.metadata.settings import RegistrySettings

    config = RegistrySettings.from_settings(ctx.settings())
    base = ModelRegistry.with_seed()
    base.load_file(config.path)
    return RegistryFile((path or config.local).expanduser(), base=base)


def format_pricing(pricing: PricingInfo | None) -> str | None:
    """``$3/$15`` (prompt/completion, USD per million tokens), or None when unknown."""
    if pricing is None or pricing.prompt_cost_per_mtok is None or pricing.completion_cost_per_mtok is None:
        return None
    return f"${pricing.prompt_cost_per_mtok:g}/${pricing.completion_cost_per_mtok:g}"


def model_list(*, all_models: AllFlag = False, path: PathOption = None, as_json: JsonFlag = False, ctx: Ctx) -> int:
    """The models of the local registry file (or, with --all, every model a gateway would know)."""
    from ratatoskr.cli._output import print_json, print_table

    file = open_file(ctx, path)
    models = (file.effective() if all_models else file.registry).list()
    if as_json:
        print_json(models)
        return 0
    rows = (
        (
            m.info.id,
            m.info.provider or None,
            ", ".join(m.info.capabilities) or None,
            m.info.context_window,
            format_pricing(m.pricing),
        )
        for m in models
    )
    print_table(("model", "provider", "capabilities", "context", "pricing ($/Mtok)"), rows)
    count = f"{len(models)} model" + ("" if len(models) == 1 else "s")
    print(count + ("" if all_models else f" in {file.path}"))
    return 0


def _capabilities(names: list[str] | None) -> tuple[Capability, ...]:
    from ratatoskr.types import Capability

    return tuple(dict.fromkeys(Capability.parse(name) for name in names or ()))


def _non_negative(name: str, value: float | None) -> None:
    if value is not None and value < 0:
        raise InvalidInput(f"--{name} must be >= 0, got {value}")


def model_add(
    model: str,
    /,
    *,
    provider: str | None = None,
    capability: Annotated[list[str] | None, Parameter(negative="", consume_multiple=False)] = None,
    context_window: int | None = None,
    max_output_tokens: int | None = None,
    dimensions: int | None = None,
    prompt_cost: float | None = None,
    completion_cost: float | None = None,
    cached_cost: float | None = None,
    reasoning_cost: float | None = None,
    fetch: Annotated[bool, Parameter(negative="")] = False,
    force: Annotated[bool, Parameter(negative="")] = False,
    path: PathOption = None,
    ctx: Ctx,
) -> int:
    """Add a model to the local registry file, from the options given or fetched from the providers (--fetch).

    Parameters
    ----------
    model
        The model id, as requests name it (e.g. `acme/model-1`, or `provider:model` for one provider's price).
    provider
        The provider that serves it (required unless --fetch).
    capability
        chat, chat_streaming, generate, tool_use, embed, nli, classify, stance, tokenize, local_inference
        (repeatable; default chat; the registry file's spellings such as ToolUse work too).
    context_window
        Context window in tokens.
    max_output_tokens
        Most tokens one answer may have.
    dimensions
        Embedding dimensions.
    prompt_cost
        USD per million prompt tokens.
    completion_cost
        USD per million completion tokens.
    cached_cost
        USD per million prompt tokens read from the provider's cache (default: the prompt price).
    reasoning_cost
        USD per million reasoning tokens (default: the completion price).
    fetch
        Ask the configured providers for the model's metadata (network); the options above override it.
    force
        Replace the model if the file already has it.
    """
    import attrs

    from ratatoskr.types import Capability, ModelInfo, ModelMetadata, PricingInfo

    for name, value in (("context-window", context_window), ("max-output-tokens", max_output_tokens)):
        if value is not None and value <= 0:
            raise InvalidInput(f"--{name} must be > 0, got {value}")
    _non_negative("prompt-cost", prompt_cost)
    _non_negative("completion-cost", completion_cost)
    _non_negative("cached-cost", cached_cost)
    _non_negative("reasoning-cost", reasoning_cost)
    caps = _capabilities(capability)
    if not model.strip():
        raise InvalidInput("the model id is empty")
    if fetch:

        async def run(gateway: ModelGateway) -> ModelMetadata:
            return await gateway.fetch_model_metadata(model)

        fetched = ctx.call(run)
        base = attrs.evolve(fetched, info=attrs.evolve(fetched.info, id=model))
    elif provider is None:
        raise InvalidInput("pass --provider (the provider that serves it), or --fetch to ask the providers")
    else:
        base = ModelMetadata(ModelInfo(model, provider, caps or (Capability.CHAT,)))
    info = attrs.evolve(
        base.info,
        provider=provider or base.info.provider,
        capabilities=caps or base.info.capabilities,
        context_window=context_window or base.info.context_window,
        dimensions=dimensions or base.info.dimensions,
    )
    pricing = base.pricing
    prices = {
        "prompt_cost_per_mtok": prompt_cost,
        "completion_cost_per_mtok": completion_cost,
        "cached_cost_per_mtok": cached_cost,
        "reasoning_cost_per_mtok": reasoning_cost,
    }
    given = {k: v for k, v in prices.items() if v is not None}
    if given:
        pricing = attrs.evolve(pricing or PricingInfo(), **given)
    most = max_output_tokens or base.max_output_tokens
    entry = attrs.evolve(base, info=info, pricing=pricing, max_output_tokens=most)
    file = open_file(ctx, path)
    replaced = file.registry.get(model) is not None
    file.put_model(entry, replace=force)
    file.save()
    print(f"{'replaced' if replaced else 'added'} {model} ({info.provider or '?'}) in {file.path}")
    return 0


def model_remove(model: str, /, *, path: PathOption = None, ctx: Ctx) -> int:
    """Remove a model from the local registry file (exit 1 when the file does not have it).

    Parameters
    ----------
    model
        The model id to remove.
    """
    from ratatoskr.errors import ModelNotFound

    file = open_file(ctx, path)
    if not file.registry.remove(model):
        raise ModelNotFound(model, detail=f"not in {file.path}")
    users = file.effective().presets_using(model)
    file.save()
    print(f"removed {model} from {file.path}")
    if file.base.get(model) is not None:
        print(f"note: {model} is still known from the seed or the downloaded registry")
    elif users:
        slots = ", ".join(f"{tier}/{cap}" for tier, cap in users)
        print(f"warning: presets still name {model}: {slots}", file=sys.stderr)
    return 0


def model_refresh(*, path: PathOption = None, ctx: Ctx) -> int:
    """Fetch every model of the local registry file again from the providers and merge what they say."""
    from ratatoskr.errors import RatatoskrError

    file = open_file(ctx, path)
    models = file.registry.list()
    failures: list[tuple[str, RatatoskrError]] = []

    async def run(gateway: ModelGateway) -> list[ModelMetadata]:
        fresh = []
        for old in models:
            try:
                fetched = await gateway.fetch_model_metadata(old.info.id)
            except RatatoskrError as exc:
                failures.append((old.info.id, exc))
                continue
            fresh.append(old.merged_with(fetched))
        return fresh

    fresh = ctx.call(run) if models else []
    for model, exc in failures:
        print(f"warning: {model}: {exc}", file=sys.stderr)
    if models and not fresh:
        raise failures[-1][1]  # every fetch failed: the file is left as it was
    for entry in fresh:
        file.put_model(entry, replace=True)
    if fresh:
        file.save()
    print(f"refreshed {len(fresh)}/{len(models)} models in {file.path}")
    return 0
