"""Printing a chat or generation stream as it arrives.

The answer (content) goes to stdout untouched, so ``ratatoskr chat ... > answer.txt`` keeps only the answer.
Everything about the answer goes to stderr: reasoning (dim italic), tool calls (name and arguments), and at the
end the usage and who served it. With ``--json`` every event is one JSON line on stdout instead. A whole answer
(``chat --no-stream``) is printed the same way, through :func:`response_events`.
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING, Any

from ratatoskr.cli._output import console, print_jsonl

if TYPE_CHECKING:
    from rich.console import Console

    from ratatoskr.types.chat import ChatEvent, ChatResponse, Usage

__all__ = ["StreamPrinter", "describe_usage", "format_usd", "response_events"]


def format_usd(amount: float) -> str:
    """``$0.000105``: six decimals (a millionth of a dollar), enough for one request."""
    return f"${amount:.6f}"


def describe_usage(usage: Usage | None, provider: str | None, model: str | None, finish: str | None) -> str:
    parts = []
    if provider or model:
        parts.append(f"{provider or '?'}/{model or '?'}")
    if usage is not None:
        text = f"{usage.prompt_tokens} prompt + {usage.completion_tokens} completion = {usage.total_tokens} tokens"
        if usage.reasoning_tokens:
            text += f" ({usage.reasoning_tokens} reasoning)"
        if usage.cached_tokens:
            text += f", {usage.cached_tokens} cached"
        parts.append(text)
        if usage.cost is not None:
            parts.append(format_usd(usage.cost.total))
    if finish and finish != "stop":
        parts.append(f"finish: {finish}")
    return " · ".join(parts)


class StreamPrinter:
    """Prints events of one stream; call :meth:`event` for each, in order."""

    def __init__(self, *, as_json: bool) -> None:
        self.as_json = as_json
        self._err: Console | None = None
        self._content_open = False  # stdout has text not yet ended by a newline
        self._side_open = False  # stderr has a reasoning/tool line not yet ended
        self._side_kind = ""
        self._usage: Usage | None = None

    @property
    def err(self) -> Console:
        if self._err is None:
            self._err = console(stderr=True)
        return self._err

    async def consume(self, events: AsyncIterator[Any]) -> None:
        async for event in events:
            self.event(event)

    def event(self, event: Any) -> None:
        if self.as_json:
            from ratatoskr.serde import event_to_json

            print_jsonl(event_to_json(event))
            return
        kind = event.type
        if kind in ("content", "text"):
            self._content(event.text)
        elif kind == "reasoning":
            if not event.hidden:  # hidden reasoning travels only so the turn can be sent back
                self._side("reasoning", event.text, "dim italic")
        elif kind == "tool_call_start":
            self._end_side()
            self._side("tool", f"→ tool call {event.name} ({event.id}) ", "cyan")
        elif kind == "tool_call_delta":
            self._side("tool", event.arguments, "cyan")
        elif kind == "tool_call_end":
            self._end_side()
        elif kind == "usage":
            self._usage = event.usage
        elif kind == "done":
            self._done(event)

    def _content(self, text: str) -> None:
        if not text:
            return
        self._end_side()
        sys.stdout.write(text)
        sys.stdout.flush()
        self._content_open = not text.endswith("\n")

    def _side(self, kind: str, text: str, style: str) -> None:
        if self._side_open and self._side_kind != kind:
            self._end_side()
        if sys.stdout.isatty():  # only on screen: a redirected answer must not gain line breaks
            self._end_content()
        self.err.print(text, style=style, end="", markup=False, highlight=False)
        sys.stderr.flush()
        self._side_open, self._side_kind = True, kind

    def _end_side(self) -> None:
        if self._side_open:
            self.err.print()
            self._side_open = False

    def _end_content(self) -> None:
        if self._content_open:
            sys.stdout.write("\n")
            sys.stdout.flush()
            self._content_open = False

    def end_lines(self) -> None:
        """End the lines left open, e.g. by an answer stopped half-way, so what follows starts on its own line."""
        self._end_side()
        self._end_content()

    def _done(self, event: Any) -> None:
        self.end_lines()
        usage = self._usage or getattr(event, "usage", None)
        finish = event.finish_reason.value if event.finish_reason is not None else None
        line = describe_usage(usage, event.provider, event.model, finish)
        if line:
            self.err.print(line, style="dim", markup=False, highlight=False)


def response_events(response: ChatResponse) -> list[ChatEvent]:
    """The events a stream of this whole answer would have had, so it prints as a streamed one does."""
    from ratatoskr.types.chat import ContentEvent, DoneEvent, ReasoningEvent, UsageEvent

    events: list[ChatEvent] = []
    if response.reasoning:
        events.append(ReasoningEvent(response.reasoning))
    if response.content:
        events.append(ContentEvent(response.content))
    for index, call in enumerate(response.tool_calls):
        events += call.stream_events(index)
    if response.usage is not None:
        events.append(UsageEvent(response.usage))
    events.append(DoneEvent(response.finish_reason, response.model, response.provider))
    return events
