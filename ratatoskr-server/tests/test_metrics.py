"""``/metrics`` serves the OpenTelemetry metrics the gateway records (and the HTTP API's own), as Prometheus text
that a strict grammar and prometheus_client's parser both accept; names and labels follow OpenTelemetry's
Prometheus conventions."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any

import anyio
import anyio.to_thread
import httpx
import pytest
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader
from prometheus_client.parser import text_string_to_metric_families
from ratatoskr.wire._pool import default_ssl_context
from ratatoskr_server import ServiceClient
from ratatoskr_server._prometheus import metric_name, render
from ratatoskr_server.config import ServerConfig
from ratatoskr_server.metrics import LightMeterProvider
from ratatoskr_server.server import ServerThread

from .conftest import Script, make_gateway

_NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
_LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
_VALUE = r"(?:[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)|[-+]Inf|NaN)"
_SAMPLE = re.compile(rf"^({_NAME})(\{{{_LABEL}(?:,{_LABEL})*\}})? {_VALUE}$")
_HELP = re.compile(rf"^# HELP ({_NAME}) .*$")
_TYPE = re.compile(rf"^# TYPE ({_NAME}) (counter|gauge|histogram)$")
_SUFFIXES = {"histogram": ("_bucket", "_sum", "_count"), "counter": ("",), "gauge": ("",)}


def strict(text: str) -> dict[str, str]:
    """Checks ``text`` line by line against the 0.0.4 text format: each family typed once, before its samples,
    every sample named after the family it follows; histogram buckets cumulative, ``+Inf`` equal to ``_count``.
    Returns {family: type}."""
    assert text.endswith("\n")
    types: dict[str, str] = {}
    current: tuple[str, str] | None = None
    buckets: dict[str, list[float]] = {}
    counts: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("# HELP"):
            assert _HELP.match(line), line
            continue
        if line.startswith("# TYPE"):
            typed = _TYPE.match(line)
            assert typed and typed[1] not in types, line
            current = typed[1], typed[2]
            types[typed[1]] = typed[2]
            continue
        sample = _SAMPLE.match(line)
        assert sample and current is not None, line
        name, kind = current
        assert any(sample[1] == name + s for s in _SUFFIXES[kind]), (line, name)
        value = float(line.rsplit(" ", 1)[1])
        if sample[1].endswith("_bucket"):
            series = re.sub(r',?le="[^"]*"', "", sample[2])
            seen = buckets.setdefault(name + series, [])
            assert not seen or value >= seen[-1], line  # cumulative
            seen.append(value)
            if 'le="+Inf"' in line:
                counts[name + series] = value
        elif sample[1].endswith("_count") and kind == "histogram":
            assert counts.pop(name + (sample[2] or "{}").replace("{}", "")) == value, line
    assert not counts, counts
    return types


def samples(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    """The samples called ``name`` (prometheus_client's parser), by their sorted labels."""
    out = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name:
                out[tuple(sorted(sample.labels.items()))] = sample.value
    return out


@pytest.fixture(scope="module")
def daemon() -> Iterator[ServerThread]:
    config = ServerConfig(address="127.0.0.1:0", http_listen="127.0.0.1:0")
    with ServerThread(make_gateway(), config) as server:
        yield server


def chat_count(text: str, model: str) -> float:
    found = samples(text, "gen_ai_client_operation_duration_seconds_count")
    key = (
        ("gen_ai_operation_name", "chat"),
        ("gen_ai_request_model", model),
        ("gen_ai_system", "demo"),
    )
    return found.get(key, 0.0)


async def test_a_chat_through_the_http_api_shows_in_metrics(daemon: ServerThread) -> None:
    model = f"probe-{uuid.uuid4().hex[:8]}"  # a series no other test (or backend run) records into
    body = {"model": f"demo:{model}", "messages": [{"role": "user", "content": "count me"}]}
    async with httpx.AsyncClient(
        verify=default_ssl_context(), base_url=f"http://{daemon.http_address}", timeout=10
    ) as web:
        before = (await web.get("/metrics")).text
        assert (await web.post("/v1/chat/completions", json=body)).status_code == 200
        reply = await web.get("/metrics")
    assert reply.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    text = reply.text
    types = strict(text)
    assert types["gen_ai_client_operation_duration_seconds"] == "histogram"
    assert types["ratatoskr_requests_total"] == "counter"
    assert types["http_server_request_duration_seconds"] == "histogram"
    assert types["ratd_grpc_requests_in_flight"] == "gauge"
    # the provider and model are labels; exactly one more call than before
    assert chat_count(text, model) == chat_count(before, model) + 1 == 1
    requests = samples(text, "ratatoskr_requests_total")
    assert (
        requests[(("gen_ai_operation_name", "chat"), ("gen_ai_request_model", model), ("gen_ai_system", "demo"))] == 1
    )
    tokens = samples(text, "gen_ai_client_token_usage_count")
    assert tokens[(("gen_ai_operation_name", "chat"), ("gen_ai_system", "demo"), ("gen_ai_token_type", "input"))] >= 1
    http = samples(text, "http_server_request_duration_seconds_count")
    route = (
        ("http_request_method", "POST"),
        ("http_response_status_code", "200"),
        ("http_route", "/v1/chat/completions"),
    )
    assert http[route] >= 1
    buckets = samples(text, "gen_ai_client_operation_duration_seconds_bucket")
    assert {dict(k)["le"] for k in buckets} >= {"0.01", "81.92", "+Inf"}  # the GenAI conventions' buckets


async def test_grpc_requests_in_flight_is_a_live_gauge(daemon: ServerThread, script: Script) -> None:
    """While a gRPC request waits in a provider, the gauge counts it; when it is answered, no longer."""

    async def scrape() -> float:
        async with httpx.AsyncClient(
            verify=default_ssl_context(), base_url=f"http://{daemon.http_address}", timeout=10
        ) as web:
            return samples((await web.get("/metrics")).text, "ratd_grpc_requests_in_flight")[()]

    gate = daemon.gate
    assert gate is not None

    def one_in_flight() -> bool:
        with gate.changed:
            return gate.changed.wait_for(lambda: gate.in_flight == 1, timeout=10)

    idle = await scrape()
    async with ServiceClient(daemon.address, timeout=10) as client, anyio.create_task_group() as tg:
        tg.start_soon(client.embed, "x", "errors:gated")
        assert await anyio.to_thread.run_sync(one_in_flight)
        assert await scrape() == idle + 1
        script.release.set()
    assert await scrape() == idle


def test_names_follow_opentelemetrys_prometheus_rules() -> None:
    assert (
        metric_name("gen_ai.client.operation.duration", "s", counter=False)
        == "gen_ai_client_operation_duration_seconds"
    )
    assert metric_name("gen_ai.client.token.usage", "{token}", counter=False) == "gen_ai_client_token_usage"
    assert metric_name("ratatoskr.requests", "", counter=True) == "ratatoskr_requests_total"
    assert metric_name("http.server.request.body.size", "By", counter=False) == "http_server_request_body_size_bytes"
    assert metric_name("queue-depth", "1", counter=False) == "queue_depth"
    assert metric_name("rate", "By/s", counter=False) == "rate_bytes_per_second"
    assert metric_name("latency.seconds", "s", counter=False) == "latency_seconds"  # no doubled unit
    assert metric_name("calls_total", "", counter=True) == "calls_total"


def record_everything(meter: Any) -> None:
    """Counters, up-down counters, observable gauges and histograms; labels with quotes, backslashes, newlines and
    booleans; two series of one histogram; the same counter asked for twice (two gateways in one process)."""
    meter.create_counter("t.calls", description="Calls\nmade").add(3, {"odd": 'a "q" \\ b\nc', "hit": True})
    meter.create_counter("t.calls", description="Calls\nmade").add(2, {"odd": 'a "q" \\ b\nc', "hit": True})
    meter.create_up_down_counter("t.open").add(-2)
    size = meter.create_histogram("t.size", unit="By", explicit_bucket_boundaries_advisory=[10, 100])
    for value, attributes in [(50, {"k": "v"}), (10, {"k": "v"}), (1000, {"k": "w"}), (0.5, {"k": "v"})]:
        size.record(value, attributes)

    def observe(options: Any) -> Any:
        from opentelemetry.metrics import Observation

        yield Observation(1.5)

    meter.create_observable_gauge("t.level", [observe])


def light() -> tuple[Any, Any]:
    provider = LightMeterProvider()
    return provider.get_meter("t"), provider.render


def sdk() -> tuple[Any, Any]:
    reader = InMemoryMetricReader()
    return MeterProvider(metric_readers=[reader]).get_meter("t"), lambda: render(reader.get_metrics_data())


@pytest.mark.parametrize("make", [light, sdk])
def test_every_instrument_kind_renders_and_parses(make: Any) -> None:
    """ratd's own provider and the OpenTelemetry SDK (an application's provider, read through its reader)."""
    meter, read = make()
    record_everything(meter)
    text = read()
    assert strict(text) == {
        "t_calls_total": "counter",
        "t_level": "gauge",
        "t_open": "gauge",
        "t_size_bytes": "histogram",
    }
    assert samples(text, "t_calls_total") == {(("hit", "true"), ("odd", 'a "q" \\ b\nc')): 5.0}
    assert samples(text, "t_open") == {(): -2.0} and samples(text, "t_level") == {(): 1.5}
    assert samples(text, "t_size_bytes_bucket") == {
        (("k", "v"), ("le", "10.0")): 2.0,  # 0.5 and 10: a bucket holds values up to its bound
        (("k", "v"), ("le", "100.0")): 3.0,
        (("k", "v"), ("le", "+Inf")): 3.0,
        (("k", "w"), ("le", "10.0")): 0.0,
        (("k", "w"), ("le", "100.0")): 0.0,
        (("k", "w"), ("le", "+Inf")): 1.0,
    }
    assert samples(text, "t_size_bytes_sum") == {(("k", "v"),): 60.5, (("k", "w"),): 1000.0}
    assert "# HELP t_calls_total Calls\\nmade" in text
    assert render(None) == ""


def test_the_light_provider_aggregates_as_the_sdk_does() -> None:
    (meter, read), (sdk_meter, sdk_read) = light(), sdk()
    record_everything(meter)
    record_everything(sdk_meter)
    assert read() == sdk_read()
