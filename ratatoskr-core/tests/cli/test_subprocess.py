"""A few runs as a real process (``python -m ratatoskr.cli``): pipes, exit codes, stream order, no traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest


def _run(
    *args: str, stdin: bytes = b"", stderr_to_stdout: bool = False, **env: str
) -> subprocess.CompletedProcess[bytes]:
    environ = {
        **os.environ,
        "RATATOSKR_DISABLE_PLUGIN_AUTOLOAD": "1",
        "RATATOSKR_PLUGINS": "demo",
        "NO_COLOR": "1",
        **env,
    }
    return subprocess.run(
        [sys.executable, "-m", "ratatoskr.cli", *args],
        input=stdin,
        capture_output=not stderr_to_stdout,
        env=environ,
        timeout=60,
        check=False,
        stdout=subprocess.PIPE if stderr_to_stdout else None,
        stderr=subprocess.STDOUT if stderr_to_stdout else None,
    )


def test_piped_chat_streams_answer_then_usage(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text('[defaults]\nchat = "demo:demo-chat"\n', encoding="utf-8")
    # stderr merged into stdout: the answer is complete (and flushed) before the usage line.
    done = _run("--config", str(config), "chat", "summarise:", stdin=b"piped words", stderr_to_stdout=True)
    assert done.returncode == 0
    assert done.stdout.decode() == (
        "echo: summarise:\n\npiped words\ndemo/demo-chat · 4 prompt + 6 completion = 10 tokens\n"
    )


def test_json_lines_and_exit_code_0() -> None:
    done = _run("generate", "a b", "-m", "demo:m", "--json")
    assert done.returncode == 0, done.stderr
    events = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert events[-1]["type"] == "done"


@pytest.mark.parametrize(
    ("args", "stdin", "code", "needle"),
    [
        (("--config", "/nonexistent/ratatoskr.toml", "models"), b"", 2, "config file not found"),
        (("embed",), b"\xff\xfe", 2, "not valid UTF-8"),
        (("metadata", "x", "--fetch"), b"", 1, "no provider configured for metadata"),
    ],
)
def test_errors_are_one_line(args: tuple[str, ...], stdin: bytes, code: int, needle: str) -> None:
    done = _run(*args, stdin=stdin)
    assert done.returncode == code
    err = done.stderr.decode()
    assert err.startswith("error: ") and err.count("\n") == 1, err
    assert needle in err
    assert done.stdout == b""
