"""Plain text generation types."""

from __future__ import annotations

from typing import Any, TypeAlias

import attrs
from attrs import field, frozen

from ratatoskr.types import _convert
from ratatoskr.types._validate import in_range, non_empty_str
from ratatoskr.types.chat import FinishReason, ReasoningConfig, Usage
from ratatoskr.types.parameter import ParameterName

__all__ = ["GenerateDone", "GenerateEvent", "GenerateOptions", "GenerateResponse", "TextEvent"]


@frozen(kw_only=True)
class GenerateOptions:
    """Options for plain text generation. Only ``model`` is required; ``None`` means "provider default"."""

    model: str = field(validator=non_empty_str)
    max_tokens: int | None = field(default=None, validator=in_range(1))
    temperature: float | None = field(default=None, validator=in_range(0, 2))
    top_p: float | None = field(default=None, validator=in_range(0, 1))
    top_k: int | None = field(default=None, validator=in_range(0))
    stop: tuple[str, ...] | None = field(default=None, converter=_convert.strings)
    frequency_penalty: float | None = field(default=None, validator=in_range(-2, 2))
    presence_penalty: float | None = field(default=None, validator=in_range(-2, 2))
    seed: int | None = None
    reasoning: ReasoningConfig | None = None
    raw_provider_options: dict[str, Any] | None = None

    def set_parameters(self) -> list[ParameterName]:
        return [ParameterName(a.name) for a in _FIELDS if getattr(self, a.name) is not None]

    def with_defaults(self, **defaults: Any) -> GenerateOptions:
        """A copy where each given default fills a field that is ``None``; chat-only defaults are ignored."""
        fill = {k: v for k, v in defaults.items() if v is not None and k in _NAMES and getattr(self, k) is None}
        return attrs.evolve(self, **fill) if fill else self


_FIELDS = tuple(a for a in attrs.fields(GenerateOptions) if a.name not in ("model", "raw_provider_options"))
_NAMES = frozenset(a.name for a in attrs.fields(GenerateOptions))


@frozen
class GenerateResponse:
    """A complete text completion, with usage and who served it."""

    text: str
    usage: Usage | None = None
    finish_reason: FinishReason = FinishReason.STOP
    model: str | None = None
    provider: str | None = None


@frozen
class TextEvent:
    """A piece of a streamed completion."""

    text: str
    type = "text"


@frozen
class GenerateDone:
    """The last event of a generate stream, exactly once."""

    finish_reason: FinishReason | None = None
    usage: Usage | None = None
    model: str | None = None
    provider: str | None = None
    type = "done"


GenerateEvent: TypeAlias = TextEvent | GenerateDone
