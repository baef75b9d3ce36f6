"""Results of the classic-NLP capabilities: embeddings, NLI, zero-shot, stance, tokens."""

from __future__ import annotations

import enum
from typing import TypeVar

from attrs import field, frozen

from ratatoskr.errors import InvalidInput
from ratatoskr.types import _convert

__all__ = [
    "ClassifyOptions",
    "ClassifyResult",
    "Embedding",
    "NliLabel",
    "NliResult",
    "StanceLabel",
    "StanceResult",
    "Token",
]

_Label = TypeVar("_Label", bound=enum.Enum)


@frozen
class Embedding:
    """An embedding vector, the model and provider that made it, whether the input was truncated, and how many
    tokens the model read for it (when the provider knows)."""

    values: tuple[float, ...] = field(converter=_convert.floats)
    model: str
    provider: str | None = None
    #: True when the input was longer than the model's maximum length and was cut.
    truncated: bool = False
    #: Tokens the model read for this input (after any truncation, special tokens included), when the provider
    #: knows: local models count them, remote APIs report them for a single input. ``None``: not reported.
    input_tokens: int | None = None

    @property
    def dimensions(self) -> int:
        return len(self.values)


class NliLabel(enum.StrEnum):
    """The relation of a hypothesis to a premise."""

    ENTAILMENT = "entailment"
    CONTRADICTION = "contradiction"
    NEUTRAL = "neutral"


@frozen
class NliResult:
    """Probabilities of entailment, contradiction and neutral, and the winning label."""

    entailment: float
    contradiction: float
    neutral: float
    label: NliLabel = field(converter=NliLabel)
    model: str | None = None
    provider: str | None = None
    truncated: bool = False

    @classmethod
    def from_scores(cls, entailment: float, contradiction: float, neutral: float, **kw: object) -> NliResult:
        """Label = highest score; ties go entailment, then contradiction, then neutral."""
        label = _first_highest(
            (entailment, contradiction, neutral), (NliLabel.ENTAILMENT, NliLabel.CONTRADICTION, NliLabel.NEUTRAL)
        )
        return cls(entailment, contradiction, neutral, label, **kw)  # type: ignore[arg-type]


def _template_has_slot(instance: object, attribute: object, value: str | None) -> None:
    if value is not None and "{}" not in value:
        raise InvalidInput("hypothesis_template must contain {} where the label goes")


@frozen
class ClassifyOptions:
    """How to score zero-shot labels: each on its own (``multi_label``) or as one distribution, and the
    hypothesis each label fills (``{}`` marks the label; ``None``: the provider's default template)."""

    multi_label: bool = False
    hypothesis_template: str | None = field(default=None, validator=_template_has_slot)


@frozen
class ClassifyResult:
    """Zero-shot scores per label, the top label and its score (``multi_label``: each label scored on its own)."""

    scores: dict[str, float]
    top_label: str
    confidence: float
    model: str | None = None
    provider: str | None = None
    multi_label: bool = False

    @classmethod
    def from_scores(cls, scores: dict[str, float], **kw: object) -> ClassifyResult:
        top = max(scores, key=scores.__getitem__)
        return cls(scores, top, scores[top], **kw)  # type: ignore[arg-type]


class StanceLabel(enum.StrEnum):
    """A text's stance toward a target."""

    FAVOR = "favor"
    AGAINST = "against"
    NEUTRAL = "neutral"


@frozen
class StanceResult:
    """Scores for favor, against and neutral toward ``target``, and the winning label."""

    favor: float
    against: float
    neutral: float
    label: StanceLabel = field(converter=StanceLabel)
    target: str = ""
    model: str | None = None
    provider: str | None = None

    @classmethod
    def from_scores(cls, favor: float, against: float, neutral: float, target: str, **kw: object) -> StanceResult:
        """Label = highest score; ties go favor, then against, then neutral."""
        label = _first_highest((favor, against, neutral), (StanceLabel.FAVOR, StanceLabel.AGAINST, StanceLabel.NEUTRAL))
        return cls(favor, against, neutral, label, target, **kw)  # type: ignore[arg-type]


@frozen
class Token:
    """One token; ``start``/``end`` are byte offsets into the UTF-8 text (end exclusive)."""

    id: int
    text: str
    start: int
    end: int

    @property
    def byte_len(self) -> int:
        return self.end - self.start


def _first_highest(scores: tuple[float, float, float], labels: tuple[_Label, _Label, _Label]) -> _Label:
    """The label of the highest of three scores; a tie goes to the earlier label (NLI's and stance's rule)."""
    first, second, third = scores
    if first >= second and first >= third:
        return labels[0]
    return labels[1] if second >= third else labels[2]
