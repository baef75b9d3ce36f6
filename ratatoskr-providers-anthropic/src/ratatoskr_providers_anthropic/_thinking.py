"""Extended thinking: how our reasoning options become Anthropic's ``thinking`` object and ``max_tokens``.

From https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking (``thinking: {type: enabled,
budget_tokens}``, the 1024-token minimum, thinking counted inside ``max_tokens``). The thinking blocks an
answer carries, and how they go back on the next turn, are in :mod:`._wire`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from attrs import frozen
from ratatoskr.errors import InvalidInput
from ratatoskr.types import ReasoningConfig, ReasoningEffort

__all__ = ["EFFORT_BUDGETS", "MIN_THINKING_BUDGET", "ThinkingPlan", "plan_thinking", "thinking_budget"]

#: The API refuses a thinking budget below this.
MIN_THINKING_BUDGET = 1024
#: ``reasoning.effort`` → ``thinking.budget_tokens``. ``none`` turns thinking off.
EFFORT_BUDGETS: Mapping[ReasoningEffort, int] = {
    ReasoningEffort.MINIMAL: 1024,
    ReasoningEffort.LOW: 2048,
    ReasoningEffort.MEDIUM: 8192,
    ReasoningEffort.HIGH: 16384,
    ReasoningEffort.XHIGH: 32768,
}


@frozen
class ThinkingPlan:
    """What the reasoning options become: the ``thinking`` object (or None) and the ``max_tokens`` to send."""

    thinking: dict[str, Any] | None
    max_tokens: int
    #: Thinking happens but is not returned to the caller (``exclude_from_output``).
    hide: bool = False


def plan_thinking(reasoning: ReasoningConfig | None, max_tokens: int | None, default_max_tokens: int) -> ThinkingPlan:
    """Map our reasoning options to Anthropic's extended thinking.

    ``reasoning.max_tokens`` is the budget; else ``effort`` picks one from :data:`EFFORT_BUDGETS`; ``none``
    or neither means no thinking. Anthropic counts thinking inside ``max_tokens``, so when the caller set no
    ``max_tokens`` we send budget + the default answer length; an explicit ``max_tokens`` must exceed an
    explicit budget, and an effort-derived budget shrinks to fit under it.
    """
    hide = bool(reasoning and reasoning.exclude_from_output)
    budget = thinking_budget(reasoning)
    if budget is None:
        return ThinkingPlan(None, max_tokens or default_max_tokens, hide)
    if budget < MIN_THINKING_BUDGET:
        raise InvalidInput(
            f"reasoning.max_tokens {budget} is below Anthropic's minimum thinking budget {MIN_THINKING_BUDGET}"
        )
    if max_tokens is None:
        return ThinkingPlan(_thinking(budget), budget + default_max_tokens, hide)
    if max_tokens <= budget:
        explicit = reasoning is not None and reasoning.max_tokens is not None
        if explicit or max_tokens - 1 < MIN_THINKING_BUDGET:
            raise InvalidInput(
                f"max_tokens {max_tokens} must exceed the thinking budget {budget}: Anthropic counts "
                f"thinking tokens inside max_tokens (raise max_tokens or lower reasoning.max_tokens/effort)"
            )
        budget = max_tokens - 1
    return ThinkingPlan(_thinking(budget), max_tokens, hide)


def thinking_budget(reasoning: ReasoningConfig | None) -> int | None:
    """The thinking budget asked for (``reasoning.max_tokens``, else the effort's), or None: no thinking."""
    if reasoning is None or reasoning.effort is ReasoningEffort.NONE:
        return None
    if reasoning.max_tokens is not None:
        return reasoning.max_tokens
    return EFFORT_BUDGETS[reasoning.effort] if reasoning.effort is not None else None


def _thinking(budget: int) -> dict[str, Any]:
    return {"type": "enabled", "budget_tokens": budget}
