"""A planted API key appears nowhere in what the CLI prints, with RATATOSKR_TRACE_HOOKS=1 and every plugin loaded
(the trace used to print the secrets file and the whole environment for every hook call)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

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
