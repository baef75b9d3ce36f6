"""The daemon's limits and config, ``ratd`` as a real process (graceful SIGTERM/SIGINT) and the CLI commands."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import pytest
from ratatoskr import errors as E
from ratatoskr.cli import main as cli_main
from ratatoskr.config import Settings
from ratatoskr.plugins import PluginManager
from ratatoskr.types import ChatOptions, DoneEvent, Message
from ratatoskr_server import ServiceClient
from ratatoskr_server import plugin as server_plugin
from ratatoskr_server.config import DEFAULT_ADDRESS, ServerConfig
from ratatoskr_server.server import ServerThread


async def test_concurrency_limit_queues_the_excess(gateway_factory: Callable[[], Any], script: Any) -> None:
    config = ServerConfig(address="127.0.0.1:0", max_concurrent_requests=2)
    with ServerThread(gateway_factory(), config) as server:
        gate = server.gate
        assert gate is not None

        def two_running_two_waiting() -> bool:
            with gate.changed:
                return gate.changed.wait_for(lambda: gate.in_flight == 2 and gate.waiting == 2, timeout=10)

        async with ServiceClient(server.address, timeout=10) as client:
            results = []

            async def call(i: int) -> None:
                results.append(await client.embed(f"t{i}", "errors:gated"))

            async with anyio.create_task_group() as tg:
                for i in range(4):
                    tg.start_soon(call, i)
                assert await anyio.to_thread.run_sync(two_running_two_waiting)
                # Two RPCs hold slots; the provider sees one call: the second waits to be micro-batched with
                # whatever comes next (see test_batching.py).
                assert script.max_in_flight == 1
                script.release.set()
            assert len(results) == 4 and script.max_in_flight <= 2
            assert (await client.health()).healthy


async def test_request_timeout_is_applied(gateway_factory: Callable[[], Any], script: Any) -> None:
    config = ServerConfig(address="127.0.0.1:0", request_timeout=0.2)
    with ServerThread(gateway_factory(), config) as server:
        async with ServiceClient(server.address, timeout=10) as client:
            with pytest.raises(E.RequestTimeout, match="request_timeout of 0.2 s"):
                await client.embed("x", "errors:hang")
            script.release.set()
            assert (await client.embed("x", "demo:m")).provider == "demo"


async def test_request_timeout_bounds_each_wait_for_a_stream_event(
    gateway_factory: Callable[[], Any], script: Any
) -> None:
    """A stream that goes quiet is ended by request_timeout (closing the provider's stream); a client that reads
    slowly is not: the timeout runs only while the daemon waits for the next event."""
    config = ServerConfig(address="127.0.0.1:0", request_timeout=0.3)
    with ServerThread(gateway_factory(), config) as server:
        async with ServiceClient(server.address, timeout=10) as client:
            seen = []
            start = anyio.current_time()
            with pytest.raises(E.RequestTimeout, match="request_timeout of 0.3 s"):
                async for event in client.chat_stream([Message.user("go")], None, ChatOptions(model="endless")):
                    seen.append(event.text)
            assert seen == ["first"] and anyio.current_time() - start < 5
            assert await anyio.to_thread.run_sync(script.stream_closed.wait, 10)
            slow = []
            async for event in client.chat_stream([Message.user("go")], None, ChatOptions(model="scripted")):
                slow.append(event)
                await anyio.sleep(0.15)  # 10 events x 0.15 s: longer than request_timeout in all
            assert isinstance(slow[-1], DoneEvent)


def test_config_reads_server_section() -> None:
    settings = Settings.from_dict(
        {"server": {"address": "unix:/tmp/r.sock", "max_concurrent_requests": 3, "request_timeout": 9}}
    )
    config = ServerConfig.from_settings(settings)
    assert (config.address, config.max_concurrent_requests, config.request_timeout) == ("unix:/tmp/r.sock", 3, 9.0)
    assert ServerConfig.from_settings(Settings.from_dict({})).address == DEFAULT_ADDRESS
    assert ServerConfig.from_settings(settings, address="0.0.0.0:1").address == "0.0.0.0:1"


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"max_concurent_requests": 3}, "\\[server\\] unknown key 'max_concurent_requests' \\(did you mean"),
        ({"limits": {"max_concurrent_requests": 3}}, "server.limits"),
        ({"max_concurrent_requests": 0}, "max_concurrent_requests must be at least 1"),
        ({"request_timeout": "soon"}, "request_timeout must be a number"),
        ({"max_message_mb": 1.5}, "max_message_mb must be an integer"),
        ({"address": ""}, "address must not be empty"),
    ],
)
def test_bad_server_config_is_refused(table: dict[str, Any], message: str) -> None:
    with pytest.raises(E.ConfigurationError, match=message):
        ServerConfig.from_settings(Settings.from_dict({"server": table}))


def test_address_in_use_is_a_configuration_error(daemon: ServerThread, gateway_factory: Callable[[], Any]) -> None:
    with pytest.raises(E.ConfigurationError, match="cannot listen"):
        ServerThread(gateway_factory(), ServerConfig(address=daemon.address)).start()


async def test_unix_socket(gateway_factory: Callable[[], Any], tmp_path: Path) -> None:
    address = f"unix:{tmp_path / 'ratd.sock'}"
    with ServerThread(gateway_factory(), ServerConfig(address=address)) as server:
        async with await ServiceClient.connect(server.address) as client:
            assert (await client.embed("x", "demo:m")).provider == "demo"


def _cli_plugins() -> PluginManager:
    plugins = PluginManager(env={})
    plugins.register(server_plugin, "server")
    return plugins


def test_daemon_health_command(daemon: ServerThread, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli_main(["daemon-health", "--address", daemon.address], plugins=_cli_plugins()) == 0
    out = capsys.readouterr().out
    assert f"ratd at {daemon.address}: healthy" in out and "demo" in out
    assert cli_main(["daemon-health", "--address", "127.0.0.1:1", "--wait", "1"], plugins=_cli_plugins()) == 1
    assert "error:" in capsys.readouterr().err


def test_daemon_health_asks_the_daemon_of_ratatoskr_daemon(
    daemon: ServerThread, capsys: pytest.CaptureFixture[str]
) -> None:
    env = {"RATATOSKR_DAEMON": daemon.address}  # the daemon every other command talks to
    assert cli_main(["daemon-health"], plugins=_cli_plugins(), env=env) == 0
    assert f"ratd at {daemon.address}: healthy" in capsys.readouterr().out
    assert cli_main(["daemon-health", "--address", "127.0.0.1:1", "--wait", "1"], plugins=_cli_plugins(), env=env) == 1


def _start_ratd(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], str]:
    config = tmp_path / "config.toml"
    config.write_text('[server]\naddress = "127.0.0.1:0"\nshutdown_grace = 1\n')
    env = {**os.environ, "RATATOSKR_DISABLE_PLUGIN_AUTOLOAD": "1", "RATATOSKR_PLUGINS": "demo"}
    process = subprocess.Popen(
        [sys.executable, "-m", "ratatoskr_server.daemon", "--config", str(config), *args],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    assert process.stderr is not None
    for line in process.stderr:  # the daemon says where it listens once it does
        if "ratd listening on " in line:
            return process, line.rsplit("ratd listening on ", 1)[1].strip()
    process.wait(10)
    process.stderr.close()
    raise AssertionError(f"ratd did not start (exit {process.returncode})")


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
async def test_ratd_process_serves_and_stops_gracefully(tmp_path: Path, sig: signal.Signals) -> None:
    process, address = await anyio.to_thread.run_sync(_start_ratd, tmp_path)
    try:
        async with await ServiceClient.connect(address, wait=10) as client:
            assert (await client.health()).providers == ("demo",)
            assert (await client.embed("x", "demo:m")).provider == "demo"
        process.send_signal(sig)
        rest = await anyio.to_thread.run_sync(process.stderr.read)  # type: ignore[union-attr]
        assert await anyio.to_thread.run_sync(process.wait, 10) == 0
        assert "ratd stopped" in rest
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()  # type: ignore[union-attr]


def test_ratd_refuses_a_bad_config(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[server]\nmax_concurrent_requests = -1\n")
    result = subprocess.run(
        [sys.executable, "-m", "ratatoskr_server.daemon", "--config", str(config)],
        capture_output=True,
        text=True,
        env={**os.environ, "RATATOSKR_DISABLE_PLUGIN_AUTOLOAD": "1"},
        timeout=60,
    )
    assert result.returncode == 2 and "max_concurrent_requests" in result.stderr
