"""OpenTelemetry metrics → Prometheus text format 0.0.4, after OpenTelemetry's Prometheus compatibility rules (see
:mod:`ratatoskr_server.metrics`): names, unit suffixes, ``_total``, histograms, labels."""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from opentelemetry.sdk.metrics.export import MetricsData
    from opentelemetry.util.types import Attributes

__all__ = ["Family", "Key", "histograms", "key_of", "metric_name", "render", "scalars", "text"]

Key = tuple[tuple[str, Any], ...]
#: One family: (Prometheus type, HELP text, sample lines).
Family = tuple[str, str, list[str]]

#: OpenTelemetry units (UCUM) → Prometheus unit words, after the OpenTelemetry → Prometheus compatibility spec.
_UNITS = {
    "d": "days",
    "h": "hours",
    "min": "minutes",
    "s": "seconds",
    "ms": "milliseconds",
    "us": "microseconds",
    "ns": "nanoseconds",
    "By": "bytes",
    "KiBy": "kibibytes",
    "MiBy": "mebibytes",
    "GiBy": "gibibytes",
    "KBy": "kilobytes",
    "MBy": "megabytes",
    "GBy": "gigabytes",
    "bit": "bits",
    "Hz": "hertz",
    "%": "percent",
}
_INVALID = re.compile(r"[^a-zA-Z0-9_:]+")
_INVALID_LABEL = re.compile(r"[^a-zA-Z0-9_]+")


def key_of(attributes: Attributes) -> Key:
    return tuple(sorted(attributes.items())) if attributes else ()


def metric_name(name: str, unit: str, *, counter: bool) -> str:
    """The Prometheus name of an OpenTelemetry instrument (``gen_ai.client.operation.duration``, ``s`` →
    ``gen_ai_client_operation_duration_seconds``)."""
    out = _INVALID.sub("_", name).strip("_")
    if out[:1].isdigit():
        out = "_" + out
    unit = re.sub(r"\{[^}]*\}", "", unit).strip()
    words = ""
    if unit and unit != "1":
        per, _, base = unit.partition("/")
        words = _UNITS.get(per, _INVALID.sub("_", per).strip("_"))
        if base:
            words += "_per_" + {"s": "second", "m": "minute", "h": "hour", "d": "day"}.get(base, base)
    if words and not out.endswith("_" + words):
        out += "_" + words
    if counter and not out.endswith("_total"):
        out += "_total"
    return out


def _label_name(key: str) -> str:
    out = _INVALID_LABEL.sub("_", key)
    return "key" + out if out[:1].isdigit() else out


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _label_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Sequence) and not isinstance(value, str):
        return "[" + ",".join(_label_value(v) for v in value) + "]"
    return _escape(str(value))


def _labels(key: Key, extra: str = "") -> str:
    parts = [f'{_label_name(k)}="{_label_value(v)}"' for k, v in key]
    if extra:
        parts.append(extra)
    return "{" + ",".join(parts) + "}" if parts else ""


def _number(value: float) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if math.isnan(value):
        return "NaN"
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    return repr(float(value))


def scalars(
    name: str, unit: str, description: str, counter: bool, points: Iterable[tuple[Key, float]]
) -> tuple[str, Family]:
    """A counter (``counter``) or gauge family."""
    prom = metric_name(name, unit, counter=counter)
    lines = [f"{prom}{_labels(key)} {_number(value)}" for key, value in points]
    return prom, ("counter" if counter else "gauge", description, lines)


def histograms(
    name: str,
    unit: str,
    description: str,
    points: Iterable[tuple[Key, Sequence[float], Sequence[int], float, int]],
) -> tuple[str, Family]:
    """A histogram family from (attributes, bounds, per-bucket counts, sum, count) points."""
    prom = metric_name(name, unit, counter=False)
    lines: list[str] = []
    for key, bounds, counts, total_sum, count in points:
        total = 0
        for bound, n in zip((*bounds, math.inf), counts, strict=True):
            total += n
            le = 'le="' + ("+Inf" if math.isinf(bound) else repr(float(bound))) + '"'
            lines.append(f"{prom}_bucket{_labels(key, le)} {total}")
        lines.append(f"{prom}_sum{_labels(key)} {_number(total_sum)}")
        lines.append(f"{prom}_count{_labels(key)} {count}")
    return prom, ("histogram", description, lines)


def text(families: Iterable[tuple[str, Family]]) -> str:
    """Prometheus text: one family per name (the same name from two scopes is merged), in name order."""
    merged: dict[str, Family] = {}
    for name, (kind, description, lines) in families:
        if name in merged:
            merged[name][2].extend(lines)
        else:
            merged[name] = (kind, description, list(lines))
    out: list[str] = []
    for name, (kind, description, lines) in sorted(merged.items()):
        if description:
            out.append(f"# HELP {name} " + description.replace("\\", "\\\\").replace("\n", "\\n"))
        out.append(f"# TYPE {name} {kind}")
        out += lines
    return "\n".join(out) + "\n" if out else ""


def render(data: MetricsData | None) -> str:
    """One collection of an OpenTelemetry SDK reader as Prometheus text (sums, gauges, explicit histograms)."""
    from opentelemetry.sdk.metrics.export import Gauge, Histogram, Sum

    families: list[tuple[str, Family]] = []
    for resource in data.resource_metrics if data is not None else ():
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                point_data, unit, description = metric.data, metric.unit or "", metric.description or ""
                if isinstance(point_data, Histogram):
                    points = [
                        (key_of(p.attributes), p.explicit_bounds, p.bucket_counts, p.sum, p.count)
                        for p in point_data.data_points
                    ]
                    families.append(histograms(metric.name, unit, description, points))
                elif isinstance(point_data, Sum | Gauge):
                    counter = isinstance(point_data, Sum) and point_data.is_monotonic
                    values = [(key_of(p.attributes), p.value) for p in point_data.data_points]
                    families.append(scalars(metric.name, unit, description, counter, values))
    return text(families)
