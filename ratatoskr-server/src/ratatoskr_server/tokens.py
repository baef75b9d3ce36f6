"""Client tokens: ``ratd token create|list|revoke`` and the check every gRPC and HTTP request goes through.

A token is ``rat_`` + 43 random URL-safe characters (256 bits). It is printed once, at creation; the store keeps
only its SHA-256 (a fast hash is right for a random secret of this size: there is nothing to brute-force), with
its name, creation time and optional limits. The store is a TOML file that must be private to its owner (mode
0600 or 0400): ratd and the ``token`` commands refuse a group- or world-readable one, as they do the secrets file.

Authentication is ON as soon as the store file exists (``ratd token create`` makes it); an empty store then
refuses every request. The daemon re-reads the file when it changes, so a revoked token stops working within a
couple of seconds, without a restart.

Limits: ``models`` is a list of glob patterns (``demo:*``, ``openai:gpt-4o*``) matched against the model string
of the request, and against the model a ``ratatoskr:<tier>/<capability>`` preset resolves to; ``capabilities``
names the capabilities allowed (``chat``, ``generate``, ``embed``, ``nli``, ``classify``, ``stance``,
``tokenize``, ``metadata``). Listing models, presets, capabilities and status needs only a valid token; ``Health``
needs none (for load balancers).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
import hmac
import os
import re
import secrets
import stat
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from attrs import field, frozen
from ratatoskr.errors import AuthenticationFailed, ConfigurationError, InvalidInput, PermissionDenied

__all__ = ["CAPABILITIES", "Grant", "TokenStore", "default_tokens_path", "new_token"]

PREFIX = "rat_"
CAPABILITIES = frozenset({"chat", "generate", "embed", "nli", "classify", "stance", "tokenize", "metadata"})
_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
DAEMON = "ratd"


def default_tokens_path(env: dict[str, str] | None = None) -> Path:
    """``$RATATOSKR_TOKENS``, else ``~/.ratatoskr/tokens.toml`` (next to the secrets file)."""
    env = dict(os.environ) if env is None else env
    if explicit := env.get("RATATOSKR_TOKENS"):
        return Path(explicit).expanduser()
    return Path(env.get("HOME") or Path.home()) / ".ratatoskr" / "tokens.toml"


def new_token() -> str:
    return PREFIX + secrets.token_urlsafe(32)


def _digest(token: str) -> str:
    return "sha256:" + hashlib.sha256(token.encode()).hexdigest()


def _strings(values: Iterable[Any]) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


@frozen
class Grant:
    """One stored token: its name, creation time, the hash of its secret and its limits (empty = no limit)."""

    name: str
    digest: str
    created: str = ""
    models: tuple[str, ...] = field(default=(), converter=_strings)
    capabilities: tuple[str, ...] = field(default=(), converter=_strings)

    def allows_model(self, model: str) -> bool:
        return not self.models or any(fnmatch.fnmatchcase(model, p) for p in self.models)

    def allows(self, capability: str | None, models: Iterable[str]) -> None:
        """Raise ``PermissionDenied`` unless this token may use ``capability`` on every model of ``models``."""
        if capability is not None and self.capabilities and capability not in self.capabilities:
            raise PermissionDenied(
                f"token {self.name!r} may not use {capability} (allowed: {', '.join(self.capabilities)})",
                provider=DAEMON,
            )
        for model in models:
            if not self.allows_model(model):
                raise PermissionDenied(
                    f"token {self.name!r} may not use model {model!r} (allowed: {', '.join(self.models)})",
                    provider=DAEMON,
                )


def _check_private(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if os.name == "posix" and mode & 0o077:
        raise ConfigurationError(
            f"token store {path} has insecure permissions {mode:04o}; it must be 0600 or 0400 (run: chmod 600 {path})"
        )


class TokenStore:
    """The token file: read, create, revoke, and authenticate ``authorization`` values against it."""

    def __init__(self, path: Path, *, recheck_seconds: float = 2.0) -> None:
        self.path = path
        self.recheck_seconds = recheck_seconds
        self._grants: dict[str, Grant] = {}
        self._stamp: tuple[float, int] | None = None
        self._checked = 0.0
        self.reload()

    @property
    def enabled(self) -> bool:
        """Authentication is required when the store file exists."""
        return self._stamp is not None

    def required(self) -> bool:
        """Whether a request needs a token now (the store file is re-read when it changed, as for a check)."""
        self._maybe_reload()
        return self.enabled

    def grants(self) -> list[Grant]:
        return sorted(self._grants.values(), key=lambda g: g.name)

    # ---- file ---------------------------------------------------------------------------------------------------

    def reload(self) -> None:
        import tomlkit
        from tomlkit.exceptions import TOMLKitError

        self._checked = time.monotonic()
        try:
            info = self.path.stat()
        except FileNotFoundError:
            self._grants, self._stamp = {}, None
            return
        _check_private(self.path)
        try:
            data = tomlkit.parse(self.path.read_text(encoding="utf-8")).unwrap()
        except (OSError, UnicodeDecodeError, TOMLKitError) as exc:
            raise ConfigurationError(f"cannot read token store {self.path}: {exc}") from exc
        grants: dict[str, Grant] = {}
        for name, entry in (data.get("tokens") or {}).items():
            if not isinstance(entry, dict) or not str(entry.get("hash", "")).startswith("sha256:"):
                raise ConfigurationError(f"token store {self.path}: [tokens.{name}] needs hash = 'sha256:...'")
            grant = Grant(
                name,
                entry["hash"],
                str(entry.get("created", "")),
                entry.get("models", ()),
                entry.get("capabilities", ()),
            )
            grants[grant.digest] = grant
        self._grants, self._stamp = grants, (info.st_mtime, info.st_size)

    def _maybe_reload(self) -> None:
        if time.monotonic() - self._checked < self.recheck_seconds:
            return
        self._checked = time.monotonic()
        try:
            info = self.path.stat()
            stamp: tuple[float, int] | None = (info.st_mtime, info.st_size)
        except FileNotFoundError:
            stamp = None
        if stamp != self._stamp:
            self.reload()

    def _write(self, grants: Sequence[Grant]) -> None:
        import tomlkit

        doc = tomlkit.document()
        doc.add(tomlkit.comment("ratd client tokens: only SHA-256 hashes. Manage with: ratd token create|list|revoke"))
        table = tomlkit.table()
        for g in sorted(grants, key=lambda g: g.name):
            entry: dict[str, Any] = {"hash": g.digest, "created": g.created}
            if g.models:
                entry["models"] = list(g.models)
            if g.capabilities:
                entry["capabilities"] = list(g.capabilities)
            table.add(g.name, entry)
        doc.add("tokens", table)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(tomlkit.dumps(doc))
        os.chmod(tmp, 0o600)
        os.replace(tmp, self.path)
        self.reload()

    def create(self, name: str, *, models: Sequence[str] = (), capabilities: Sequence[str] = ()) -> str:
        """A new token named ``name`` (returned once, never stored)."""
        if not _NAME.match(name):
            raise InvalidInput(f"token name {name!r}: use letters, digits and _.@- (at most 64)")
        if any(g.name == name for g in self._grants.values()):
            raise InvalidInput(f"a token named {name!r} exists already (revoke it first)")
        unknown = sorted(set(capabilities) - CAPABILITIES)
        if unknown:
            raise InvalidInput(f"unknown capabilities {unknown} (known: {', '.join(sorted(CAPABILITIES))})")
        token = new_token()
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self._write([*self._grants.values(), Grant(name, _digest(token), created, tuple(models), tuple(capabilities))])
        return token

    def revoke(self, name: str) -> None:
        kept = [g for g in self._grants.values() if g.name != name]
        if len(kept) == len(self._grants):
            raise InvalidInput(f"no token named {name!r}")
        self._write(kept)

    # ---- checking -----------------------------------------------------------------------------------------------

    def authenticate(self, authorization: str | None) -> Grant | None:
        """The grant for an ``authorization`` header value (``Bearer <token>``); None when auth is off.

        Raises ``AuthenticationFailed`` for a missing, malformed or unknown token."""
        self._maybe_reload()
        if not self.enabled:
            return None
        if not authorization:
            raise AuthenticationFailed("this ratd needs a client token: authorization: Bearer <token>", provider=DAEMON)
        scheme, _, token = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise AuthenticationFailed("authorization must be 'Bearer <token>'", provider=DAEMON)
        digest = _digest(token.strip())
        grant = self._grants.get(digest)
        # The dict lookup is by a hash of a 256-bit secret; compare_digest keeps the final check constant-time.
        if grant is None or not hmac.compare_digest(grant.digest, digest):
            raise AuthenticationFailed("unknown or revoked client token", provider=DAEMON, status=401)
        return grant
