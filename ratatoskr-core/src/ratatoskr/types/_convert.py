"""Typed converters for attrs fields (mypy's attrs plugin cannot see through ``converter=tuple``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ratatoskr.types.capability import Capability

if TYPE_CHECKING:
    from ratatoskr.types.chat import ReasoningBlock, ToolCall


def floats(values: Iterable[float]) -> tuple[float, ...]:
    return tuple(values)


def strings(values: Iterable[str] | None) -> tuple[str, ...] | None:
    if values is None:
        return None
    if isinstance(values, str):  # a bare string would become a tuple of characters
        return (values,)
    return tuple(values)


def tool_calls(values: Iterable[ToolCall]) -> tuple[ToolCall, ...]:
    return tuple(values)


def capabilities(values: Iterable[Capability | str]) -> tuple[Capability, ...]:
    return tuple(Capability.parse(v) if not isinstance(v, Capability) else v for v in values)


def reasoning_blocks(values: Iterable[ReasoningBlock]) -> tuple[ReasoningBlock, ...]:
    return tuple(values)
