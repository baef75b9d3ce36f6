"""A planted API key appears nowhere in what the CLI prints, with RATATOSKR_TRACE_HOOKS=1 and every plugin loaded
(the trace used to print the secrets file and the whole environment for every hook call)."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from ratatoskr.cli import main
from ratatoskr.wire.redact import redact, secrets_in

sys.path.insert(0, str(Path(__file__).parent / "conformance"))
from loopback import LoopbackServer, RecordedRequest, Reply

KEY = "sk-planted-7c1e9d4b"


def test_trace_hooks_never_print_a_key_or_the_environment(tmp_path: Path) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f'[anthropic]\napi_key = "{KEY}"\n[openrouter]\napi_key = "{KEY}"\n', encoding="utf-8")
    secrets.chmod(0o600)
    config = tmp_path / "config.toml"
    config.write_text('[providers.anthropic]\n[providers.openai]\napi_key_env = "PLANTED"\n', encoding="utf-8")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("RATATOSKR_")},
        "HOME": str(tmp_path),
        "RATATOSKR_CONFIG": str(config),
        "RATATOSKR_SECRETS": str(secrets),
        "RATATOSKR_TRACE_HOOKS": "1",
        "OPENAI_API_KEY": KEY,
        "PLANTED": KEY,
        "UNRELATED_SECRET": KEY,
    }
    run = subprocess.run(
        [sys.executable, "-m", "ratatoskr.cli", "plugins"], capture_output=True, text=True, env=env, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert "ratatoskr_chat_providers" in run.stderr  # the trace is on
    assert KEY not in run.stdout + run.stderr
    assert "UNRELATED_SECRET" not in run.stderr and "PLANTED" not in run.stderr
    assert len(run.stderr.splitlines()) < 40


# ---- an upstream that echoes the key in its error body --------------------------------------------------------

_ECHOING = {
    # provider table, the header the key travels in, the model to ask for
    "openai": ('base_url = "{url}/v1"', "authorization", "gpt-4o"),
    "anthropic": ('base_url = "{url}"', "x-api-key", "claude-sonnet-4-5"),
    "google": ('base_url = "{url}"', "x-goog-api-key", "gemini-2.5-flash"),
}


@pytest.mark.parametrize("provider", sorted(_ECHOING))
@pytest.mark.parametrize("stream", [True, False], ids=["stream", "whole"])
def test_an_upstream_that_echoes_the_key_never_shows_it(
    provider: str, stream: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    table, header, model = _ECHOING[provider]

    def echo(request: RecordedRequest) -> Reply:
        sent = request.headers.get(header, "")
        return Reply.json({"error": {"message": f"invalid key {sent!r} (header {header}: {sent})"}}, status=401)

    for name in ("RATATOSKR_DAEMON", "OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GOOGLE_API_KEY", "GEMINI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("RATATOSKR_TRACE_HOOKS", "1")
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    with LoopbackServer(echo) as server:
        config = tmp_path / "config.toml"
        config.write_text(
            f'[providers.{provider}]\n{table.format(url=server.url)}\napi_key = "{KEY}"\n', encoding="utf-8"
        )
        args = ["--config", str(config), "chat", "-m", f"{provider}:{model}", "hi"]
        code = main([*args] if stream else [*args, "--no-stream"])
        out, err = capsys.readouterr()
        assert server.requests, err
        assert KEY in server.requests[0].headers.get(header, "")  # the key did travel
    assert code != 0 and out == ""
    assert "401" in err or "AuthenticationFailed" in err or "authentication" in err.lower(), err
    assert KEY not in out + err
    assert "[redacted]" in err  # the echoed value was there, and was hidden


def test_secrets_are_read_off_any_credential_header() -> None:
    headers = {"Authorization": f"Bearer {KEY}", "X-Custom-Token": "tok-12345678", "accept": "application/json"}
    assert set(secrets_in(headers)) == {f"Bearer {KEY}", KEY, "tok-12345678"}
    assert redact(f"bad: Bearer {KEY} / {KEY}", secrets_in(headers)) == "bad: [redacted] / [redacted]"
    assert redact(b"tok-12345678", secrets_in(headers)) == b"[redacted]"
    assert secrets_in({"x-api-key": "short"}) == ()  # too short to be a key; replacing it would mangle messages


def test_an_error_object_inside_a_stream_is_redacted_too() -> None:
    from ratatoskr.wire.endpoint import Endpoint

    endpoint = Endpoint("http://127.0.0.1:9", provider="acme", headers={"authorization": f"Bearer {KEY}"})
    error = endpoint.stream_error({"error": {"message": f"bad key {KEY}", "code": 401}})
    assert KEY not in str(error) and "[redacted]" in str(error)
