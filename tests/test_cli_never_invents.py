"""The CLI with every installed plugin and nothing configured never invents an answer (issue 8 §1).

Each command that no provider can serve exits non-zero with a one-line cause or a short list of per-provider
causes, prints no traceback and nothing on stdout; a configured provider that fails gives an error, never a demo
answer. The local provider's model folder is an empty temporary one and downloads are off, so nothing is served
by accident from a cache on this machine.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest

sys.path.insert(0, str(Path(__file__).parent / "conformance"))
from loopback import LoopbackServer, Reply
from ratatoskr.cli import main

KEYS = ("OPENAI_API_KEY", "OPENROUTER_API_KEY", "ANTHROPIC_API_KEY", "HF_TOKEN", "HUGGINGFACE_API_KEY")


@attrs.frozen
class Run:
    code: int
    out: str
    err: str


@pytest.fixture
def ratatoskr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Run]:
    """``ratatoskr("embed", "x", config="...")``: the real CLI with the installed plugins, in an empty home."""
    for key in (*KEYS, "RATATOSKR_DAEMON", "RATATOSKR_PLUGINS", "RATATOSKR_DISABLE_PLUGIN_AUTOLOAD"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))

    def run(*args: str, config: str = "") -> Run:
        path = tmp_path / "config.toml"
        models = tmp_path / "models"
        path.write_text(f'[providers.local]\nmodels_dir = "{models}"\n{config}', encoding="utf-8")
        code = main(["--config", str(path), *args])
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


def _refused(result: Run) -> list[str]:
    """The error lines of a refused command, after checking what every refusal shares."""
    assert result.code == 1, result
    assert result.out == ""
    assert "Traceback" not in result.err and "echo:" not in result.err
    lines = result.err.splitlines()
    assert lines[0].startswith("error: ")
    assert all(line.startswith("  - ") for line in lines[1:]), lines
    return lines


def test_embed_of_an_unknown_model(ratatoskr: Callable[..., Run]) -> None:
    lines = _refused(ratatoskr("embed", "-m", "no-such-model", "hello"))
    assert lines[0] == "error: no provider served embed model 'no-such-model'"
    assert lines[1].startswith("  - local: declined (ModelNotAvailable): model 'no-such-model' is not available")


def test_chat_with_nothing_configured(ratatoskr: Callable[..., Run]) -> None:
    (line,) = _refused(ratatoskr("chat", "-m", "gpt-4o", "hi"))
    assert line.startswith("error: no provider configured for chat (model 'gpt-4o'): installed but not enabled: ")
    assert "openai" in line and "[providers.NAME]" in line


def test_nli_without_an_nli_model(ratatoskr: Callable[..., Run]) -> None:
    lines = _refused(ratatoskr("nli", "A", "B"))
    assert lines[0] == "error: no provider served nli model 'cross-encoder/nli-deberta-v3-small'"
    assert lines[1].startswith("  - local: declined (NotAvailableOffline): ")  # download impossible offline
    assert "ratatoskr local pull cross-encoder/nli-deberta-v3-small" in lines[1]


def test_status_of_an_unknown_model(ratatoskr: Callable[..., Run]) -> None:
    lines = _refused(ratatoskr("status", "no-such-model"))
    assert lines[0].startswith("error: no provider would serve 'no-such-model'")
    assert any(line.startswith("  - local: declined") for line in lines[1:])
    data = json.loads(ratatoskr("status", "no-such-model", "--json", "-C", "embed").out)
    assert [(r["capability"], r["served"]) for r in data] == [("embed", False)]


def test_unknown_and_disabled_provider_pins(ratatoskr: Callable[..., Run]) -> None:
    (line, *_) = _refused(ratatoskr("embed", "-m", "nosuch:model", "hello"))
    assert "no installed provider is named 'nosuch' (installed: " in line and "openai" in line
    disabled = ratatoskr("chat", "-m", "openai:gpt-4o", "hi")
    assert (disabled.code, disabled.out) == (2, "")  # a configuration matter
    assert disabled.err.startswith("error: provider 'openai' is installed but not enabled; enable it with a ")
    assert "[providers.openai]" in disabled.err and disabled.err.count("\n") == 1


def test_the_demo_answers_only_its_pin(ratatoskr: Callable[..., Run]) -> None:
    result = ratatoskr("chat", "-m", "demo:echo", "hi")
    assert (result.code, result.out) == (0, "echo: hi\n")
    off = ratatoskr("chat", "-m", "demo:echo", "hi", config="[providers.demo]\nenabled = false\n")
    assert (off.code, off.out) == (2, "")
    assert off.err.startswith("error: provider 'demo' is installed but not enabled")


def test_a_configured_provider_that_returns_503_gives_an_error_never_a_demo_answer(
    ratatoskr: Callable[..., Run],
) -> None:
    busy = Reply.json({"error": {"message": "upstream overloaded", "type": "server_error"}}, status=503)
    with LoopbackServer(lambda request: busy) as server:
        config = (
            f'[providers.openai]\nbase_url = "{server.url}/v1"\napi_key = "sk-test"\n'
            "[retry]\nmax_attempts = 2\ninitial_delay = 0.01\nmax_delay = 0.02\n"
        )
        for command in (("chat", "-m", "gpt-4o", "hi"), ("chat", "-m", "gpt-4o", "hi", "--no-stream")):
            lines = _refused(ratatoskr(*command, config=config))
            assert lines[0] == "error: no provider served chat model 'gpt-4o'"
            assert lines[1].startswith("  - openai: failed (Overloaded): ")
        assert len(server.requests) == 4  # two attempts per command: retried, then refused
