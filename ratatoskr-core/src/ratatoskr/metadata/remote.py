"""The remote model registry: fetched on request (``ratatoskr registry update``), saved to a local cache file that
the next gateway merges over the built-in seed. A gateway never waits on the network at start.

The default source is the original project's published registry; ``[registry] url`` and ``path`` change where it
comes from and where it is kept (:mod:`ratatoskr.metadata.settings`); ``[registry] refresh = "background"`` fetches it
after start instead (:mod:`ratatoskr.metadata.refresh`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ratatoskr.errors import ConfigurationError
from ratatoskr.metadata.registry import ModelRegistry
from ratatoskr.metadata.settings import DEFAULT_REGISTRY_URL, RegistrySettings, default_cache_path

if TYPE_CHECKING:
    import httpx

    from ratatoskr.config import Settings

__all__ = ["DEFAULT_REGISTRY_URL", "default_cache_path", "fetch_registry", "registry_location", "save_registry"]

#: Seconds to wait for the registry download.
FETCH_TIMEOUT = 30.0


def registry_location(settings: Settings) -> tuple[str, Path]:
    """``[registry] url`` and ``path`` (the downloaded registry), with their defaults."""
    found = RegistrySettings.from_settings(settings)
    return found.url, found.path


async def fetch_registry(url: str, *, client: httpx.AsyncClient | None = None) -> dict[str, Any]:
    """Download a registry payload and check it loads (version, every entry) before anyone saves it."""
    import httpx

    from ratatoskr.wire._pool import default_ssl_context
    from ratatoskr.wire.endpoint import Endpoint

    own = client is None
    client = client or httpx.AsyncClient(timeout=FETCH_TIMEOUT, follow_redirects=True, verify=default_ssl_context())
    try:
        payload = await Endpoint(url, provider="registry", client=client, timeout=FETCH_TIMEOUT).get_json()
    finally:
        if own:
            await client.aclose()
    ModelRegistry().load_payload(payload, source=url)  # raises ConfigurationError naming what is wrong
    if isinstance(payload, list):  # legacy bare array: store it in the versioned shape
        payload = {"version": 1, "models": payload}
    if not isinstance(payload, dict):
        raise ConfigurationError(f"{url}: a registry is a JSON object")
    return payload


def save_registry(payload: dict[str, Any], path: Path) -> None:
    """Write atomically (a temporary file renamed over the old one): a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.tmp.{os.getpid()}")
    try:
        tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ConfigurationError(f"cannot write the registry file {path}: {exc}") from exc
