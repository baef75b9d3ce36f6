"""How long and how large one HTTP exchange may be: :class:`Limits`, shared by every endpoint and by the HTTP
providers' config tables (:class:`ratatoskr.wire.settings.HttpProviderConfig`)."""

from __future__ import annotations

import math
from typing import Any

from attrs import field, frozen

from ratatoskr.errors import InvalidInput

__all__ = ["DEFAULT_CONNECT_TIMEOUT", "DEFAULT_MAX_RESPONSE_BYTES", "DEFAULT_TIMEOUT", "POOL_CONNECTIONS", "Limits"]

DEFAULT_TIMEOUT = 300.0
DEFAULT_CONNECT_TIMEOUT = 10.0
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
#: Connections a created client opens (and keeps alive) per endpoint by default; an injected client keeps its own.
POOL_CONNECTIONS = 256


def _seconds(_: object, attribute: Any, value: float | None) -> None:
    if value is not None and (isinstance(value, bool) or not (0 < value < math.inf)):
        raise InvalidInput(f"{attribute.name} must be a positive number of seconds, got {value!r}")


def _bytes(_: object, attribute: Any, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(f"{attribute.name} must be a positive number of bytes, got {value!r}")


def _count(_: object, attribute: Any, value: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise InvalidInput(f"{attribute.name} must be a positive whole number, got {value!r}")


@frozen(kw_only=True)
class Limits:
    """How long and how large one exchange may be."""

    #: Seconds for a whole JSON exchange; for a stream, until its first event.
    timeout: float = field(default=DEFAULT_TIMEOUT, validator=_seconds)
    #: Seconds to establish the connection (never more than ``timeout``).
    connect_timeout: float = field(default=DEFAULT_CONNECT_TIMEOUT, validator=_seconds)
    #: Seconds a stream may go without an event once it started; None: the same as ``timeout``.
    idle_timeout: float | None = field(default=None, validator=_seconds)
    #: Seconds a whole stream may take; None: no total limit (the idle limit still applies).
    stream_timeout: float | None = field(default=None, validator=_seconds)
    #: The largest answer, or stream event, accepted.
    max_response_bytes: int = field(default=DEFAULT_MAX_RESPONSE_BYTES, validator=_bytes)
    #: Connections a created client opens and keeps alive (more concurrent calls wait for one).
    max_connections: int = field(default=POOL_CONNECTIONS, validator=_count)

    @property
    def idle(self) -> float:
        """The idle limit in effect."""
        return self.idle_timeout if self.idle_timeout is not None else self.timeout
