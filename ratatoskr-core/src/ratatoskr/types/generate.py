"""Plain text generation types."""

from __future__ import annotations

from typing import TypeAlias

from attrs import frozen

from ratatoskr.types.chat import FinishReason, SamplingOptions, Usage

__all__ = ["GENERATE_PARAMETERS", "GenerateDone", "GenerateEvent", "GenerateOptions", "GenerateResponse", "TextEvent"]


@frozen(kw_only=True)
class GenerateOptions(SamplingOptions):
    """Options for plain text generation. Only ``model`` is required; ``None`` means "provider default"."""


#: Every generate parameter name, from the fields of GenerateOptions.
GENERATE_PARAMETERS: frozenset[str] = GenerateOptions.parameter_names()


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
