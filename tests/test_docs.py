"""Docs cannot drift: every public name has its own docstring and a line in docs/reference.md, and the README
states the two commands."""

from __future__ import annotations

import inspect
import subprocess
import sys
from pathlib import Path

import pytest
import ratatoskr

ROOT = Path(__file__).resolve().parents[1]
INHERITED = {inspect.getdoc(base) for base in (object, int, str, dict)} | {
    "Base class for protocol classes.",
    "Enum where members are also (and must be) strings",
}


@pytest.mark.parametrize("name", [n for n in ratatoskr.__all__ if n not in {"ChatEvent", "GenerateEvent"}])
def test_every_public_name_has_its_own_docstring(name: str) -> None:
    obj = getattr(ratatoskr, name)
    doc = obj.__doc__ if inspect.isclass(obj) else inspect.getdoc(obj)
    assert doc and doc.strip() and inspect.cleandoc(doc) not in INHERITED, f"{name} has no docstring of its own"


def test_reference_page_is_up_to_date() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "docs/build_reference.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_readme_opens_with_what_it_is_and_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    assert readme.startswith("# Ratatoskr\n\nRatatoskr is a unified model gateway")
    block = readme.split("```bash\n", 1)[1].split("```", 1)[0]
    commands = [line.split("#")[0].strip() for line in block.splitlines() if line.strip()]
    assert commands[0].startswith("uv run ratatoskr embed ")
    assert commands[1] == "uv run pytest"
    ci = (ROOT / ".ci/run").read_text()
    assert "\nuv run pytest\n" in ci, ".ci/run must run the README's test command"


def test_every_provider_has_a_docs_page() -> None:
    for page in ("local", "openrouter", "openai", "anthropic", "ollama", "huggingface", "google"):
        assert (ROOT / f"docs/providers/{page}.md").is_file(), page
