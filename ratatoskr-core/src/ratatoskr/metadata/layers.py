"""The registry a gateway starts with: the seed, the downloaded registry, the local file; and the optional
background refresh that downloads a newer registry for the next start.

Nothing here waits on the network: the layers are local files, and ``[registry] refresh = "background"`` downloads
on a daemon thread after start (only when the download is missing or older than ``refresh_interval``). The running
gateway keeps what it loaded, as the original does; a failed refresh is logged on the ``ratatoskr.registry`` logger
and changes nothing.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from ratatoskr.errors import RatatoskrError
from ratatoskr.metadata.registry import ModelRegistry
from ratatoskr.metadata.settings import RegistrySettings

if TYPE_CHECKING:
    from ratatoskr.config import Settings

__all__ = ["configured_registry", "refresh_due", "start_background_refresh"]

_log = logging.getLogger("ratatoskr.registry")


def configured_registry(settings: Settings, registry: ModelRegistry | None = None) -> ModelRegistry:
    """The seed (or ``registry``), then the downloaded registry and the local file named by ``[registry]``.

    Starts the background refresh when it is configured and due; the thread is kept on
    ``registry.background_refresh`` (join it to wait for the download)."""
    config = RegistrySettings.from_settings(settings)
    models = registry if registry is not None else ModelRegistry.with_seed()
    models.load_file(config.path)
    models.load_file(config.local)
    models.background_refresh = start_background_refresh(config)
    return models


def refresh_due(path: Path, interval: float, *, now: float | None = None) -> bool:
    """Whether the download at ``path`` is missing or older than ``interval`` seconds."""
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return True
    return (time.time() if now is None else now) - mtime >= interval


def start_background_refresh(config: RegistrySettings) -> threading.Thread | None:
    """Download the registry into ``config.path`` on a daemon thread, if ``refresh = "background"`` and it is due."""
    if config.refresh != "background" or not refresh_due(config.path, config.refresh_interval):
        return None
    thread = threading.Thread(
        target=_refresh, args=(config.url, config.path), name="ratatoskr-registry-refresh", daemon=True
    )
    thread.start()
    return thread


def _refresh(url: str, path: Path) -> None:
    import anyio

    from ratatoskr.metadata.remote import fetch_registry, save_registry

    try:
        payload = anyio.run(fetch_registry, url)
        save_registry(payload, path)
    except RatatoskrError as exc:
        _log.warning("background registry refresh from %s failed: %s", url, exc)
        return
    _log.info("background registry refresh: saved %d models from %s to %s", len(payload.get("models", [])), url, path)
