"""Every ``ratatoskr`` data command talks to a running daemon when RATATOSKR_DAEMON is set."""

from __future__ import annotations

import io
import json
import sys

import pytest
from ratatoskr.cli import main
from ratatoskr.plugins import PluginManager
from ratatoskr_server.server import ServerThread


@pytest.fixture(autouse=True)
def _nothing_piped(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))


def test_cli_commands_go_through_the_daemon(daemon: ServerThread, capsys: pytest.CaptureFixture[str]) -> None:
    plugins = PluginManager(env={})
    plugins.load_entrypoints()  # the installed ratatoskr-server plugin implements ratatoskr_remote_gateway
    env = {"RATATOSKR_DAEMON": daemon.address}
    assert main(["embed", "hello", "-m", "demo:m", "--json"], plugins=plugins, env=env) == 0
    embedded = json.loads(capsys.readouterr().out)
    assert (embedded["provider"], len(embedded["values"])) == ("demo", 64)
    assert main(["chat", "hi there", "-m", "demo:x"], plugins=plugins, env=env) == 0
    assert capsys.readouterr().out == "echo: hi there\n"


def test_cli_reports_an_unreachable_daemon_in_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    from ratatoskr.testing import closed_port_url

    address = closed_port_url().removeprefix("http://")
    plugins = PluginManager(env={})
    plugins.load_entrypoints()
    code = main(["embed", "hello", "-m", "demo:m"], plugins=plugins, env={"RATATOSKR_DAEMON": address})
    err = capsys.readouterr().err
    assert code == 1
    assert err.startswith("error: ") and err.count("\n") == 1
