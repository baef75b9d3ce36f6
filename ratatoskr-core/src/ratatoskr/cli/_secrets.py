"""The secrets file, written: where a key goes, where each key comes from, and a safe, comment-keeping write.

Reading stays in :mod:`ratatoskr.config` (which refuses a file others can read). Writing keeps every comment and
every other table (tomlkit), creates the file with mode 0600 and its directory with 0700, refuses to write into a
file or a directory that other users can read, and replaces the file atomically (a crash leaves the old one).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Mapping, MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ratatoskr.errors import ConfigurationError, InsecureSecretsFile

if TYPE_CHECKING:
    import tomlkit

    from ratatoskr.config import Settings
    from ratatoskr.plugins import PluginManager

__all__ = ["KEY_ENV", "KEY_NAME", "key_sources", "key_variables", "remove_key", "secrets_path", "set_key"]

KEY_NAME = "api_key"
#: The environment variables of the built-in providers' keys: the fallback when a plugin declares no config class.
KEY_ENV: dict[str, tuple[str, ...]] = {
    "anthropic": ("ANTHROPIC_API_KEY",),
    "huggingface": ("HF_TOKEN", "HF_API_KEY"),
    "openai": ("OPENAI_API_KEY",),
    "openrouter": ("OPENROUTER_API_KEY",),
}


def key_variables(plugins: PluginManager, settings: Settings) -> dict[str, tuple[str, ...]]:
    """Provider name → the environment variables its ``api_key`` falls back to, read from the config classes the
    plugins declare (their :class:`~ratatoskr.provider_factory.ProviderFactory`), so third-party plugins count too.
    Calling the provider hooks builds nothing: factories are built by the gateway, later."""
    import attrs

    from ratatoskr.config_schema import env_names
    from ratatoskr.provider_factory import ProviderFactory

    found = dict(KEY_ENV)
    hooks = plugins.pluggy.hook
    for name in dir(hooks):
        if not (name.startswith("ratatoskr_") and name.endswith("_providers")):
            continue
        for result in getattr(hooks, name)(settings=settings):
            for item in result or ():
                if not isinstance(item, ProviderFactory):
                    continue
                field = getattr(attrs.fields(item.config), KEY_NAME, None)
                if field is not None and field.metadata.get("secret"):
                    found[item.name] = tuple(s if isinstance(s, str) else s[0] for s in env_names(field, item.name))
    return found


def secrets_path(env: Mapping[str, str]) -> Path:
    """The secrets file the reader uses: ``$RATATOSKR_SECRETS``, else the first existing of the usual places, else
    ``~/.ratatoskr/secrets.toml`` (where a new one is created)."""
    if explicit := env.get("RATATOSKR_SECRETS"):
        return Path(explicit).expanduser()
    home = Path(env.get("HOME") or Path.home())
    for candidate in (home / ".ratatoskr/secrets.toml", Path("/etc/ratatoskr/secrets.toml")):
        if candidate.is_file():
            return candidate
    return home / ".ratatoskr/secrets.toml"


def key_sources(
    provider: str,
    config: Mapping[str, Any],
    secrets: Mapping[str, Any],
    env: Mapping[str, str],
    variables: Mapping[str, tuple[str, ...]] = KEY_ENV,
) -> list[str]:
    """Where ``provider``'s key is set, in the order the provider looks (the first one wins): ``config``
    (``api_key``, or the variable its ``api_key_env`` names), ``secrets file``, ``environment (VAR)``.
    Never the key itself."""
    found = []
    table = config.get("providers", {}).get(provider, {})
    table = table if isinstance(table, Mapping) else {}
    if table.get(KEY_NAME):
        found.append("config")
    named = table.get(f"{KEY_NAME}_env")
    if isinstance(named, str) and env.get(named):
        found.append(f"environment ({named}, named in the config)")
    secret_table = secrets.get(provider, {})
    if isinstance(secret_table, Mapping) and secret_table.get(KEY_NAME):
        found.append("secrets file")
    found.extend(f"environment ({var})" for var in variables.get(provider, ()) if env.get(var))
    return found


def _check_private(path: Path, *, directory: bool) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if os.name != "posix" or not mode & 0o077:
        return
    if directory:
        raise ConfigurationError(
            f"refusing to write a secret into {path}: other users can read that directory (mode {mode:04o}); "
            f"run: chmod 700 {path}"
        )
    raise InsecureSecretsFile(str(path), mode)


def _load(path: Path) -> tomlkit.TOMLDocument:
    import tomlkit
    from tomlkit.exceptions import TOMLKitError

    if not path.exists():
        return tomlkit.document()
    _check_private(path, directory=False)
    try:
        return tomlkit.parse(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, TOMLKitError) as exc:
        raise ConfigurationError(f"cannot read {path}: {exc}") from exc


def _save(path: Path, document: tomlkit.TOMLDocument) -> None:
    import tomlkit

    directory = path.parent
    try:
        if not directory.exists():
            directory.mkdir(mode=0o700, parents=True)
            directory.chmod(0o700)  # mkdir's mode is filtered by the umask
        _check_private(directory, directory=True)
        temporary = directory / f".{path.name}.{os.getpid()}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(tomlkit.dumps(document))
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ConfigurationError(f"cannot write the secrets file {path}: {exc}") from exc


def set_key(path: Path, provider: str, key: str) -> None:
    """Store ``key`` as ``[provider] api_key`` in the secrets file, keeping everything else in it."""
    import tomlkit

    document = _load(path)
    table = document.get(provider)
    if table is None:
        document[provider] = tomlkit.table()
        table = document[provider]
    elif not isinstance(table, MutableMapping):
        raise ConfigurationError(f"{provider} in {path} is not a table; fix the file by hand")
    table[KEY_NAME] = key
    _save(path, document)


def remove_key(path: Path, provider: str) -> bool:
    """Remove ``[provider] api_key`` (and the table, when nothing else is left in it); ``False`` when absent."""
    if not path.exists():
        return False
    document = _load(path)
    table = document.get(provider)
    if not isinstance(table, MutableMapping) or KEY_NAME not in table:
        return False
    del table[KEY_NAME]
    if not table:
        del document[provider]
    _save(path, document)
    return True
