"""Presets: ``ratatoskr:<tier>/<capability>`` names a model plus default parameters."""

from __future__ import annotations

from typing import Any

import attrs
from attrs import frozen

from ratatoskr.types.chat import ReasoningConfig, ResponseFormat, ToolChoice

__all__ = ["PresetParameters", "PresetResolution"]


@frozen(kw_only=True)
class PresetParameters:
    """Defaults a preset applies; they fill only options the caller left unset."""

    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    max_tokens: int | None = None
    frequency_penalty: float | None = None
    presence_penalty: float | None = None
    seed: int | None = None
    stop: tuple[str, ...] | None = None
    reasoning: ReasoningConfig | None = None
    tool_choice: ToolChoice | None = None
    parallel_tool_calls: bool | None = None
    response_format: ResponseFormat | None = None
    cache_prompt: bool | None = None
    raw_provider_options: dict[str, Any] | None = None

    def as_defaults(self) -> dict[str, Any]:
        return {k: v for k, v in attrs.asdict(self, recurse=False).items() if v is not None}

    @property
    def is_empty(self) -> bool:
        return not self.as_defaults()


@frozen
class PresetResolution:
    """What a preset names: a model and, optionally, default parameters."""

    model: str
    parameters: PresetParameters | None = None
