"""Bad input ends the run with one line on stderr and the documented exit code, never a traceback."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ratatoskr import hookimpl
from ratatoskr.cli import EXIT_ERROR, EXIT_INTERRUPTED, EXIT_USAGE
from ratatoskr.plugins import PluginManager

Run = Callable[..., Any]  # the `cli` fixture (conftest.py)


def _one_line_error(err: str) -> str:
    assert err.startswith("error: ")
    assert err.count("\n") == 1, err
    assert "Traceback" not in err
    return err.removeprefix("error: ").rstrip("\n")


def test_empty_text_argument(cli: Run) -> None:
    result = cli("embed")
    assert result.code == EXIT_USAGE
    assert _one_line_error(result.err) == "embed: no input provided (pass text as argument or via stdin)"
    empty = cli("embed", "")
    assert (empty.code, _one_line_error(empty.err)) == (EXIT_USAGE, "text is empty")
    blank = cli("embed", "   ")
    assert blank.code == EXIT_USAGE
    assert _one_line_error(blank.err) == "text is empty"


def test_unknown_option_and_command(cli: Run) -> None:
    option = cli("embed", "x", "--bogus")
    assert option.code == EXIT_USAGE
    assert "--bogus" in _one_line_error(option.err)
    command = cli("frobnicate")
    assert command.code == EXIT_USAGE
    assert "frobnicate" in _one_line_error(command.err)


def test_option_value_out_of_range_or_of_the_wrong_type(cli: Run) -> None:
    hot = cli("chat", "hi", "--temperature", "5")
    assert hot.code == EXIT_USAGE
    assert _one_line_error(hot.err) == "temperature must be in [0, 2], got 5.0"
    word = cli("chat", "hi", "--max-tokens", "many")
    assert word.code == EXIT_USAGE
    assert "many" in _one_line_error(word.err)
    effort = cli("chat", "hi", "--reasoning-effort", "extreme")
    assert effort.code == EXIT_USAGE
    assert "extreme" in _one_line_error(effort.err)


def test_nonexistent_config_file(cli: Run, tmp_path: Path) -> None:
    missing = tmp_path / "nope.toml"
    result = cli("models", config=missing)
    assert result.code == EXIT_USAGE
    assert _one_line_error(result.err) == f"config file not found: {missing}"


def test_config_file_from_the_environment(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    missing = tmp_path / "env.toml"
    monkeypatch.setenv("RATATOSKR_CONFIG", str(missing))
    result = cli("models", config=None)
    assert result.code == EXIT_USAGE
    assert _one_line_error(result.err) == f"config file not found: {missing} (from RATATOSKR_CONFIG)"


def test_invalid_config_file(cli: Run, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("[defaults\n", encoding="utf-8")
    result = cli("models", config=broken)
    assert result.code == EXIT_USAGE
    assert _one_line_error(result.err).startswith(f"cannot read {broken}")


def test_insecure_secrets_file(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[openrouter]\napi_key = "sk-test"\n', encoding="utf-8")
    secrets.chmod(0o644)
    monkeypatch.setenv("RATATOSKR_SECRETS", str(secrets))
    result = cli("chat", "hi")
    assert result.code == EXIT_USAGE
    message = _one_line_error(result.err)
    assert str(secrets) in message
    assert "0644" in message


def test_other_errors_exit_1(cli: Run) -> None:
    result = cli("metadata", "x", "--fetch")
    assert result.code == EXIT_ERROR
    assert _one_line_error(result.err).startswith("no provider configured for metadata")


def test_no_provider_once_demo_is_turned_off(cli: Run, tmp_path: Path) -> None:
    config = tmp_path / "off.toml"
    config.write_text("[providers.demo]\nenabled = false\n", encoding="utf-8")
    result = cli("embed", "hello", config=config)
    assert result.code == EXIT_ERROR
    assert _one_line_error(result.err).startswith("no provider configured for embed")


class _Commands:
    """An inline plugin adding commands, like a third-party package would."""

    @hookimpl
    def ratatoskr_register_commands(self, app: Any) -> None:
        @app.command(name="interrupt")
        def interrupt() -> int:
            """Pretend the user pressed Ctrl-C."""
            raise KeyboardInterrupt

        @app.command(name="crash-input")
        def crash_input() -> int:
            """Raise an input error from a plugin command."""
            from ratatoskr.errors import InvalidInput

            raise InvalidInput("plugin says the input\nis bad")


def test_ctrl_c_exits_130(cli: Run, plugins: PluginManager) -> None:
    plugins.register(_Commands(), "commands")
    result = cli("interrupt")
    assert result.code == EXIT_INTERRUPTED
    assert "Traceback" not in result.err


def test_multiline_messages_become_one_line(cli: Run, plugins: PluginManager) -> None:
    plugins.register(_Commands(), "commands")
    result = cli("crash-input")
    assert result.code == EXIT_USAGE
    assert _one_line_error(result.err) == "plugin says the input is bad"


class _Broken:
    @hookimpl
    def ratatoskr_register_commands(self, app: Any) -> None:
        raise ModuleNotFoundError("No module named 'half_written'")


def test_a_plugin_failing_to_add_commands(cli: Run, plugins: PluginManager) -> None:
    plugins.register(_Broken(), "broken")
    result = cli("--help", config=None)
    assert result.code == EXIT_USAGE
    assert "half_written" in _one_line_error(result.err)
