"""``/metrics``: request counts and latencies of the HTTP API, in Prometheus' text format (version 0.0.4).

Counted by the app itself (a dict increment per request), so ``/metrics`` works without an OpenTelemetry SDK.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable

__all__ = ["Metrics"]

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


class Metrics:
    """Counters per (route, status) and a latency histogram per route; ``gauges`` adds live values."""

    def __init__(self) -> None:
        self.requests: dict[tuple[str, int], int] = defaultdict(int)
        self.buckets: dict[str, list[int]] = {}
        self.sums: dict[str, float] = defaultdict(float)
        self.gauges: dict[str, Callable[[], float]] = {}

    def observe(self, route: str, status: int, seconds: float) -> None:
        self.requests[(route, status)] += 1
        counts = self.buckets.get(route)
        if counts is None:
            counts = self.buckets[route] = [0] * (len(BUCKETS) + 1)
        counts[bisect.bisect_left(BUCKETS, seconds)] += 1
        self.sums[route] += seconds

    def render(self) -> str:
        lines = [
            "# HELP ratd_http_requests_total HTTP API requests by route and status.",
            "# TYPE ratd_http_requests_total counter",
        ]
        for (route, status), n in sorted(self.requests.items()):
            lines.append(f'ratd_http_requests_total{{route="{route}",status="{status}"}} {n}')
        lines += [
            "# HELP ratd_http_request_duration_seconds HTTP API request latency (streams: until the last event).",
            "# TYPE ratd_http_request_duration_seconds histogram",
        ]
        for route, counts in sorted(self.buckets.items()):
            total = 0
            for bound, n in zip((*BUCKETS, float("inf")), counts, strict=True):
                total += n
                le = "+Inf" if bound == float("inf") else f"{bound:g}"
                lines.append(f'ratd_http_request_duration_seconds_bucket{{route="{route}",le="{le}"}} {total}')
            lines.append(f'ratd_http_request_duration_seconds_sum{{route="{route}"}} {self.sums[route]:.6f}')
            lines.append(f'ratd_http_request_duration_seconds_count{{route="{route}"}} {total}')
        for name, read in sorted(self.gauges.items()):
            lines += [f"# TYPE {name} gauge", f"{name} {read():g}"]
        return "\n".join(lines) + "\n"
