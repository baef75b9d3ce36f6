"""Help pages: one plain, aligned layout for every page, and a fast path for ``ratatoskr --help``.

Rendering the root page through cyclopts imports rich and cyclopts' help machinery (about 0.15 s, half the
start-up budget), so ``ratatoskr --help`` / ``-h`` / no arguments is rendered here from the registered commands
with the same layout cyclopts gets through :class:`HelpFormatter`. A test renders the root page both ways and
requires them to be equal; anything the fast path does not know (an alias, a hidden command, groups)
makes it step aside for cyclopts.
"""

from __future__ import annotations

import inspect
import shutil
import textwrap
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from cyclopts import App

__all__ = ["HelpFormatter", "fast_root_help", "render_page", "render_panel"]

INDENT = 2
GAP = 2
LABEL_MAX = 28  # a longer label gets its description on the next line
ROOT_USAGE = "Usage: ratatoskr COMMAND [OPTIONS]"
HELP_FLAG_HELP = "Display this message and exit."
VERSION_FLAG_HELP = "Display application version."


def width() -> int:
    return max(40, min(shutil.get_terminal_size((80, 24)).columns, 120))


def _fill(text: str, cols: int, indent: str = "") -> list[str]:
    lines: list[str] = []
    for line in text.splitlines() or [""]:
        lines.extend(
            textwrap.wrap(
                line,
                cols,
                initial_indent=indent,
                subsequent_indent=indent,
                break_long_words=False,
                break_on_hyphens=False,
            )
            or [""]
        )
    return lines


def render_panel(title: str, rows: Sequence[tuple[str, str]], cols: int) -> list[str]:
    """``Title:`` then one aligned ``label  description`` row per entry, descriptions wrapped to ``cols``."""
    if not rows:
        return []
    label_width = min(max(len(label) for label, _ in rows), LABEL_MAX)
    text_col = INDENT + label_width + GAP
    out = [f"{title}:"]
    for label, desc in rows:
        wrapped = (
            textwrap.wrap(desc, max(cols - text_col, 20), break_long_words=False, break_on_hyphens=False)
            if desc
            else []
        )
        head = " " * INDENT + label
        if len(label) > label_width and wrapped:
            out.append(head)
            head = ""
        first = wrapped[0] if wrapped else ""
        out.append((head.ljust(text_col) + first).rstrip() if first else head)
        out.extend(" " * text_col + more for more in wrapped[1:])
    out.append("")
    return out


def render_page(
    usage: str, description: str, panels: Iterable[tuple[str, Sequence[tuple[str, str]]]], cols: int
) -> str:
    lines = [usage, ""] if usage else []
    if description.strip():
        lines += [*_fill(description.strip(), cols), ""]
    for title, rows in panels:
        lines += render_panel(title, rows, cols)
    return "\n".join(lines) + "\n"


# ---- cyclopts' side: a HelpFormatter with this layout ------------------------------------------------------


def _plain(obj: Any) -> str:
    """The text of what cyclopts hands a formatter (a str, rich Text, or cyclopts' InlineText)."""
    if obj is None or type(obj).__name__ == "SilentRich":
        return ""
    if hasattr(obj, "primary_renderable"):  # InlineText: the text plus appended metadata
        parts = [_plain(obj.primary_renderable), *(_plain(t) for t in obj.texts)]
        return " ".join(p for p in parts if p).rstrip()
    if hasattr(obj, "plain"):
        return str(obj.plain).rstrip()
    return str(obj).rstrip()


def _entry_row(entry: Any, fmt: str) -> tuple[str, str]:
    labels = entry.display_labels_with_metavar if fmt == "parameter" else entry.display_labels
    desc = [_plain(entry.description)]
    if entry.choices:
        desc.append(f"[choices: {', '.join(entry.choices)}]")
    if entry.env_var:
        desc.append(f"[env var: {', '.join(entry.env_var)}]")
    if entry.default is not None:
        desc.append(f"[default: {entry.default}]")
    if entry.required:
        desc.append("[required]")
    return ", ".join(labels), " ".join(d for d in desc if d)


class HelpFormatter:
    """cyclopts' ``HelpFormatter`` protocol, printing :func:`render_panel`'s layout without colour."""

    def render_usage(self, console: Any, options: Any, usage: Any) -> None:
        text = _plain(usage)
        if text:
            console.print(text if text.startswith("Usage:") else f"Usage: {text}", markup=False, highlight=False)
            console.print()

    def render_description(self, console: Any, options: Any, description: Any) -> None:
        text = _plain(description).strip()
        if text:
            console.print("\n".join(_fill(text, width())), markup=False, highlight=False, soft_wrap=True)
            console.print()

    def __call__(self, console: Any, options: Any, panel: Any) -> None:
        rows = [_entry_row(entry, panel.format) for entry in panel.entries]
        lines = render_panel(_plain(panel.title), rows, width())
        if lines:
            console.print("\n".join(lines), markup=False, highlight=False, soft_wrap=True)


# ---- the fast path -------------------------------------------------------------------------------------------


def _summary(doc: str | None) -> str | None:
    """First paragraph on one line, as cyclopts shows it; ``None`` when a docstring section comes first."""
    if not doc:
        return ""
    first = inspect.cleandoc(doc).split("\n\n", 1)[0]
    if "\n---" in first or "\n===" in first:
        return None
    return first.replace("\n", " ").strip()


def _description(doc: str) -> str:
    parts = inspect.cleandoc(doc).split("\n\n", 1)
    short = parts[0].replace("\n", " ")
    return short if len(parts) == 1 else f"{short}\n\n{parts[1]}"


def fast_root_help(app: App, builtin: dict[str, tuple[str, str]], config_help: str) -> str | None:
    """The root help page, or ``None`` when something about the commands needs cyclopts to render it."""
    from cyclopts import App

    rows: list[tuple[str, str]] = []
    seen: set[int] = set()
    for name in app:
        if name in app.help_flags or name in app.version_flags:
            continue
        if name in builtin:
            rows.append((name, builtin[name][1]))
            continue
        sub = app[name]  # a plugin's command
        if not isinstance(sub, App) or id(sub) in seen or not sub.show or sub.group:
            return None  # an alias, a hidden or grouped command: cyclopts knows how to show those
        seen.add(id(sub))
        summary = _summary(sub.help)
        if summary is None:
            return None
        rows.append((name, summary))
    rows.sort()
    rows += [("--help, -h", HELP_FLAG_HELP), ("--version", VERSION_FLAG_HELP)]
    panels = [("Commands", rows), ("Parameters", [("--config, -c PATH", config_help)])]
    return render_page(ROOT_USAGE, _description(app.help), panels, width())
