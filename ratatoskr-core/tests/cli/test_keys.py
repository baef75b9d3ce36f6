"""``ratatoskr keys``: keys go into the secrets file (0600, comments kept) from a hidden prompt or stdin, never argv,
and no output ever shows one."""

from __future__ import annotations

import getpass
import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from ratatoskr.plugins import PluginManager, provider_plugin

from .conftest import Result

KEY = "sk-test-5f1e9a0c7d"
EARLIER = (
    '# keys for the lab machine\n[anthropic]  # the work account\napi_key = "sk-ant-earlier"\n\n[extra]\nnote = 1\n'
)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.delenv("RATATOSKR_SECRETS", raising=False)
    for var in ("OPENAI_API_KEY", "OPENROUTER_API_KEY", "ANTHROPIC_API_KEY", "HF_TOKEN", "HF_API_KEY"):
        monkeypatch.delenv(var, raising=False)
    return home


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_set_from_stdin_creates_a_private_file_and_list_says_where(home: Path, cli: Callable[..., Result]) -> None:
    set_ = cli("keys", "set", "openai", stdin=f"{KEY}\n".encode())
    listed = cli("keys", "list")
    path = home / ".ratatoskr" / "secrets.toml"
    assert (set_.code, listed.code) == (0, 0), (set_.err, listed.err)
    assert listed.out == "openai  secrets file\n"
    assert (_mode(path), _mode(path.parent)) == (0o600, 0o700)
    assert f'api_key = "{KEY}"' in path.read_text(encoding="utf-8")
    assert KEY not in set_.out + set_.err + listed.out + listed.err
    assert cli("keys", "path").out == f"{path}\n"


