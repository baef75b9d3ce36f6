"""The docs site: every page under docs/ is in the mkdocs.yml navigation, and every fenced Python example marked
``<!-- runnable -->`` (the line just before its fence) runs, as a script in a fresh interpreter, offline.

`uv run nox -s docs` builds the site itself (``mkdocs build --strict``: broken links and anchors fail it).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
MARKER = "<!-- runnable -->"
FENCE = re.compile(r"^<!-- runnable -->\n```python\n(.*?)\n```$", re.S | re.M)


def _pages() -> set[str]:
    return {str(p.relative_to(DOCS)) for p in DOCS.rglob("*.md")}


def _runnable() -> list[tuple[str, int, str]]:
    found = []
    for page in sorted(_pages()):
        text = (DOCS / page).read_text(encoding="utf-8")
        for match in FENCE.finditer(text):
            found.append((page, text[: match.start()].count("\n") + 2, match.group(1)))
        markers = len(re.findall(rf"^{MARKER}$", text, re.M))  # a marker line, not one quoted in the text
        assert markers == len(FENCE.findall(text)), f"{page}: {MARKER} must sit just before a ```python fence"
    return found


def test_every_page_is_in_the_navigation() -> None:
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    nav = set(re.findall(r"^\s+- (?:[^:\n]+: )?(\S+\.md)$", config.split("\nnav:\n", 1)[1], re.M))
    assert nav == _pages(), f"not in the nav: {_pages() - nav}; in the nav but missing: {nav - _pages()}"


RUNNABLE = _runnable()


def test_the_docs_have_runnable_examples() -> None:
    assert len(RUNNABLE) >= 3, RUNNABLE


@pytest.mark.parametrize(("page", "line", "source"), RUNNABLE, ids=[f"{p}:{n}" for p, n, _ in RUNNABLE])
def test_runnable_example(page: str, line: int, source: str, tmp_path: Path) -> None:
    script = tmp_path / "example.py"
    script.write_text(source, encoding="utf-8")
    env = {**os.environ, "HOME": str(tmp_path), "HF_HUB_OFFLINE": "1", "NO_COLOR": "1",
           "RATATOSKR_LOGS_PATH": str(tmp_path / "logs.db")}  # fmt: skip
    done = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, f"docs/{page}, the example at line {line} failed:\n{done.stderr}"
