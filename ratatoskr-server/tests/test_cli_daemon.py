"""Every ``ratatoskr`` data command talks to a running daemon when RATATOSKR_DAEMON is set."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def test_cli_sends_the_daemon_token_over_tls(
    tmp_path: Path, gateway_factory: Callable[[], Any], capsys: pytest.CaptureFixture[str]
) -> None:
    """RATATOSKR_DAEMON + RATATOSKR_DAEMON_TOKEN + RATATOSKR_DAEMON_CA reach a daemon that requires TLS and tokens."""
    import trustme
    from ratatoskr_server.config import ServerConfig
    from ratatoskr_server.tokens import TokenStore

    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1")
    chain, key, ca_pem = tmp_path / "chain.pem", tmp_path / "key.pem", tmp_path / "ca.pem"
    chain.write_bytes(b"".join(p.bytes() for p in cert.cert_chain_pems))
    cert.private_key_pem.write_to_path(str(key))
    ca.cert_pem.write_to_path(str(ca_pem))
    store = TokenStore(tmp_path / "tokens.toml")
    token = store.create("cli")
    config = ServerConfig(address="127.0.0.1:0", tls_cert=chain, tls_key=key, tokens_file=store.path)
    plugins = PluginManager(env={})
    plugins.load_entrypoints()
    with ServerThread(gateway_factory(), config) as server:
        env = {"RATATOSKR_DAEMON": server.address, "RATATOSKR_DAEMON_CA": str(ca_pem)}
        assert main(["embed", "hello", "-m", "demo:m", "--json"], plugins=plugins, env=env) == 1
        assert "client token" in capsys.readouterr().err
        env["RATATOSKR_DAEMON_TOKEN"] = token
        assert main(["chat", "hi there", "-m", "demo:x"], plugins=plugins, env=env) == 0
        assert capsys.readouterr().out == "echo: hi there\n"
