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
from typing import TYPE_CHECKING, Any, Literal

from attrs import frozen

from ratatoskr.config_schema import ConfigTable, at_least, http_url, read_table, setting

if TYPE_CHECKING:
    from ratatoskr.config import Settings

__all__ = ["DEFAULT_REGISTRY_URL", "RegistrySection", "RegistrySettings", "default_cache_path", "default_local_path"]

DEFAULT_REGISTRY_URL = "https://raw.githubusercontent.com/emesal/ratatoskr-registry/main/registry.json"
REFRESH_MODES = ("off", "background")


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


@frozen(kw_only=True)
class RegistrySection(ConfigTable):
    """``[registry]`` as the config file says it, read by the one converter; :class:`RegistrySettings` fills in the
    paths whose defaults depend on the environment."""

    url: str = setting(
        DEFAULT_REGISTRY_URL, doc="Where `ratatoskr registry update` downloads from.", validator=http_url
    )
    path: Path | None = setting(
        None, doc="The downloaded registry, merged over the seed (default `~/.cache/ratatoskr/registry.json`)."
    )
    local: Path | None = setting(
        None,
        doc="Your own entries (`ratatoskr registry model/preset ...`), merged over the download "
        "(default `~/.config/ratatoskr/registry.json`).",
    )
    refresh: Literal["off", "background"] = setting(
        "off", doc="`background`: download after start, used from the next start."
    )
    refresh_interval: float = setting(
        86400.0, doc="Seconds a download stays fresh before `background` fetches again.", validator=at_least(0)
    )


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
        section = read_table(RegistrySection, table, where="registry")
        return cls(
            url=section.url,
            path=section.path or default_cache_path(env),
            local=section.local or default_local_path(env),
            refresh=section.refresh,
            refresh_interval=section.refresh_interval,
        )
