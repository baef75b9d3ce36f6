"""Output helpers shared by the commands: JSON for scripts, rich tables and styled lines for people."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console

__all__ = ["console", "fmt_float", "print_json", "print_jsonl", "print_source", "print_table", "to_json"]


def to_json(obj: Any) -> Any:
    """Any result type as plain JSON data, in the shapes the serde converter owns."""
    from ratatoskr.serde import unstructure

    return unstructure(obj)


def print_json(obj: Any) -> None:
    """One JSON document (pretty, UTF-8 kept) on stdout."""
    sys.stdout.write(json.dumps(to_json(obj), ensure_ascii=False, indent=2) + "\n")
    sys.stdout.flush()


def print_jsonl(data: Any) -> None:
    """One compact JSON line (a stream event) on stdout, flushed so a reader sees it at once."""
    sys.stdout.write(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def console(*, stderr: bool = False) -> Console:
    """A rich console; off a terminal it does not wrap or cut lines (output meant for pipes and files)."""
    from rich.console import Console

    stream = sys.stderr if stderr else sys.stdout
    wide = None if stream.isatty() else 100_000
    return Console(stderr=stderr, highlight=False, width=wide, soft_wrap=wide is not None)


def print_table(headers: Sequence[str], rows: Iterable[Sequence[object]], *, empty: str = "") -> None:
    from rich.table import Table
    from rich.text import Text

    table = Table(*headers, box=None, pad_edge=False, header_style="bold")
    count = 0
    for row in rows:
        table.add_row(*(Text("—" if cell is None else str(cell)) for cell in row))  # no markup in data
        count += 1
    out = console()
    if count == 0 and empty:
        out.print(empty, markup=False)
        return
    out.print(table)


def print_source(result: Any) -> None:
    """``model: NAME (provider)``: which model and provider actually answered."""
    model = getattr(result, "model", None)
    provider = getattr(result, "provider", None)
    if model or provider:
        print(f"model: {model or '?'}" + (f" ({provider})" if provider else ""))


def fmt_float(value: float | None, digits: int = 4) -> str:
    return "—" if value is None else f"{value:.{digits}f}"
