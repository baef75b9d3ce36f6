"""The ``[server]`` section of the config file. Every key is applied; an unknown key is an error, never ignored."""

from __future__ import annotations

import ipaddress
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from attrs import frozen
from ratatoskr.config import Settings
from ratatoskr.errors import ConfigurationError

from ratatoskr_server.tokens import default_tokens_path

__all__ = ["DEFAULT_ADDRESS", "ServerConfig", "is_local"]

#: Port 9741 spells "9RAT", like the original daemon.
DEFAULT_ADDRESS = "127.0.0.1:9741"


def _positive(table: Mapping[str, Any], key: str, default: float, *, integer: bool = False) -> Any:
    value = table.get(key, default)
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind) or value <= 0:
        what = "a positive integer" if integer else "a positive number"
        raise ConfigurationError(f"server.{key} must be {what}, got {value!r}")
    return value if integer else float(value)


def _path(table: Mapping[str, Any], key: str, *, must_exist: bool = False) -> Path | None:
    value = table.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip():
        raise ConfigurationError(f"server.{key} must be a path, got {value!r}")
    path = Path(value).expanduser()
    if must_exist and not path.is_file():
        raise ConfigurationError(f"server.{key}: no such file {path}")
    return path


def _tls(table: Mapping[str, Any]) -> dict[str, Path | None]:
    cert, key = _path(table, "tls_cert", must_exist=True), _path(table, "tls_key", must_exist=True)
    if (cert is None) != (key is None):
        raise ConfigurationError("server.tls_cert and server.tls_key go together: set both (PEM files) or neither")
    ca = _path(table, "tls_client_ca", must_exist=True)
    if ca is not None and cert is None:
        raise ConfigurationError("server.tls_client_ca (mTLS) needs TLS: set server.tls_cert and server.tls_key")
    return {"tls_cert": cert, "tls_key": key, "tls_client_ca": ca}


def _listen(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str) or ":" not in value:
        raise ConfigurationError(f"server.http_listen must be 'host:port', got {value!r}")
    return value.strip()


def is_local(address: str) -> bool:
    """A unix socket or a loopback host (``localhost``, 127.0.0.0/8, ``::1``)."""
    if address.startswith("unix:"):
        return True
    host = address.rsplit(":", 1)[0].strip("[]")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@frozen(kw_only=True)
class ServerConfig:
    """How ``ratd`` listens and how much work it takes on.

    - ``address``: ``host:port``, ``[ipv6]:port`` or ``unix:/path/to.sock``.
    - ``max_concurrent_requests``: RPCs served at once across all connections; more wait for a slot.
    - ``request_timeout``: seconds for a unary RPC (waiting for a slot included) and, on a stream, for the first
      event and between two events; past it the RPC ends with DEADLINE_EXCEEDED (``RequestTimeout``).
    - ``shutdown_grace``: seconds running RPCs get to finish on SIGINT/SIGTERM.
    - ``max_message_mb``: largest request or response message, in MiB (large embedding batches).
    - ``tls_cert``/``tls_key``: PEM certificate chain and private key; both set = TLS on every port.
    - ``tls_client_ca``: PEM CA bundle; set = clients must present a certificate it signed (mTLS).
    - ``tokens_file``: the client token store (default ``$RATATOSKR_TOKENS`` or ``~/.ratatoskr/tokens.toml``);
      when it exists, every request needs ``authorization: Bearer <token>``.
    - ``http_listen``: ``host:port`` of the OpenAI-compatible HTTP API; unset = off.
    - ``insecure``: allow a non-loopback address without TLS and tokens (``--insecure``; behind a proxy that
      provides them).
    """

    address: str = DEFAULT_ADDRESS
    max_concurrent_requests: int = 100
    request_timeout: float = 120.0
    shutdown_grace: float = 5.0
    max_message_mb: int = 64
    tls_cert: Path | None = None
    tls_key: Path | None = None
    tls_client_ca: Path | None = None
    tokens_file: Path | None = None
    http_listen: str | None = None
    insecure: bool = False

    @property
    def tls(self) -> bool:
        return self.tls_cert is not None

    @classmethod
    def from_settings(
        cls, settings: Settings, *, address: str | None = None, insecure: bool = False, http_listen: str | None = None
    ) -> ServerConfig:
        """Read ``[server]``; ``address``/``http_listen`` (from the command line) override the file."""
        table = dict(settings.section("server"))
        if "limits" in table:
            raise ConfigurationError(
                "[server.limits] is not read: put max_concurrent_requests and request_timeout in [server]"
            )
        known = {
            "address",
            "max_concurrent_requests",
            "request_timeout",
            "shutdown_grace",
            "max_message_mb",
            "tls_cert",
            "tls_key",
            "tls_client_ca",
            "tokens_file",
            "http_listen",
        }
        unknown = sorted(set(table) - known)
        if unknown:
            raise ConfigurationError(f"unknown [server] keys: {', '.join(unknown)} (known: {', '.join(sorted(known))})")
        chosen = address if address is not None else table.get("address", DEFAULT_ADDRESS)
        if not isinstance(chosen, str) or not chosen.strip():
            raise ConfigurationError(f"server.address must be a non-empty string, got {chosen!r}")
        return cls(
            address=chosen.strip(),
            max_concurrent_requests=_positive(table, "max_concurrent_requests", 100, integer=True),
            request_timeout=_positive(table, "request_timeout", 120.0),
            shutdown_grace=_positive(table, "shutdown_grace", 5.0),
            max_message_mb=_positive(table, "max_message_mb", 64, integer=True),
            **_tls(table),
            tokens_file=_path(table, "tokens_file") or default_tokens_path(dict(settings.env)),
            http_listen=_listen(http_listen if http_listen is not None else table.get("http_listen")),
            insecure=insecure,
        )

    @property
    def channel_options(self) -> list[tuple[str, int]]:
        size = self.max_message_mb * 1024 * 1024
        return [("grpc.max_receive_message_length", size), ("grpc.max_send_message_length", size)]
