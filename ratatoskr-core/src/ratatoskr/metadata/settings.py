"""``[registry]``: where the model registry comes from and where its layers are kept.

::

    [registry]
    url = "https://raw.githubusercontent.com/emesal/ratatoskr-registry/main/registry.json"
    path = "~/.cache/ratatoskr/registry.json"      # the downloaded registry (ratatoskr registry update)
    local = "~/.config/ratatoskr/registry.json"    # your own entries (ratatoskr registry model/preset ...)
    refresh = "off"                                # or "background": download after start, used next start
    refresh_interval = 86400                       # seconds a download stays fresh before "background" fetches again
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from attrs import frozen

from ratatoskr.errors import ConfigurationError

if TYPE_CHECKING:
    from ratatoskr.config import Settings

__all__ = ["DEFAULT_REGISTRY_URL", "RegistrySettings", "default_cache_path", "default_local_path"]

DEFAULT_REGISTRY_URL = "https://raw.githubusercontent.com/emesal/ratatoskr-registry/main/registry.json"
REFRESH_MODES = ("off", "background")
_KEYS = {"url", "path", "local", "refresh", "refresh_interval"}


def _home(env: Mapping[str, str]) -> Path:
    return Path(env.get("HOME") or Path.home())


def default_cache_path(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CACHE_HOME/ratatoskr/registry.json``, else ``~/.cache/ratatoskr/registry.json``."""
    env = os.environ if env is None else env
    base = Path(env["XDG_CACHE_HOME"]) if env.get("XDG_CACHE_HOME") else _home(env) / ".cache"
    return base / "ratatoskr" / "registry.json"


def default_local_path(env: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/ratatoskr/registry.json``, else ``~/.config/ratatoskr/registry.json``."""
    env = os.environ if env is None else env
    base = Path(env["XDG_CONFIG_HOME"]) if env.get("XDG_CONFIG_HOME") else _home(env) / ".config"
    return base / "ratatoskr" / "registry.json"


@frozen
class RegistrySettings:
    """The ``[registry]`` table, checked: unknown keys, bad URLs, modes and intervals are configuration errors."""

    url: str
    #: The downloaded registry, merged over the seed.
    path: Path
    #: The registry file ``ratatoskr registry`` edits, merged over the download.
    local: Path
    refresh: str = "off"
    refresh_interval: float = 86400.0

    @classmethod
    def from_settings(cls, settings: Settings) -> RegistrySettings:
        return cls.from_table(settings.section("registry"), settings.env)

    @classmethod
    def from_table(cls, table: Mapping[str, Any], env: Mapping[str, str] | None = None) -> RegistrySettings:
        unknown = set(table) - _KEYS
        if unknown:
            raise ConfigurationError(f"unknown [registry] keys: {', '.join(sorted(unknown))}")
        url = table.get("url", DEFAULT_REGISTRY_URL)
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise ConfigurationError(f"registry.url must be an http(s) URL, got {url!r}")
        refresh = table.get("refresh", "off")
        if refresh not in REFRESH_MODES:
            raise ConfigurationError(f"registry.refresh must be one of {', '.join(REFRESH_MODES)}, got {refresh!r}")
        interval = table.get("refresh_interval", 86400)
        if isinstance(interval, bool) or not isinstance(interval, int | float) or interval < 0:
            raise ConfigurationError(f"registry.refresh_interval must be seconds >= 0, got {interval!r}")
        return cls(
            url=url,
            path=_path(table, "path") or default_cache_path(env),
            local=_path(table, "local") or default_local_path(env),
            refresh=refresh,
            refresh_interval=float(interval),
        )


def _path(table: Mapping[str, Any], key: str) -> Path | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value:
        raise ConfigurationError(f"registry.{key} must be a file path, got {value!r}")
    return Path(value).expanduser()
