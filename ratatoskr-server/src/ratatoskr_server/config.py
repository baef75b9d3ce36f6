"""The ``[server]`` section of the config file. Every key is applied; an unknown key is an error, never ignored."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import frozen
from ratatoskr.config import Settings
from ratatoskr.errors import ConfigurationError

__all__ = ["DEFAULT_ADDRESS", "ServerConfig"]

#: Port 9741 spells "9RAT", like the original daemon.
DEFAULT_ADDRESS = "127.0.0.1:9741"


def _positive(table: Mapping[str, Any], key: str, default: float, *, integer: bool = False) -> Any:
    value = table.get(key, default)
    kind = int if integer else (int, float)
    if isinstance(value, bool) or not isinstance(value, kind) or value <= 0:
        what = "a positive integer" if integer else "a positive number"
        raise ConfigurationError(f"server.{key} must be {what}, got {value!r}")
    return value if integer else float(value)


@frozen(kw_only=True)
class ServerConfig:
    """How ``ratd`` listens and how much work it takes on.

    - ``address``: ``host:port``, ``[ipv6]:port`` or ``unix:/path/to.sock``.
    - ``max_concurrent_requests``: RPCs served at once across all connections; more wait for a slot.
    - ``request_timeout``: seconds for a unary RPC (waiting for a slot included) and, on a stream, for the first
      event and between two events; past it the RPC ends with DEADLINE_EXCEEDED (``RequestTimeout``).
    - ``shutdown_grace``: seconds running RPCs get to finish on SIGINT/SIGTERM.
    - ``max_message_mb``: largest request or response message, in MiB (large embedding batches).
    """

    address: str = DEFAULT_ADDRESS
    max_concurrent_requests: int = 100
    request_timeout: float = 120.0
    shutdown_grace: float = 5.0
    max_message_mb: int = 64

    @classmethod
    def from_settings(cls, settings: Settings, *, address: str | None = None) -> ServerConfig:
        """Read ``[server]``; ``address`` (e.g. from ``--address``) overrides the file."""
        table = dict(settings.section("server"))
        if "limits" in table:
            raise ConfigurationError(
                "[server.limits] is not read: put max_concurrent_requests and request_timeout in [server]"
            )
        known = {"address", "max_concurrent_requests", "request_timeout", "shutdown_grace", "max_message_mb"}
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
        )

    @property
    def channel_options(self) -> list[tuple[str, int]]:
        size = self.max_message_mb * 1024 * 1024
        return [("grpc.max_receive_message_length", size), ("grpc.max_send_message_length", size)]