def test_set_from_the_hidden_prompt_keeps_comments_and_other_tables(
    home: Path, cli: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = home / ".ratatoskr" / "secrets.toml"
    path.parent.mkdir(mode=0o700)
    path.write_text(EARLIER, encoding="utf-8")
    path.chmod(0o600)
    prompts: list[str] = []
    monkeypatch.setattr(getpass, "getpass", lambda prompt: prompts.append(prompt) or KEY)
    result = cli("keys", "set", "openai")  # stdin is a terminal: the hidden prompt asks
    assert result.code == 0, result.err
    assert prompts == ["openai API key (input hidden): "]
    text = path.read_text(encoding="utf-8")
    assert text.startswith(EARLIER)
    assert text.endswith(f'[openai]\napi_key = "{KEY}"\n')
    assert _mode(path) == 0o600
    assert cli("keys", "list").out == "anthropic  secrets file\nopenai  secrets file\n"


def test_list_names_config_and_environment_and_the_one_used(
    home: Path, cli: Callable[..., Result], config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_file.write_text('[providers.openrouter]\napi_key = "sk-or-in-config"\n', encoding="utf-8")
    monkeypatch.setenv("OPENROUTER_API_KEY", "sk-or-env")
    monkeypatch.setenv("HF_TOKEN", "hf_env")
    result = cli("keys", "list")
    assert result.out == (
        "huggingface  environment (HF_TOKEN)\n"
        "openrouter  config  (also in environment (OPENROUTER_API_KEY), not used)\n"
    )
    assert "sk-or" not in result.out + result.err
    as_json = cli("keys", "list", "--json")
    assert '"source": "config"' in as_json.out
    assert "sk-or" not in as_json.out


def test_remove_keeps_the_rest(home: Path, cli: Callable[..., Result]) -> None:
    path = home / ".ratatoskr" / "secrets.toml"
    path.parent.mkdir(mode=0o700)
    path.write_text(EARLIER + '\n[openai]\napi_key = "x"\norganization = "org-1"\n', encoding="utf-8")
    path.chmod(0o600)
    assert cli("keys", "remove", "openai").code == 0
    assert cli("keys", "remove", "anthropic").code == 0
    text = path.read_text(encoding="utf-8")
    assert "# keys for the lab machine" in text
    assert 'organization = "org-1"' in text
    assert "api_key" not in text
    missing = cli("keys", "remove", "openai")
    assert missing.code == 2
    assert "no openai key in the secrets file" in missing.err


def test_refuses_files_and_directories_others_can_read(home: Path, cli: Callable[..., Result]) -> None:
    directory = home / ".ratatoskr"
    directory.mkdir(mode=0o755)
    directory.chmod(0o755)
    open_dir = cli("keys", "set", "openai", stdin=KEY.encode())
    assert open_dir.code == 2
    assert "other users can read that directory" in open_dir.err
    assert not (directory / "secrets.toml").exists()
    directory.chmod(0o700)
    path = directory / "secrets.toml"
    path.write_text("# shared by mistake\n", encoding="utf-8")
    path.chmod(0o644)
    open_file = cli("keys", "set", "openai", stdin=KEY.encode())
    assert open_file.code == 2
    assert "insecure permissions 0644" in open_file.err
    assert path.read_text(encoding="utf-8") == "# shared by mistake\n"
    assert KEY not in open_dir.err + open_file.err


def test_the_key_is_never_taken_from_argv_and_bad_input_is_refused(home: Path, cli: Callable[..., Result]) -> None:
    on_argv = cli("keys", "set", "openai", KEY)
    assert on_argv.code == 2
    assert "never on the command line" in on_argv.err
    assert KEY not in on_argv.out + on_argv.err
    assert not (home / ".ratatoskr" / "secrets.toml").exists()
    assert "unknown provider 'nosuch'" in cli("keys", "set", "nosuch", stdin=KEY.encode()).err
    assert "no key given" in cli("keys", "set", "openai", stdin=b"\n").err
    assert "several lines" in cli("keys", "set", "openai", stdin=b"one\ntwo\n").err


def test_as_a_process_the_key_appears_in_no_output(tmp_path: Path) -> None:
    secrets = tmp_path / "private" / "secrets.toml"
    env = {**os.environ, "HOME": str(tmp_path), "RATATOSKR_SECRETS": str(secrets), "NO_COLOR": "1"}
    env.pop("OPENAI_API_KEY", None)
    run = [sys.executable, "-m", "ratatoskr.cli", "keys"]
    set_ = subprocess.run([*run, "set", "openai"], input=KEY.encode(), capture_output=True, env=env, timeout=60)
    listed = subprocess.run([*run, "list"], capture_output=True, env=env, timeout=60)
    assert (set_.returncode, listed.returncode) == (0, 0), set_.stderr
    assert b"openai  secrets file\n" in listed.stdout
    assert _mode(secrets) == 0o600
    assert KEY.encode() not in set_.stdout + set_.stderr + listed.stdout + listed.stderr


def test_list_reads_a_third_party_plugins_declared_key(
    home: Path, cli: Callable[..., Result], plugins: PluginManager, config_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from attrs import frozen
    from ratatoskr.config_schema import setting
    from ratatoskr.provider_factory import ProviderConfig, ProviderFactory

    @frozen(kw_only=True)
    class AcmeConfig(ProviderConfig):
        api_key: str | None = setting(None, doc="The Acme key.", secret=True, env=True, required=True)

    acme = ProviderFactory("acme", AcmeConfig, lambda config: None)

    plugins.register(provider_plugin(acme, "chat"), "acme")
    monkeypatch.setenv("ACME_API_KEY", "acme-secret")
    monkeypatch.setenv("WORK_KEY", "named-secret")
    config_file.write_text('[providers.openai]\napi_key_env = "WORK_KEY"\n', encoding="utf-8")
    result = cli("keys", "list")
    assert result.out == "acme  environment (ACME_API_KEY)\nopenai  environment (WORK_KEY, named in the config)\n"
    assert cli("keys", "set", "acme", stdin=KEY.encode()).code == 0
    assert cli("keys", "list").out.startswith("acme  secrets file  (also in environment (ACME_API_KEY), not used)\n")
