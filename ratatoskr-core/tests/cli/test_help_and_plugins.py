"""Help pages (the fast root page must equal cyclopts' rendering) and commands added by plugins."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from ratatoskr import hookimpl
from ratatoskr.cli.app import COMMANDS, build_app, root_help
from ratatoskr.cli.context import Ctx
from ratatoskr.plugins import PluginManager

Run = Callable[..., Any]  # the `cli` fixture (conftest.py)


class Greeter:
    """A third-party plugin: one command that uses the gateway, one sub-app with its own commands."""

    @hookimpl
    def ratatoskr_register_commands(self, app: Any) -> None:
        from cyclopts import App

        @app.command(name="greet")
        def greet(name: str = "world", *, ctx: Ctx) -> int:
            """Greet someone through the chat gateway.

            Parameters
            ----------
            name
                Who to greet.
            """

            async def run(gateway: Any) -> Any:
                from ratatoskr.types import ChatOptions, Message

                return await gateway.chat([Message.user(f"hello {name}")], None, ChatOptions(model="demo:echo"))

            print(ctx.call(run).content)
            return 0

        tools = App(name="greeter-tools", help="Maintenance commands of the greeter plugin.")

        @tools.command
        def wave() -> int:
            """Wave."""
            print("o/")
            return 0

        app.command(tools)


def _cyclopts_root_page(plugins: PluginManager, capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    build_app(plugins).meta(["--help"], result_action="return_value")
    return capsys.readouterr().out


@pytest.mark.parametrize("columns", ["80", "132", "50"])
def test_fast_root_help_equals_cyclopts(
    plugins: PluginManager, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, columns: str
) -> None:
    monkeypatch.setenv("COLUMNS", columns)
    plugins.register(Greeter(), "greeter")
    fast = root_help(build_app(plugins))
    assert fast is not None
    assert fast == _cyclopts_root_page(plugins, capsys)
    for name in (*COMMANDS, "greet", "greeter-tools", "--config, -c PATH"):
        assert f"\n  {name} " in fast
    assert "Greet someone through the" in fast
    assert "~/.config/ratatoskr/config.toml" in fast  # paths are not cut


def test_root_help_steps_aside_for_what_it_does_not_know(
    plugins: PluginManager, capsys: pytest.CaptureFixture[str]
) -> None:
    class Aliased:
        @hookimpl
        def ratatoskr_register_commands(self, app: Any) -> None:
            @app.command(name="hello", alias="hi")
            def hello() -> int:
                """Say hello."""
                return 0

    plugins.register(Aliased(), "aliased")
    assert root_help(build_app(plugins)) is None
    assert "hello" in _cyclopts_root_page(plugins, capsys)


def test_help_flags_and_no_arguments(cli: Run) -> None:
    pages = {cli(*args, config=None).out for args in (("--help",), ("-h",), ())}
    assert len(pages) == 1
    (page,) = pages
    assert page.startswith("Usage: ratatoskr COMMAND [OPTIONS]\n")


def test_help_of_a_command_that_does_not_exist_is_a_usage_error(cli: Run) -> None:
    for args in (("daemon", "--help"), ("daemon", "-h"), ("chatt", "--json", "--help")):
        result = cli(*args)
        assert result.code == 2, args
        assert result.out == ""
        assert result.err.startswith(f'error: Unknown command "{args[0]}".'), result.err
    assert 'Did you mean "chat"?' in cli("chatt", "--help").err
    assert cli("registry", "nosuch", "--help").code == 2  # a sub-app's unknown command too
    assert cli("registry", "--help").code == 0
    assert cli("chat", "hi", "--help").code == 0  # a command that takes text: help as usual


def test_command_help(cli: Run) -> None:
    result = cli("chat", "--help")
    assert result.code == 0
    for option in (
        "--model, -m STR",
        "--temperature, -t FLOAT",
        "--max-tokens INT",
        "--system, -s STR",
        "--reasoning-effort, -r CHOICE",
        "--json",
        "--config, -c PATH",
    ):
        assert option in result.out
    assert "ctx" not in result.out  # injected, not an option
    assert cli("classify", "-h").out.count("--label, -l STR") == 1


def test_plugin_command_runs_with_the_context(cli: Run, plugins: PluginManager) -> None:
    plugins.register(Greeter(), "greeter")
    result = cli("greet", "--name", "Ratatoskr")
    assert (result.code, result.out) == (0, "echo: hello Ratatoskr\n")
    assert cli("greeter-tools", "wave").out == "o/\n"
