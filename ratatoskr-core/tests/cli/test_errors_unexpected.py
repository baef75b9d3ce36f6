"""A bug in a command (ours or a plugin's) still ends in one line, unless RATATOSKR_TRACEBACK asks for the trace."""

from typing import Any

import pytest
from ratatoskr import PluginManager, hookimpl
from ratatoskr.cli import main


class Broken:
    @hookimpl
    def ratatoskr_register_commands(self, app: Any) -> None:
        def explode() -> None:
            raise RuntimeError("kaboom")

        app.command(explode, name="explode")


def plugins() -> PluginManager:
    pm = PluginManager(env={})
    pm.register(Broken(), "broken")
    return pm


def test_unexpected_exception_is_one_line_with_exit_code_1(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["explode"], plugins=plugins(), env={}) == 1
    err = capsys.readouterr().err
    assert err == "error: unexpected RuntimeError: kaboom (set RATATOSKR_TRACEBACK=1 for details)\n"


def test_traceback_switch_lets_the_exception_through() -> None:
    with pytest.raises(RuntimeError, match="kaboom"):
        main(["explode"], plugins=plugins(), env={"RATATOSKR_TRACEBACK": "1"})
