"""Text comes from the argument, from piped stdin, or from both ("{arg}\\n\\n{stdin}", as the original did)."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ratatoskr.cli.context import CliContext, decode_stdin, join_input
from ratatoskr.errors import InvalidInput
from ratatoskr.plugins import PluginManager

Run = Callable[..., Any]  # the `cli` fixture (conftest.py)


def test_join_input_rules() -> None:
    assert join_input("x", "arg", None) == "arg"
    assert join_input("x", None, "piped") == "piped"
    assert join_input("x", "arg", "piped\n") == "arg\n\npiped\n"
    assert join_input("x", "arg", "  \n") == "arg"  # blank stdin counts as none
    with pytest.raises(InvalidInput, match=r"^x: no input provided"):
        join_input("x", None, "\n")


def test_decode_stdin_names_the_bad_byte() -> None:
    assert decode_stdin("ünï".encode()) == "ünï"
    with pytest.raises(InvalidInput, match=r"not valid UTF-8 \(byte 0xff at offset 3\)"):
        decode_stdin(b"abc\xffdef")


def test_stdin_is_read_once() -> None:
    stream = io.TextIOWrapper(io.BytesIO(b"once"), encoding="utf-8")
    ctx = CliContext(PluginManager(env={}), stdin=stream)
    assert ctx.text("embed", None) == "once"
    assert ctx.text("embed", "again") == "again\n\nonce"


def test_a_device_on_stdin_is_not_input(tmp_path: Path) -> None:
    with open("/dev/null", encoding="utf-8") as devnull:
        ctx = CliContext(PluginManager(env={}), stdin=devnull)
        assert ctx.piped_text() is None
    regular = tmp_path / "in.txt"
    regular.write_text("from a file", encoding="utf-8")
    with open(regular, encoding="utf-8") as redirected:
        assert CliContext(PluginManager(env={}), stdin=redirected).piped_text() == "from a file"


def test_piped_only(cli: Run) -> None:
    result = cli("chat", stdin=b"from the pipe\n")
    assert (result.code, result.out) == (0, "echo: from the pipe\n")


def test_argument_and_pipe(cli: Run) -> None:
    result = cli("chat", "summarise this:", stdin=b"the piped text")
    assert result.out == "echo: summarise this:\n\nthe piped text\n"


def test_piped_into_every_text_command(cli: Run) -> None:
    demo = ("-m", "demo:x")
    embedded = json.loads(cli("embed", *demo, "--json", stdin=b"hello").out)
    assert embedded["values"] == json.loads(cli("embed", "hello", *demo, "--json").out)["values"]
    assert cli("tokens", *demo, stdin=b"a b c").out == "3 tokens\n"
    assert json.loads(cli("stance", *demo, "-t", "cats", "--json", stdin=b"I love cats").out)["label"] == "favor"
    classified = json.loads(cli("classify", *demo, "-l", "cats", "-l", "dogs", "--json", stdin=b"cats").out)
    assert classified["top_label"] == "cats"
    assert cli("generate", *demo, stdin=b"go").out == "echo: go\n"


def test_nli_premise_from_stdin(cli: Run) -> None:
    result = cli("nli", "the cat sat", "-m", "demo:x", "--json", stdin=b"the cat sat on the mat")
    assert json.loads(result.out)["label"] == "entailment"


def test_nli_with_one_argument_and_nothing_piped_names_the_missing_premise(cli: Run) -> None:
    result = cli("nli", "only one")
    assert result.code == 2
    assert result.err.startswith("error: nli: the PREMISE is missing: one argument was given (taken as the HYPOTHESIS)")
    assert cli("nli", "only one", stdin=b"  \n").err == result.err
    none = cli("nli")
    assert (none.code, none.err) == (
        2,
        "error: nli: the PREMISE and the HYPOTHESIS are missing; run `ratatoskr nli PREMISE HYPOTHESIS`\n",
    )


def test_invalid_utf8_on_stdin(cli: Run) -> None:
    result = cli("embed", stdin=b"caf\xe9")
    assert result.code == 2
    assert result.err == "error: standard input is not valid UTF-8 (byte 0xe9 at offset 3)\n"


def test_blank_stdin_and_no_argument(cli: Run) -> None:
    result = cli("embed", stdin=b"  \n")
    assert result.code == 2
    assert result.err == "error: embed: no input provided (pass text as argument or via stdin)\n"


def test_commands_without_text_ignore_stdin(cli: Run) -> None:
    result = cli("models", "--json", stdin=b"\xff not read")
    assert result.code == 0
