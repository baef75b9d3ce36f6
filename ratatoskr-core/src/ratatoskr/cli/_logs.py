"""``logs``: the history of ``chat`` and ``generate`` calls made from the CLI (see :mod:`ratatoskr.history`).

``ratatoskr logs`` lists the latest calls (``-n``), filtered by ``--model`` or a full-text ``-q``; ``--json`` gives
each entry whole. ``logs off`` / ``logs on`` / ``logs status`` / ``logs path`` manage it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

from cyclopts import App, Parameter

from ratatoskr.cli.context import Ctx
from ratatoskr.cli.options import JsonFlag

if TYPE_CHECKING:
    from ratatoskr.cli.context import CliContext
    from ratatoskr.history import History

__all__ = ["logs_app"]

logs_app = App(
    name="logs",
    help="The history of chat and generate calls: list and search; off, on, status, path.",
    help_format="plaintext",
)


def _history(ctx: CliContext) -> History:
    from ratatoskr.history import History

    return History.default(ctx.env)


@logs_app.default
def logs(
    *,
    count: Annotated[int, Parameter(name=["--count", "-n"], help="How many of the latest entries (0: all).")] = 3,
    model: Annotated[str | None, Parameter(name=["--model", "-m"], help="Only this model (asked or answered).")] = None,
    query: Annotated[str | None, Parameter(name=["--query", "-q"], help="Full-text search (every word).")] = None,
    cid: Annotated[str | None, Parameter(help="Only this conversation.")] = None,
    as_json: JsonFlag = False,
    ctx: Ctx,
) -> int:
    """The latest recorded calls, oldest first: prompt, answer, who answered, usage, latency."""
    from ratatoskr.errors import InvalidInput

    if count < 0:
        raise InvalidInput(f"-n must be 0 (all) or more, not {count}")
    entries = _history(ctx).entries(count or None, model=model, query=query, conversation_id=cid)
    if as_json:
        from ratatoskr.cli._output import print_json

        print_json(entries)
        return 0
    if not entries:
        print("no entries" if _history(ctx).path.exists() else "the history is empty")
    for entry in entries:
        _print_entry(entry)
    return 0


def _print_entry(entry: dict[str, Any]) -> None:
    from ratatoskr.cli._stream import describe_usage
    from ratatoskr.serde import structure
    from ratatoskr.types import Usage

    usage = structure(entry["usage"], Usage) if entry["usage"] else None
    who = describe_usage(usage, entry["provider"], entry["model"], entry["finish_reason"])
    print(f"# {entry['datetime_utc']}  {entry['kind']}  conversation {entry['conversation_id']}")
    print(f"model: {entry['model_requested']}" + (f" → {who}" if who else ""))
    extra = f" · cost ${entry['cost']:.6f}" if entry["cost"] is not None else ""
    print(f"latency: {entry['latency_ms']:.0f} ms{extra}")
    if entry["system"]:
        print(f"system: {entry['system']}")
    print(f"prompt: {entry['prompt']}")
    if entry["error"]:
        print(f"error: {entry['error']}")
    if entry["reasoning"]:
        print(f"reasoning: {entry['reasoning']}")
    for call in entry["tool_calls"] or ():
        print(f"tool call: {call.get('name')}({call.get('arguments')})")
    if entry["response"] is not None:
        print(f"response: {entry['response']}")
    print()


@logs_app.command(name="off")
def off(*, ctx: Ctx) -> int:
    """Stop recording chat and generate calls."""
    _history(ctx).set_enabled(False)
    print("logging is off")
    return 0


@logs_app.command(name="on")
def on(*, ctx: Ctx) -> int:
    """Record chat and generate calls again (the default)."""
    _history(ctx).set_enabled(True)
    print("logging is on")
    return 0


@logs_app.command(name="status")
def status(*, as_json: JsonFlag = False, ctx: Ctx) -> int:
    """Whether calls are recorded, where, and how many there are."""
    history = _history(ctx)
    count = history.count()
    if as_json:
        from ratatoskr.cli._output import print_json

        print_json({"enabled": history.enabled, "path": str(history.path), "entries": count})
        return 0
    print(f"logging is {'on' if history.enabled else 'off'}")
    print(f"database: {history.path}")
    print(f"entries: {count}")
    return 0


@logs_app.command(name="path")
def path(*, ctx: Ctx) -> int:
    """The history database."""
    print(_history(ctx).path)
    return 0
