"""Drive the CLI in-process through ``main([...])``, with only the demo plugin and a config file of the test's own."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

import attrs
import pytest
from ratatoskr import demo
from ratatoskr.cli import main
from ratatoskr.plugins import PluginManager


@attrs.frozen
class Result:
    code: int
    out: str
    err: str


class _Terminal(io.StringIO):
    """A stdin that is a terminal: nothing is piped."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text('[defaults]\nchat = "demo:demo-chat"\n', encoding="utf-8")
    return path


@pytest.fixture
def plugins(ratatoskr_plugins: PluginManager) -> PluginManager:
    ratatoskr_plugins.register(demo.plugin, "demo", distribution="ratatoskr-core", version="test")
    return ratatoskr_plugins


@pytest.fixture
def cli(
    plugins: PluginManager, config_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., Result]:
    """``cli("embed", "x", stdin=b"...")`` → Result(code, out, err); ``config=None`` leaves --config out;
    ``typed="line 1\nline 2\n"`` is what a person types at the terminal (stdin stays a terminal)."""

    def run(
        *args: str,
        stdin: bytes | None = None,
        typed: str = "",
        config: Path | None = config_file,
        manager: PluginManager | None = plugins,
    ) -> Result:
        stream = _Terminal(typed) if stdin is None else io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8")
        monkeypatch.setattr(sys, "stdin", stream)
        argv = ["--config", str(config), *args] if config is not None else list(args)
        code = main(argv, plugins=manager)
        out, err = capsys.readouterr()
        return Result(code, out, err)

    return run
