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

    settings = Settings.load()
    table = settings.provider("local", default_enabled=True)
    config = LocalConfig.from_settings(table) if table is not None else LocalConfig()
    return evolve(config, models_dir=models_dir) if models_dir is not None else config


def _rich_tqdm() -> Any:
    """tqdm's rich front end, so huggingface-hub's per-file progress shows as rich bars."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from tqdm.rich import tqdm_rich  # type: ignore[import-untyped]
    return tqdm_rich


def pull(model: str, /, *, models_dir: Path | None = None) -> int:
    """Download a model's ONNX weights, tokenizer and configs into the model cache (for offline use later).

    :param model: HuggingFace repo id or short name, e.g. BAAI/bge-small-en-v1.5 or nli-deberta-v3-small.
    :param models_dir: cache folder (default: providers.local.models_dir, else the huggingface-hub cache).
    """
    from attrs import evolve
    from ratatoskr.errors import RatatoskrError
    from rich.console import Console

    from ratatoskr_providers_local._runtime import verify_sha256
    from ratatoskr_providers_local._sources import download, locate, resolve

    console = Console(stderr=True)
    config = _config(models_dir)
    source = resolve(model, config)
    if source is None:
        console.print(f"[red]error:[/] {model!r} is not a HuggingFace repo id, short name or directory")
        return 2
    try:
        if source.kind == "hub":
            if not config.download:
                console.print("[red]error:[/] downloads are off (HF_HUB_OFFLINE=1 or providers.local.download = false)")
                return 1
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                files = download(source.id, evolve(config, download=True), tqdm_class=_rich_tqdm())
        else:
            files = locate(source, config)
        if files.sha256:
            verify_sha256(files.onnx, files.sha256)
    except RatatoskrError as exc:
        console.print(f"[red]error:[/] {exc}")
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
    print(f"device: {config.device}  ram budget: {budget}  downloads: {'on' if config.download else 'off'}")
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
