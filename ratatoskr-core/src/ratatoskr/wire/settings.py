"""The settings every HTTP provider's ``[providers.NAME]`` table has: its deadline, stream limits and size cap.

A provider's config class derives from :class:`HttpProviderConfig` (not :class:`ProviderConfig`), redeclares
``timeout`` with its own default when it needs another, and builds its provider with
``**config.provider_options()`` (``timeout``, ``limits``, ``priority``, ``models``) next to its own keywords.
Cheap to import (no httpx, no anyio): plugin modules import their config class.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, TypedDict

from attrs import frozen

from ratatoskr.config_schema import at_least, positive, setting
from ratatoskr.provider_factory import ProviderConfig, models_setting

if TYPE_CHECKING:
    from ratatoskr.wire.limits import Limits

__all__ = ["DEFAULT_MAX_RESPONSE_BYTES", "HttpProviderConfig", "HttpProviderOptions"]

#: 64 MiB (the same as :data:`ratatoskr.wire.endpoint.DEFAULT_MAX_RESPONSE_BYTES`, kept here to stay cheap).
DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024


class HttpProviderOptions(TypedDict):
    """The keywords every :class:`~ratatoskr.wire.base.HttpProvider` takes from the keys its table shares."""

    timeout: float
    limits: Limits
    priority: int
    models: frozenset[str] | None


@frozen(kw_only=True)
class HttpProviderConfig(ProviderConfig):
    """Keys of every HTTP provider's table, on top of ``enabled`` and ``priority``."""

    models: frozenset[str] | None = models_setting()

    timeout: float = setting(
        300.0, doc="Seconds for a whole request (connect, send, the whole answer); a stream's first event.",
        validator=positive,
    )  # fmt: skip
    idle_timeout: float | None = setting(
        None, doc="Seconds a stream may go without an event (keep-alives do not count; default: `timeout`).",
        validator=positive,
    )  # fmt: skip
    stream_timeout: float | None = setting(
        None, doc="Seconds a whole stream may take (default: no limit beyond the idle one).", validator=positive
    )
    max_response_bytes: int = setting(
        DEFAULT_MAX_RESPONSE_BYTES, doc="The largest answer, or stream event, accepted.", validator=at_least(1)
    )
    max_connections: int = setting(
        256, doc="Connections kept open to the service (more concurrent requests wait for one).",
        validator=at_least(1),
    )  # fmt: skip

    def provider_options(self) -> HttpProviderOptions:
        """``timeout``, :meth:`limits`, ``priority`` and ``models``, as keyword arguments for the provider."""
        return {"timeout": self.timeout, "limits": self.limits(), "priority": self.priority, "models": self.models}

    def limits(self) -> Limits:
        """These settings as the endpoint's :class:`~ratatoskr.wire.endpoint.Limits`."""
        from ratatoskr.wire.limits import Limits

        return Limits(
            timeout=self.timeout, idle_timeout=self.idle_timeout, stream_timeout=self.stream_timeout,
            max_response_bytes=self.max_response_bytes, max_connections=self.max_connections,
        )  # fmt: skip
