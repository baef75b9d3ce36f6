"""OpenTelemetry spans and metrics for every dispatched call (GenAI semantic conventions).

opentelemetry-api is a no-op until an SDK is installed; we import it lazily (it costs import time) and skip all
span work while the global tracer provider is still the default proxy, and all metric work while the global
meter provider is, so a gateway without telemetry pays almost nothing per call. Spans and metrics are switched
on apart: ``ratd`` installs a meter provider for ``/metrics`` without tracing anything.

What is recorded: one span per provider call (for a stream: from the call until the stream ends, with a mid-stream
error recorded on it), ``ratatoskr.requests`` and ``gen_ai.client.operation.duration`` per call, ``ratatoskr.retries``,
``gen_ai.client.token.usage`` (input and output tokens of every answer and stream that reports usage),
``ratatoskr.cache.lookups`` (``ratatoskr.cache.hit`` true/false) and ``ratatoskr.parameter.refusals`` (an option a
provider refused at run time, learnt by parameter discovery).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from typing import Any

__all__ = ["StreamSpan", "Telemetry"]

_INSTRUMENTATION = "ratatoskr"
#: The bucket boundaries the GenAI semantic conventions advise (an SDK's default ones are for milliseconds).
_DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92]
_TOKEN_BUCKETS = [4**i for i in range(14)]  # 1, 4, 16, ... 67108864


def _attributes(operation: str, provider: str, model: str | None = None) -> dict[str, str]:
    out = {"gen_ai.operation.name": operation, "gen_ai.system": provider}
    if model is not None:
        out["gen_ai.request.model"] = model
    return out


class StreamSpan:
    """The span of one stream, open until :meth:`end` (with the error that ended it, if any)."""

    __slots__ = ("_span",)

    def __init__(self, span: Any) -> None:
        self._span = span

    def end(self, error: BaseException | None = None) -> None:
        if self._span is None:
            return
        if error is not None:
            from opentelemetry.trace import Status, StatusCode

            self._span.record_exception(error)
            self._span.set_attribute("error.type", type(error).__name__)
            self._span.set_status(Status(StatusCode.ERROR, str(error)))
        self._span.end()
        self._span = None


_NO_SPAN: contextlib.nullcontext[None] = contextlib.nullcontext()


class Telemetry:
    """Spans and metrics of the dispatch road; every method is a no-op until an OpenTelemetry SDK is configured."""

    def __init__(self) -> None:
        self._trace: Any = None
        self._proxy: type | None = None
        self._tracer: Any = None
        self._meter_state: Any = None
        self._metrics: Any = None
        self._meter_proxy: type | None = None
        # OpenTelemetry installs its global providers once and for good: once one is seen, no need to look again
        # (each look is a lookup in os.environ, on every call).
        self._traced = False
        self._measured = False

    def _enabled(self) -> bool:
        if self._traced:
            return True
        if self._proxy is None:
            from opentelemetry import trace

            self._trace = trace
            self._proxy = trace.ProxyTracerProvider
        # The proxy provider means no SDK was configured: spans would be non-recording.
        self._traced = not isinstance(self._trace.get_tracer_provider(), self._proxy)
        return self._traced

    def _metered(self) -> bool:
        """Whether a meter provider (an SDK's) is installed: until then the instruments would record nothing."""
        if self._measured:
            return True
        if self._meter_proxy is None:
            from opentelemetry import metrics

            self._metrics = metrics
            try:  # the API's placeholder until set_meter_provider; not exported, so guard the import
                from opentelemetry.metrics._internal import _ProxyMeterProvider

                self._meter_proxy = _ProxyMeterProvider
            except ImportError:  # pragma: no cover - another opentelemetry-api layout: always record
                self._meter_proxy = type("_Never", (), {})
        self._measured = not isinstance(self._metrics.get_meter_provider(), self._meter_proxy)
        return self._measured

    def _get_tracer(self) -> Any:
        if self._tracer is None:
            self._tracer = self._trace.get_tracer(_INSTRUMENTATION)
        return self._tracer

    def span(self, operation: str, provider: str, model: str) -> contextlib.AbstractContextManager[Any]:
        """A span around one provider call (errors are recorded on it by OpenTelemetry); without a tracer provider,
        a shared no-op context (no generator per call)."""
        return self._span(operation, provider, model) if self._enabled() else _NO_SPAN

    @contextlib.contextmanager
    def _span(self, operation: str, provider: str, model: str) -> Iterator[Any]:
        attributes = _attributes(operation, provider, model)
        with self._get_tracer().start_as_current_span(f"{operation} {model}", attributes=attributes) as span:
            yield span

    def stream_span(self, operation: str, provider: str, model: str, started_ns: int | None = None) -> StreamSpan:
        """A span for a stream, from ``started_ns`` (``time.time_ns()`` when the provider was called) until
        :meth:`StreamSpan.end`; not made current (the stream's consumer runs between its events)."""
        if not self._enabled():
            return StreamSpan(None)
        span = self._get_tracer().start_span(
            f"{operation} {model}",
            attributes=_attributes(operation, provider, model),
            start_time=started_ns if started_ns is not None else time.time_ns(),
        )
        return StreamSpan(span)

    def _meters(self) -> Any:
        if self._meter_state is None:
            from opentelemetry import metrics

            meter = metrics.get_meter(_INSTRUMENTATION)
            self._meter_state = (
                meter.create_counter("ratatoskr.requests", description="Dispatched provider calls"),
                meter.create_histogram(
                    "gen_ai.client.operation.duration",
                    unit="s",
                    description="GenAI operation duration",
                    explicit_bucket_boundaries_advisory=_DURATION_BUCKETS,
                ),
                meter.create_counter("ratatoskr.retries", description="Retried provider calls"),
                meter.create_histogram(
                    "gen_ai.client.token.usage",
                    unit="{token}",
                    description="Measures number of input and output tokens used",
                    explicit_bucket_boundaries_advisory=_TOKEN_BUCKETS,
                ),
                meter.create_counter("ratatoskr.cache.lookups", description="Response cache lookups"),
                meter.create_counter("ratatoskr.parameter.refusals", description="Options providers refused"),
            )
        return self._meter_state

    def record(self, operation: str, provider: str, model: str, seconds: float, error: str | None) -> None:
        if not self._metered():
            return
        requests, duration, *_ = self._meters()
        attrs = _attributes(operation, provider, model)
        if error:
            attrs["error.type"] = error
        requests.add(1, attrs)
        duration.record(seconds, attrs)

    def retry(self, operation: str, provider: str) -> None:
        if self._metered():
            self._meters()[2].add(1, _attributes(operation, provider))

    def tokens(self, operation: str, provider: str, prompt: int, completion: int) -> None:
        """``gen_ai.client.token.usage`` for one answer: its input and output tokens."""
        if not self._metered():
            return
        usage = self._meters()[3]
        base = _attributes(operation, provider)
        usage.record(prompt, {**base, "gen_ai.token.type": "input"})
        usage.record(completion, {**base, "gen_ai.token.type": "output"})

    def cache(self, operation: str, hits: int, misses: int) -> None:
        """Response cache lookups of one request (a batch looks up each item)."""
        if not self._metered():
            return
        lookups = self._meters()[4]
        if hits:
            lookups.add(hits, {"gen_ai.operation.name": operation, "ratatoskr.cache.hit": True})
        if misses:
            lookups.add(misses, {"gen_ai.operation.name": operation, "ratatoskr.cache.hit": False})

    def refusal(self, provider: str, model: str, parameter: str) -> None:
        """Parameter discovery learnt that ``provider`` refuses ``parameter`` for ``model``."""
        if self._metered():
            self._meters()[5].add(1, {"gen_ai.system": provider, "gen_ai.request.model": model, "parameter": parameter})
