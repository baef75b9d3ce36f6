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

__all__ = ["KEY_ENV", "KEY_NAME", "key_sources", "remove_key", "secrets_path", "set_key"]

KEY_NAME = "api_key"
#: The environment variables each provider reads its key from, in its own order (mirrors the plugins).
KEY_ENV: dict[str, tuple[str, ...]] = {
    "anthropic": ("ANTHROPIC_API_KEY",),
    "huggingface": ("HF_TOKEN", "HF_API_KEY"),
    "openai": ("OPENAI_API_KEY",),
    "openrouter": ("OPENROUTER_API_KEY",),
}


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
    provider: str, config: Mapping[str, Any], secrets: Mapping[str, Any], env: Mapping[str, str]
) -> list[str]:
    """Where ``provider``'s key is set, in the order the provider looks (the first one wins): ``config``,
    ``secrets file``, ``environment (VAR)``. Never the key itself."""
    found = []
    table = config.get("providers", {}).get(provider, {})
    if isinstance(table, Mapping) and table.get(KEY_NAME):
        found.append("config")
    secret_table = secrets.get(provider, {})
    if isinstance(secret_table, Mapping) and secret_table.get(KEY_NAME):
        found.append("secrets file")
    found.extend(f"environment ({var})" for var in KEY_ENV.get(provider, ()) if env.get(var))
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
