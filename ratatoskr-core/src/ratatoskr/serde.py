"""The one cattrs converter that owns every JSON shape (and, later, every proto shape).

Shapes follow the original registry JSON where one exists: capabilities are PascalCase strings,
parameter names are flat strings usable as map keys, parameter availability is tagged by ``availability``,
stream events are ``{"type": ..., "data": ...}``, and ``None`` fields are omitted.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs
import cattrs
from cattrs.gen import make_dict_unstructure_fn

from ratatoskr.config_schema import ConfigTable, structure_table_hook
from ratatoskr.errors import InvalidInput
from ratatoskr.types import chat as _chat
from ratatoskr.types import generate as _gen
from ratatoskr.types.capability import Capability
from ratatoskr.types.model import ModelStatus, ModelStatusKind
from ratatoskr.types.parameter import ParameterAvailability, ParameterName, ParameterRange

__all__ = ["converter", "event_from_json", "event_to_json", "structure", "unstructure"]

converter = cattrs.Converter(omit_if_default=False, forbid_extra_keys=False)

converter.register_structure_hook(ParameterName, lambda v, _: ParameterName(v))
# Config tables are read strictly: unknown keys, wrong types and bad ranges are refused (ratatoskr.config_schema).
converter.register_structure_hook_factory(
    lambda t: isinstance(t, type) and issubclass(t, ConfigTable), structure_table_hook
)
converter.register_unstructure_hook(ParameterName, str)
# Capabilities are written with the original registry's spellings ("Chat", "ToolUse", "TokenCounting") and read in
# any spelling ("chat", "tool_use", "ToolUse"): registry files stay compatible both ways.
converter.register_unstructure_hook(Capability, lambda cap: cap.registry_name)
converter.register_structure_hook(Capability, lambda value, _: Capability.parse(value))


def _drop_none(cls: type) -> Any:
    base: Callable[[Any], dict[str, Any]] = make_dict_unstructure_fn(cls, converter)

    def unstructure(obj: Any) -> dict[str, Any]:
        return {k: v for k, v in base(obj).items() if v is not None}

    return unstructure


converter.register_unstructure_hook_factory(attrs.has, _drop_none)


def _availability_unstructure(obj: ParameterAvailability) -> dict[str, Any]:
    out: dict[str, Any] = {"availability": obj.availability}
    if obj.availability == "mutable":
        out["range"] = converter.unstructure(obj.range or ParameterRange())
    elif obj.availability == "read_only":
        out["value"] = obj.value
    return out


def _availability_structure(value: Any, _: Any) -> ParameterAvailability:
    if not isinstance(value, dict):
        raise InvalidInput(f"parameter availability must be an object, got {value!r}")
    kind = value.get("availability", "opaque")
    if kind == "mutable":
        return ParameterAvailability.mutable(converter.structure(value.get("range") or {}, ParameterRange))
    if kind == "read_only":
        return ParameterAvailability.read_only(value.get("value"))
    if kind in ("opaque", "unsupported"):
        return ParameterAvailability(kind)
    raise InvalidInput(f"unknown parameter availability {kind!r}")


converter.register_unstructure_hook(ParameterAvailability, _availability_unstructure)
converter.register_structure_hook(ParameterAvailability, _availability_structure)


def _status_unstructure(obj: ModelStatus) -> Any:
    # Externally tagged like the original: "Ready" or {"Unavailable": {"reason": ...}}.
    name = obj.kind.value.capitalize()
    return {name: {"reason": obj.reason}} if obj.reason is not None else name


def _status_structure(value: Any, _: Any) -> ModelStatus:
    if isinstance(value, str):
        return ModelStatus(ModelStatusKind(value.lower()))
    if isinstance(value, dict) and len(value) == 1:
        ((name, body),) = value.items()
        return ModelStatus(ModelStatusKind(name.lower()), (body or {}).get("reason"))
    raise InvalidInput(f"bad model status {value!r}")


converter.register_unstructure_hook(ModelStatus, _status_unstructure)
converter.register_structure_hook(ModelStatus, _status_structure)

_EVENT_TYPES: dict[str, type] = {
    cls.type: cls
    for cls in (
        _chat.ContentEvent,
        _chat.ReasoningEvent,
        _chat.ToolCallStart,
        _chat.ToolCallDelta,
        _chat.ToolCallEnd,
        _chat.UsageEvent,
        _chat.DoneEvent,
    )
}
_GEN_EVENT_TYPES: dict[str, type] = {cls.type: cls for cls in (_gen.TextEvent, _gen.GenerateDone)}


def event_to_json(event: Any) -> dict[str, Any]:
    """``{"type": ..., "data": ...}``: text events carry a bare string, usage the usage object."""
    if isinstance(event, _chat.ReasoningEvent) and (event.signature or event.redacted or event.hidden):
        return {"type": event.type, "data": converter.unstructure(event)}
    if isinstance(event, _chat.ContentEvent | _chat.ReasoningEvent | _gen.TextEvent):
        return {"type": event.type, "data": event.text}
    if isinstance(event, _chat.UsageEvent):
        return {"type": "usage", "data": converter.unstructure(event.usage)}
    data = converter.unstructure(event)
    return {"type": event.type, "data": data} if data else {"type": event.type}


def event_from_json(value: dict[str, Any], *, generate: bool = False) -> Any:
    table = _GEN_EVENT_TYPES if generate else _EVENT_TYPES
    try:
        cls = table[value["type"]]
    except (KeyError, TypeError) as exc:
        raise InvalidInput(f"unknown stream event {value!r}") from exc
    data = value.get("data")
    if cls is _chat.ReasoningEvent and isinstance(data, dict):
        return converter.structure(data, cls)
    if cls in (_chat.ContentEvent, _chat.ReasoningEvent, _gen.TextEvent):
        if not isinstance(data, str):
            raise InvalidInput(f"{value['type']} event needs text data, got {data!r}")
        return cls(data)
    if cls is _chat.UsageEvent:
        return cls(converter.structure(data, _chat.Usage))
    return converter.structure(data or {}, cls)


def unstructure(obj: Any) -> Any:
    return converter.unstructure(obj)


def structure(value: Any, cls: type[Any]) -> Any:
    try:
        return converter.structure(value, cls)
    except cattrs.BaseValidationError as exc:
        raise InvalidInput(f"cannot read {cls.__name__}: {cattrs.transform_error(exc)}") from exc
