"""Settings: a TOML config file, a separate secrets file, and the environment.

The config file is found at ``$RATATOSKR_CONFIG``, else ``~/.config/ratatoskr/config.toml``, else
``~/.ratatoskr/config.toml``; none is fine (defaults). The secrets file (``$RATATOSKR_SECRETS``, else
``~/.ratatoskr/secrets.toml``, else ``/etc/ratatoskr/secrets.toml``) holds keys per provider
(``[openrouter] api_key = "..."``) and is refused unless its mode is 0600 or 0400.

A provider is enabled by its ``[providers.NAME]`` table. Plugins that need no account or network (the demo
and local providers) are on by default and turned off with ``enabled = false``.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from attrs import field, frozen

from ratatoskr.errors import ConfigurationError, InsecureSecretsFile, InvalidSetting

__all__ = ["ProviderSettings", "Settings", "find_config_file", "find_secrets_file"]


def _home() -> Path:
    return Path(os.environ.get("HOME") or Path.home())


def _find_file(what: str, variable: str, candidates: Iterable[Path], env: Mapping[str, str] | None) -> Path | None:
    """The file ``variable`` names (which must exist), else the first of ``candidates`` that does, else None."""
    env = os.environ if env is None else env
    if explicit := env.get(variable):
        path = Path(explicit)
        if not path.is_file():
            raise ConfigurationError(f"{what} file not found: {path} (from {variable})")
        return path
    return next((candidate for candidate in candidates if candidate.is_file()), None)


def find_config_file(env: Mapping[str, str] | None = None) -> Path | None:
    candidates = (_home() / ".config/ratatoskr/config.toml", _home() / ".ratatoskr/config.toml")
    return _find_file("config", "RATATOSKR_CONFIG", candidates, env)


def find_secrets_file(env: Mapping[str, str] | None = None) -> Path | None:
    candidates = (_home() / ".ratatoskr/secrets.toml", Path("/etc/ratatoskr/secrets.toml"))
    return _find_file("secrets", "RATATOSKR_SECRETS", candidates, env)


def _read_toml(path: Path) -> dict[str, Any]:
    import tomlkit  # deferred: only needed when a file exists
    from tomlkit.exceptions import TOMLKitError

    try:
        return tomlkit.parse(path.read_text(encoding="utf-8")).unwrap()
    except (OSError, UnicodeDecodeError, TOMLKitError) as exc:
        raise ConfigurationError(f"cannot read {path}: {exc}") from exc


def _read_secrets(path: Path) -> dict[str, Any]:
    mode = stat.S_IMODE(path.stat().st_mode)
    if os.name == "posix" and mode & 0o077:
        raise InsecureSecretsFile(str(path), mode)
    return _read_toml(path)


@frozen
class ProviderSettings:
    """One provider's view of the settings, for plugins that read their table by hand.

    New plugins declare their table instead (:class:`ratatoskr.provider_factory.ProviderFactory`), so the core
    checks it; this view does no checking beyond ``enabled``.
    """

    name: str
    options: Mapping[str, Any] = field(factory=dict, repr=lambda v: f"<keys {sorted(v)}>")
    secrets: Mapping[str, Any] = field(factory=dict, repr=lambda v: f"<{len(v)} secret(s)>")
    env: Mapping[str, str] = field(factory=dict, repr=lambda v: f"<{len(v)} variable(s)>")

    def get(self, key: str, default: Any = None, *, env: str | None = None) -> Any:
        """Config table first, then the environment variable ``env`` (if given), then ``default``."""
        if key in self.options:
            return self.options[key]
        if env and env in self.env:
            return self.env[env]
        return default

    def secret(self, key: str = "api_key", *, env: str | None = None) -> str | None:
        """A secret from the config table, the secrets file, or the environment, in that order."""
        for source in (self.options, self.secrets):
            value = source.get(key)
            if value:
                return str(value)
        return self.env.get(env) or None if env else None


@frozen
class Settings:
    """The parsed configuration: the config file's tables, the secrets file and the environment.

    Each section is declared as a config table (see :mod:`ratatoskr.sections` and
    :mod:`ratatoskr.provider_factory`) and read through the one converter by the part that owns it. The repr shows
    where the settings came from and which sections exist, never a value of the secrets or the environment.
    """

    data: Mapping[str, Any] = field(factory=dict)
    secrets: Mapping[str, Any] = field(factory=dict)
    env: Mapping[str, str] = field(factory=lambda: dict(os.environ))
    config_path: Path | None = None
    secrets_path: Path | None = None

    def __repr__(self) -> str:
        return (
            f"Settings(config={str(self.config_path) if self.config_path else None!r}, "
            f"sections={sorted(self.data)!r}, secrets=<{len(self.secrets)} table(s) hidden>, "
            f"env=<{len(self.env)} variable(s) hidden>)"
        )

    @classmethod
    def load(
        cls,
        config: Path | str | None = None,
        *,
        secrets: Path | str | None = None,
        env: Mapping[str, str] | None = None,
    ) -> Settings:
        """Read the config and secrets files (explicit paths, else the usual places) and the environment."""
        env = dict(os.environ if env is None else env)
        config_path = Path(config) if config is not None else find_config_file(env)
        if config_path is not None and not config_path.is_file():
            raise ConfigurationError(f"config file not found: {config_path}")
        secrets_path = Path(secrets) if secrets is not None else find_secrets_file(env)
        if secrets_path is not None and not secrets_path.is_file():
            raise ConfigurationError(f"secrets file not found: {secrets_path}")
        return cls(
            data=_read_toml(config_path) if config_path else {},
            secrets=_read_secrets(secrets_path) if secrets_path else {},
            env=env,
            config_path=config_path,
            secrets_path=secrets_path,
        )

    @classmethod
    def from_dict(
        cls, data: Mapping[str, Any], *, secrets: Mapping[str, Any] | None = None, env: Mapping[str, str] | None = None
    ) -> Settings:
        """Settings built in code (tests, the builder)."""
        return cls(data=dict(data), secrets=dict(secrets or {}), env=dict(env or {}))

    def section(self, name: str) -> Mapping[str, Any]:
        """The top-level table ``name`` (empty when absent)."""
        value = self.data.get(name, {})
        if not isinstance(value, Mapping):
            raise InvalidSetting(f"[{name}] must be a table, got {type(value).__name__}", table=name)
        return value

    def provider(self, name: str, *, default_enabled: bool = False) -> ProviderSettings | None:
        """The unchecked settings of provider ``name`` if it is enabled, else ``None`` (for plugins that read their
        table by hand; see :class:`ProviderSettings`).

        Enabled means: a ``[providers.NAME]`` table exists (or ``default_enabled``), and it does not say
        ``enabled = false``.
        """
        providers = self.section("providers")
        table = providers.get(name)
        if table is None and not default_enabled:
            return None
        if table is not None and not isinstance(table, Mapping):
            raise ConfigurationError(f"[providers.{name}] must be a table, got {type(table).__name__}")
        table = dict(table or {})
        enabled = table.pop("enabled", True)
        if not isinstance(enabled, bool):
            raise ConfigurationError(f"providers.{name}.enabled must be true or false, got {enabled!r}")
        if not enabled:
            return None
        secret_table = self.secrets.get(name, {})
        if not isinstance(secret_table, Mapping):
            raise ConfigurationError(f"[{name}] in the secrets file must be a table")
        return ProviderSettings(name, table, secret_table, self.env)
