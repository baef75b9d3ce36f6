"""What a command needs from the command line around it: the config path, the plugins, stdin, a gateway.

Commands (built-in or added by a plugin through ``ratatoskr_register_commands``) receive the context by declaring a
keyword parameter ``ctx: Ctx``; the launcher in :mod:`ratatoskr.cli.app` fills it in. This module stays cheap to
import: the gateway, anyio and rich are imported only when a command asks for them.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, TextIO, TypeVar

from cyclopts import Parameter

from ratatoskr.errors import ConfigurationError, InvalidInput

if TYPE_CHECKING:
    from anyio.from_thread import BlockingPortal

    from ratatoskr.config import Settings
    from ratatoskr.plugins import PluginManager
    from ratatoskr.protocol import ModelGateway

__all__ = ["CliContext", "Ctx", "decode_stdin", "join_input"]

T = TypeVar("T")


def decode_stdin(data: bytes) -> str:
    """Piped bytes as text; invalid UTF-8 is an input error naming the offending byte."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        bad = data[exc.start : exc.start + 1].hex()
        raise InvalidInput(f"standard input is not valid UTF-8 (byte 0x{bad} at offset {exc.start})") from exc


def join_input(command: str, arg: str | None, piped: str | None) -> str:
    """The original's rule: the argument, the piped text, or ``"{arg}\\n\\n{stdin}"`` when both are given."""
    piped = piped if piped is not None and piped.strip() else None
    if arg is not None and piped is not None:
        return f"{arg}\n\n{piped}"
    if arg is not None:
        return arg
    if piped is not None:
        return piped
    raise InvalidInput(f"{command}: no input provided (pass text as argument or via stdin)")


class CliContext:
    """The state of one ``ratatoskr`` invocation, shared by every command it runs."""

    def __init__(
        self,
        plugins: PluginManager,
        *,
        config: Path | None = None,
        env: Mapping[str, str] | None = None,
        stdin: TextIO | None = None,
    ) -> None:
        self.plugins = plugins
        self.config = config
        self.env = os.environ if env is None else env
        self._stdin = stdin
        self._piped: str | None = None
        self._stdin_read = False
        self._settings: Settings | None = None

    # ---- input ---------------------------------------------------------------------------------------------

    @property
    def stdin(self) -> TextIO:
        return self._stdin if self._stdin is not None else sys.stdin

    def piped_text(self) -> str | None:
        """Everything piped on stdin (read once), or ``None`` when stdin is a terminal or not a pipe/file."""
        if not self._stdin_read:
            self._stdin_read = True
            self._piped = self._read_stdin()
        return self._piped

    def _read_stdin(self) -> str | None:
        stream = self.stdin
        if stream is None or stream.closed or stream.isatty():
            return None
        try:
            fd = stream.fileno()
        except (OSError, ValueError):  # an in-memory stream (tests, embedding): read it
            fd = None
        # Only a pipe or a redirected file counts as input; reading a socket or device could block forever.
        if fd is not None:
            mode = os.fstat(fd).st_mode
            if not (stat.S_ISFIFO(mode) or stat.S_ISREG(mode)):
                return None
        buffer = getattr(stream, "buffer", None)
        try:
            data = buffer.read() if buffer is not None else stream.read().encode("utf-8")
        except OSError as exc:
            raise InvalidInput(f"cannot read standard input: {exc}") from exc
        return decode_stdin(data)

    def text(self, command: str, arg: str | None) -> str:
        """The text a command works on: its argument and/or piped stdin (see :func:`join_input`)."""
        return join_input(command, arg, self.piped_text())

    # ---- the gateway ---------------------------------------------------------------------------------------

    def settings(self) -> Settings:
        """The configuration, read once per invocation."""
        if self._settings is None:
            from ratatoskr.config import Settings

            self._settings = Settings.load(self.config, env=self.env)
        return self._settings

    def gateway(self) -> ModelGateway:
        """The gateway commands talk to: the daemon at ``$RATATOSKR_DAEMON`` (through the plugin that connects to
        it), else an embedded gateway from the config file and the plugins loaded at start."""
        settings = self.settings()
        address = self.env.get("RATATOSKR_DAEMON")
        if address:
            remote: ModelGateway | None = self.plugins.remote_gateway(address, settings)
            if remote is None:
                raise ConfigurationError(
                    f"RATATOSKR_DAEMON={address} is set, but no installed plugin connects to a daemon "
                    "(install it with: pip install 'ratatoskr[server]')"
                )
            return remote
        from ratatoskr.gateway import EmbeddedGateway

        return EmbeddedGateway.from_settings(settings, plugins=self.plugins)

    def default_model(self, capability: str) -> str:
        """The model a command uses when ``-m`` is not given: ``[defaults]`` in the config, else the built-in one."""
        from ratatoskr.config_schema import read_table
        from ratatoskr.gateway import DEFAULT_MODELS
        from ratatoskr.sections import DefaultsSection

        chosen = read_table(DefaultsSection, self.settings().section("defaults"), where="defaults").models()
        return chosen.get(capability, DEFAULT_MODELS[capability])

    def call(self, fn: Callable[[ModelGateway], Awaitable[T]]) -> T:
        """Open a gateway, run ``await fn(gateway)`` in a fresh event loop, close the gateway."""
        import anyio

        gateway = self.gateway()

        async def run() -> T:
            try:
                return await fn(gateway)
            finally:
                await gateway.aclose()

        return anyio.run(run)

    @contextmanager
    def session(self) -> Iterator[tuple[BlockingPortal, ModelGateway]]:
        """A gateway kept open for a long session driven from this thread (the interactive chat).

        Its event loop runs on a background thread, so this thread stays free to block on the terminal, where
        line editing and Ctrl-C behave as in any program; run coroutines with ``portal.call`` or
        ``portal.start_task_soon``. The gateway is closed, and the loop stopped, on exit.
        """
        from anyio.from_thread import start_blocking_portal

        gateway = self.gateway()
        with start_blocking_portal() as portal:
            try:
                yield portal, gateway
            finally:
                portal.call(gateway.aclose)


#: Annotate a command's ``ctx`` parameter with this to receive the :class:`CliContext`.
Ctx = Annotated[CliContext, Parameter(parse=False)]
