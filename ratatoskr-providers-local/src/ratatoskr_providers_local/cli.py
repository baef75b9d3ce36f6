"""``ratatoskr local ...``: pull models ahead of time, export checkpoints to ONNX, show what is here.

Registered by the plugin's ``ratatoskr_register_commands`` as the sub-command ``local`` (the core CLI owns
``ratatoskr models``). Everything heavy is imported inside the commands.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

__all__ = ["local_app"]


def _config(models_dir: Path | None = None) -> Any:
    from attrs import evolve
    from ratatoskr.config import Settings

    from ratatoskr_providers_local._config import LocalConfig
    from ratatoskr_providers_local.plugin import local

    config = local.read(Settings.load()) or LocalConfig()
    return evolve(config, models_dir=models_dir) if models_dir is not None else config


def _rich_tqdm() -> Any:
    """tqdm's rich front end, so huggingface-hub's per-file progress shows as rich bars."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from tqdm.rich import tqdm_rich  # type: ignore[import-untyped]
    return tqdm_rich


def _cache_dir(config: Any) -> str:
    from huggingface_hub import constants

    return str(config.models_dir or constants.HF_HUB_CACHE)


def _offline_advice(config: Any, model: str, option: str) -> str | None:
    """Why nothing can be downloaded now, and what to do instead; None when the Hub can be used."""
    from attrs import evolve

    from ratatoskr_providers_local._offline import download_policy

    # An explicit pull downloads even with providers.local.download = false; only HF_HUB_OFFLINE and the
    # network stop it.
    possible, why = download_policy(evolve(config, download=True))
    if possible:
        return None
    unset = "unset HF_HUB_OFFLINE and " if "HF_HUB_OFFLINE" in why else ""
    mirror = "" if unset else "; or set HF_ENDPOINT to a reachable mirror"
    return (
        f"cannot download {model}: {why}.\n  On a machine with network access, {unset}run "
        f"`ratatoskr local pull {option}{model}`, then copy its model cache ({_cache_dir(config)}) to this "
        f"machine (or point providers.local.models_dir at the copy){mirror}."
    )


def _pull_tokenizer(model: str, config: Any) -> int:
    from attrs import evolve
    from ratatoskr.errors import RatatoskrError

    from ratatoskr_providers_local._tokenizers import Tokenizers

    tokenizers = Tokenizers(evolve(config, download=True))
    try:
        source = tokenizers.source_for(model)
        if source.kind == "hf":
            advice = _offline_advice(config, model, "--tokenizer ")
            if advice is not None and not tokenizers.is_cached(source.target):
                print(f"error: {advice}", file=sys.stderr)
                return 1
            path = tokenizers.tokenizer_file(source.target, model)
        else:
            tokenizers.get(model)  # bundled or a file on disk: check that it loads
            path = Path(source.target)
    except RatatoskrError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"{model}: tokenizer ready\n  file: {path}")
    return 0


def pull(model: str, /, *, tokenizer: bool = False, models_dir: Path | None = None) -> int:
    """Download a model's ONNX weights, tokenizer and configs into the model cache (for offline use later).

    :param model: HuggingFace repo id or short name, e.g. BAAI/bge-small-en-v1.5 or nli-deberta-v3-small; with
        --tokenizer (or a name that is only a tokenizer mapping, like gpt-4o), the model whose tokens to count.
    :param tokenizer: fetch only the tokenizer that counts MODEL's tokens (for ``ratatoskr tokens`` offline).
    :param models_dir: cache folder (default: providers.local.models_dir, else the huggingface-hub cache).
    """
    from attrs import evolve
    from ratatoskr.errors import RatatoskrError
    from rich.console import Console

    from ratatoskr_providers_local._runtime import verify_sha256
    from ratatoskr_providers_local._sources import download, locate, resolve
    from ratatoskr_providers_local._tokenizers import Tokenizers

    console = Console(stderr=True)
    config = _config(models_dir)
    source = resolve(model, config)
    if tokenizer or (source is None and Tokenizers(config).has_mapping(model)):
        return _pull_tokenizer(model, config)
    if source is None:
        console.print(f"[red]error:[/] {model!r} is not a HuggingFace repo id, short name, directory or tokenizer name")
        return 2
    try:
        if source.kind == "hub":
            try:
                files = locate(source, evolve(config, download=False))  # already here: nothing to fetch
            except RatatoskrError:
                advice = _offline_advice(config, model, "")
                if advice is not None:
                    print(f"error: {advice}", file=sys.stderr)
                    return 1
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    files = download(source.id, evolve(config, download=True), tqdm_class=_rich_tqdm())
        else:
            files = locate(source, config)
        if files.sha256:
            verify_sha256(files.onnx, files.sha256)
    except RatatoskrError as exc:
        console.print(f"[red]error:[/] {exc}", highlight=False)
        return 1
    what = "bundled with ratatoskr-providers-local" if source.kind == "bundled" else "ready"
    print(f"{files.id}: {what}\n  onnx: {files.onnx} ({files.size_bytes / 2**20:.1f} MB)\n  files: {files.directory}")
    return 0


def export(model: str, /, *, output: Path, task: str = "auto") -> int:
    """Convert a checkpoint without ONNX weights to ONNX with optimum (needs optimum-onnx and torch).

    :param model: HuggingFace repo id or local checkpoint.
    :param output: folder to write model.onnx, tokenizer.json and configs to; use it as the model name, or map
        a name to it in [providers.local.models].
    :param task: optimum task: feature-extraction (embeddings), text-classification (NLI), or auto.
    """
    try:
        from optimum.exporters.onnx import main_export  # type: ignore[import-not-found]
    except ImportError:
        print(
            "error: export needs optimum's ONNX exporter and torch, which serving never uses: "
            "pip install 'ratatoskr-providers-local[export]' (in a separate environment if you like)",
            file=sys.stderr,
        )
        return 1
    main_export(model, output=output, task=task)
    print(f"exported {model} to {output}\n  use it with: ratatoskr embed 'text' -m {output.resolve()}")
    return 0


def status(model: str | None = None, /) -> int:
    """Show the local provider's settings and the models on disk, or one model's status.

    :param model: a model name; without it, list every local model found on disk.
    """
    import anyio

    from ratatoskr_providers_local.provider import LocalProvider

    provider = LocalProvider(_config())
    config = provider.config
    budget = f"{config.ram_budget_bytes / 2**20:.0f} MB" if config.ram_budget_bytes else "unlimited"
    from ratatoskr_providers_local._offline import download_policy

    possible, why = download_policy(config)  # the policy a real load applies
    print(f"device: {config.device}  ram budget: {budget}  downloads: {'on' if possible else 'off'} ({why})")
    print(f"models dir: {config.models_dir or 'huggingface-hub default cache'}")
    if model is not None:
        found = anyio.run(provider.model_status, model)
        print(f"{model}: {found.kind.value}" + (f" ({found.reason})" if found.reason else ""))
        return 0
    for info in anyio.run(provider.list_models):
        caps = ", ".join(c.value for c in info.capabilities)
        print(f"{info.id}  [{caps}]" + (f"  {info.dimensions} dims" if info.dimensions else ""))
    return 0


def local_app() -> Any:
    from cyclopts import App

    app = App(name="local", help="Local ONNX models: pull, export, status.")
    app.command(pull)
    app.command(export)
    app.command(status)
    return app
