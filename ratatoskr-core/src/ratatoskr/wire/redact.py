"""Hide the secrets a request carried in what comes back: an upstream error body may echo the API key.

The secrets are read off the request headers themselves (any header whose name says it carries a key, a token
or credentials), so a provider adds nothing to get this: whatever it sends as a credential is never shown.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import overload

__all__ = ["REDACTED", "redact", "secrets_in"]

REDACTED = "[redacted]"

#: Header names (lower case) that carry credentials; any name containing "key", "token" or "secret" does too.
_CREDENTIAL_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
_CREDENTIAL_WORDS = ("key", "token", "secret")
#: Shorter values are not hidden: replacing "abc" everywhere would mangle the message and hide nothing real.
_MIN_SECRET = 8


def secrets_in(headers: Mapping[str, str]) -> tuple[str, ...]:
    """The credential values in ``headers`` (a ``Bearer`` token both whole and without its scheme), longest first."""
    found: set[str] = set()
    for name, value in headers.items():
        lower = name.lower()
        if lower not in _CREDENTIAL_HEADERS and not any(word in lower for word in _CREDENTIAL_WORDS):
            continue
        value = str(value).strip()
        _, _, credential = value.partition(" ")
        found.update(v for v in (value, credential.strip()) if len(v) >= _MIN_SECRET)
    return tuple(sorted(found, key=len, reverse=True))


@overload
def redact(text: str, secrets: tuple[str, ...]) -> str: ...
@overload
def redact(text: bytes, secrets: tuple[str, ...]) -> bytes: ...
def redact(text: str | bytes, secrets: tuple[str, ...]) -> str | bytes:
    """``text`` with every secret replaced by ``[redacted]``."""
    for secret in secrets:
        if isinstance(text, bytes):
            text = text.replace(secret.encode(), REDACTED.encode())
        else:
            text = text.replace(secret, REDACTED)
    return text
