"""The option values the Messages API refuses, declared for the validation stage (the codec encodes them all).

From https://docs.anthropic.com/en/api/messages (``temperature`` 0..1) and
https://docs.anthropic.com/en/docs/build-with-claude/extended-thinking (with thinking, ``tool_choice`` may only
be ``auto`` or ``none``).
"""

from __future__ import annotations

from ratatoskr.types.chat import ChatOptions, SamplingOptions
from ratatoskr.types.parameter import ParameterProblem

from ratatoskr_providers_anthropic._thinking import thinking_budget

__all__ = ["parameter_problems"]


def parameter_problems(options: SamplingOptions) -> list[ParameterProblem]:
    """The problems of ``options`` for the Messages API (generate options become a one-message chat)."""
    problems = []
    if options.temperature is not None and options.temperature > 1:
        problems.append(ParameterProblem("temperature", f"Anthropic takes 0..1, got {options.temperature}"))
    choice = options.tool_choice if isinstance(options, ChatOptions) else None
    if choice is not None and choice.mode in ("required", "function") and thinking_budget(options.reasoning):
        reason = "with extended thinking Anthropic only allows tool_choice auto or none"
        problems.append(ParameterProblem("tool_choice", reason))
    return problems
