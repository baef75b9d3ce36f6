"""OpenTelemetry spans and metrics for every dispatched call (GenAI semantic conventions).

opentelemetry-api is a no-op until an SDK is installed; we import it lazily (it costs import time) and skip all
span work while the global tracer provider is still the default proxy, so a gateway without telemetry pays
almost nothing per call.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

__all__ = ["Telemetry"]

_INSTRUMENTATION = "ratatoskr"


class Telemetry:
    def __init__(self) -> None:
        self._trace: Any = None
        self._tracer: Any = None
        self._meter_state: Any = None

    def _enabled(self) -> bool:
        if self._trace is None:
            from opentelemetry import trace

            self._trace = trace
        # ProxyTracerProvider means no SDK was configured: spans would be non-recording.
        return type(self._trace.get_tracer_provider()).__name__ != "ProxyTracerProvider"

    @contextlib.contextmanager
    def span(self, operation: str, provider: str, model: str) -> Iterator[Any]:
        if not self._enabled():
            yield None
            return
        if self._tracer is None:
            self._tracer = self._trace.get_tracer(_INSTRUMENTATION)
        attributes = {
            "gen_ai.operation.name": operation,
            "gen_ai.system": provider,
            "gen_ai.request.model": model,
        }
        with self._tracer.start_as_current_span(f"{operation} {model}", attributes=attributes) as span:
            yield span

    def _meters(self) -> Any:
        if self._meter_state is None:
            from opentelemetry import metrics

            meter = metrics.get_meter(_INSTRUMENTATION)
            self._meter_state = (
                meter.create_counter("ratatoskr.requests", description="Dispatched provider calls"),
                meter.create_histogram("gen_ai.client.operation.duration", unit="s"),
                meter.create_counter("ratatoskr.retries", description="Retried provider calls"),
                meter.create_histogram("gen_ai.client.token.usage", unit="{token}"),
            )
        return self._meter_state

    def record(self, operation: str, provider: str, model: str, seconds: float, error: str | None) -> None:
        if not self._enabled():
            return
        requests, duration, _, _ = self._meters()
        attrs = {"gen_ai.operation.name": operation, "gen_ai.system": provider, "gen_ai.request.model": model}
        if error:
            attrs["error.type"] = error
        requests.add(1, attrs)
        duration.record(seconds, attrs)

    def retry(self, operation: str, provider: str) -> None:
        if self._enabled():
            self._meters()[2].add(1, {"gen_ai.operation.name": operation, "gen_ai.system": provider})

    def tokens(self, operation: str, provider: str, prompt: int, completion: int) -> None:
        if not self._enabled():
            return
        usage = self._meters()[3]
        base = {"gen_ai.operation.name": operation, "gen_ai.system": provider}
        usage.record(prompt, {**base, "gen_ai.token.type": "input"})
        usage.record(completion, {**base, "gen_ai.token.type": "output"})
