"""``/metrics`` of the HTTP API: the daemon's OpenTelemetry metrics (:mod:`ratatoskr_server.metrics`) as Prometheus
text, with the HTTP API's own instruments beside the core's:

- ``http.server.request.duration`` (histogram, seconds; attributes ``http.request.method``, ``http.route``,
  ``http.response.status_code``; streams: until the last event), whose ``_count`` is the number of requests;
- ``ratd.grpc.requests.in_flight`` (gauge): gRPC requests being served now, over the daemons of this process.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable
from typing import Any, Protocol

from ratatoskr_server import metrics as M

__all__ = ["Metrics"]

#: Seconds; finer than the HTTP semantic conventions' advice at the low end, where a gateway's own time lies.
BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0]


class _Gate(Protocol):
    in_flight: int


_GATES: weakref.WeakSet[Any] = weakref.WeakSet()
_INSTRUMENTS: Any = None


def _in_flight(options: Any) -> Iterable[Any]:
    from opentelemetry.metrics import Observation

    yield Observation(sum(gate.in_flight for gate in list(_GATES)))


def _instruments() -> Any:
    """The HTTP API's instruments, made once per process (a second daemon in the process shares them)."""
    global _INSTRUMENTS
    if _INSTRUMENTS is None:
        from opentelemetry import metrics

        meter = metrics.get_meter("ratatoskr_server")
        duration = meter.create_histogram(
            "http.server.request.duration",
            unit="s",
            description="Duration of HTTP server requests",
            explicit_bucket_boundaries_advisory=BUCKETS,
        )
        meter.create_observable_gauge(
            "ratd.grpc.requests.in_flight", [_in_flight], description="gRPC requests being served now"
        )
        _INSTRUMENTS = duration
    return _INSTRUMENTS


class Metrics:
    """Records the HTTP API's requests and renders ``/metrics``; installs the process's meter provider
    (:func:`ratatoskr_server.metrics.install`) when made."""

    def __init__(self) -> None:
        self.source = M.install()
        self._duration = _instruments()
        self._attributes: dict[tuple[str, str, int], dict[str, Any]] = {}

    def observe(self, route: str, status: int, seconds: float, method: str = "GET") -> None:
        key = (method, route, status)
        attributes = self._attributes.get(key)
        if attributes is None:
            attributes = self._attributes[key] = {
                "http.request.method": method,
                "http.route": route,
                "http.response.status_code": status,
            }
        self._duration.record(seconds, attributes)

    def track(self, gate: _Gate) -> None:
        """Count ``gate``'s requests in flight in ``ratd_grpc_requests_in_flight`` (while the gate lives)."""
        _GATES.add(gate)

    def render(self) -> str:
        """Everything recorded in this process so far, as Prometheus text."""
        return self.source.render()
