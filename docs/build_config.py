"""Writes the key tables of docs/configuration.md and docs/providers/*.md from the declared config classes.

Each table sits between ``<!-- keys: MODULE:CLASS [PROVIDER] -->`` and ``<!-- /keys -->``; its rows come from the
class's fields (type, default, environment/secrets fallback, the ``doc`` of each ``setting``), so the docs cannot
drift from what the core accepts.

uv run python docs/build_config.py          # rewrite the tables
uv run python docs/build_config.py --check  # exit 1 if one is out of date (a test runs this)
"""

from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

from ratatoskr.config_schema import key_table

DOCS = Path(__file__).resolve().parent
PAGES = [DOCS / "configuration.md", *sorted((DOCS / "providers").glob("*.md"))]
BLOCK = re.compile(
    r"(<!-- keys: (?P<target>[\w.]+:\w+)(?: (?P<provider>[\w-]+))? -->\n)(?P<body>.*?)(<!-- /keys -->)", re.S
)


def render(text: str) -> str:
    def table(match: re.Match[str]) -> str:
        module, name = match["target"].split(":")
        cls = getattr(importlib.import_module(module), name)
        return f"{match[1]}{key_table(cls, provider=match['provider'])}\n{match[5]}"

    return BLOCK.sub(table, text)


def targets() -> set[str]:
    """Every ``MODULE:CLASS`` that has a key table somewhere in the docs."""
    return {m["target"] for page in PAGES for m in BLOCK.finditer(page.read_text())}


def main(argv: list[str]) -> int:
    stale = []
    for page in PAGES:
        text = page.read_text()
        fresh = render(text)
        if fresh != text:
            stale.append(page)
            if "--check" not in argv:
                page.write_text(fresh)
    if stale and "--check" in argv:
        names = ", ".join(str(p.relative_to(DOCS.parent)) for p in stale)
        print(f"out of date: {names} (run: uv run python docs/build_config.py)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
