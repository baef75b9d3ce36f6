"""The ``[server]`` section of the config file, declared once. Every key is applied; an unknown key is an error."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import attrs
from attrs import evolve, frozen
from ratatoskr.config import Settings
from ratatoskr.config_schema import ConfigTable, at_least, non_empty, positive, read_table, setting
from ratatoskr.errors import ConfigurationError, InvalidSetting

from ratatoskr_server.tokens import default_tokens_path

__all__ = ["DEFAULT_ADDRESS", "ServerConfig", "is_local"]

#: Port 9741 spells "9RAT", like the original daemon.
DEFAULT_ADDRESS = "127.0.0.1:9741"


def _exists(path: Path | None, key: str) -> None:
    if path is not None and not path.is_file():
        raise ConfigurationError(f"server.{key}: no such file {path}")


def _check_tls(config: ServerConfig) -> None:
    for key in ("tls_cert", "tls_key", "tls_client_ca"):
        _exists(getattr(config, key), key)
    if (config.tls_cert is None) != (config.tls_key is None):
        raise ConfigurationError("server.tls_cert and server.tls_key go together: set both (PEM files) or neither")
    if config.tls_client_ca is not None and config.tls_cert is None:
        raise ConfigurationError("server.tls_client_ca (mTLS) needs TLS: set server.tls_cert and server.tls_key")


def _host_port(_: Any, attribute: attrs.Attribute[Any], value: str | None) -> None:
    if value is not None and ":" not in value:
        raise InvalidSetting(f"{attribute.name} must be 'host:port', got {value!r}", key=attribute.name)


def _blank_is_none(value: str | None) -> str | None:
    return value.strip() or None if value is not None else None


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
class ServerConfig(ConfigTable):
    """How ``ratd`` listens and how much work it takes on: the ``[server]`` section, read by the one converter."""

    address: str = setting(
        DEFAULT_ADDRESS,
        doc="`host:port`, `[ipv6]:port` or `unix:/path/to.sock`.",
        validator=non_empty,
        converter=str.strip,
    )
    max_concurrent_requests: int = setting(
        100, doc="RPCs served at once across all connections; more wait for a slot.", validator=at_least(1)
    )
    request_timeout: float = setting(
        120.0,
        doc="Seconds for a unary RPC (waiting for a slot included) and, on a stream, for the first event and between "
        "two events; past it the RPC ends with DEADLINE_EXCEEDED.",
        validator=positive,
    )
    shutdown_grace: float = setting(
        5.0, doc="Seconds running RPCs get to finish on SIGINT/SIGTERM.", validator=positive
    )
    max_message_mb: int = setting(
        64, doc="Largest request or response message, in MiB (large embedding batches).", validator=at_least(1)
    )
    tls_cert: Path | None = setting(None, doc="PEM certificate chain; with `tls_key`, TLS on every port.")
    tls_key: Path | None = setting(None, doc="PEM private key of `tls_cert`.")
    tls_client_ca: Path | None = setting(
        None, doc="PEM CA bundle: clients must present a certificate it signed (mTLS)."
    )
    tokens_file: Path | None = setting(
        None,
        doc="The client token store (default `$RATATOSKR_TOKENS` or `~/.ratatoskr/tokens.toml`); when it exists, "
        "every request needs `authorization: Bearer <token>`.",
    )
    http_listen: str | None = setting(
        None,
        doc="`host:port` of the OpenAI-compatible HTTP API; unset: off.",
        validator=_host_port,
        converter=_blank_is_none,
    )
    #: Allow a non-loopback address without TLS and tokens (``--insecure``, behind a proxy that provides them);
    #: command line only, not a key of the file.
    insecure: bool = attrs.field(default=False, metadata={"key": False})

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
            raise InvalidSetting(
                "[server.limits] is not read: put max_concurrent_requests and request_timeout in [server]",
                table="server",
                key="limits",
            )
        if address is not None:
            table["address"] = address
        if http_listen is not None:
            table["http_listen"] = http_listen
        config = read_table(cls, table, where="server")
        _check_tls(config)
        return evolve(
            config, tokens_file=config.tokens_file or default_tokens_path(dict(settings.env)), insecure=insecure
        )

    @property
    def channel_options(self) -> list[tuple[str, int]]:
        size = self.max_message_mb * 1024 * 1024
        return [("grpc.max_receive_message_length", size), ("grpc.max_send_message_length", size)]
