"""``ratatoskr chat`` at a terminal without a message: a conversation, one line at a time.

One gateway serves the whole conversation, in one event loop on a background thread
(:meth:`CliContext.session <ratatoskr.cli.context.CliContext.session>`). This thread reads the terminal with plain
``input()``, so line editing (readline, where installed) and Ctrl-C at the prompt behave as in any program: Ctrl-C
there ends the run (exit 130). While an answer streams, Ctrl-C stops that answer (its stream is cancelled) and the
prompt comes back; a second Ctrl-C before it has stopped ends the run.

Each turn is printed by :class:`~ratatoskr.cli._stream.StreamPrinter` and collected by
:class:`~ratatoskr.streams.ChatAccumulator`, whose ``response().to_message()`` joins the history (tool calls and
signed reasoning blocks kept). A turn that fails or is stopped leaves the history as it was.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from types import FrameType
from typing import TYPE_CHECKING, TextIO

import anyio
import attrs

from ratatoskr.cli import EXIT_OK, _fail
from ratatoskr.cli._output import console
from ratatoskr.cli._stream import StreamPrinter, response_events
from ratatoskr.errors import RatatoskrError
from ratatoskr.streams import ChatAccumulator
from ratatoskr.types import ChatOptions, ChatResponse, Message

if TYPE_CHECKING:
    from anyio.from_thread import BlockingPortal

    from ratatoskr.cli.context import CliContext
    from ratatoskr.protocol import ModelGateway
    from ratatoskr.types import ToolDefinition

__all__ = ["PROMPT", "Conversation", "run_repl"]

PROMPT = "you> "
#: How long a stopped answer may take to close its stream (an HTTP response, ...) before it is left behind.
_CLOSE_TIMEOUT_S = 2.0

HELP = """\
/help            this list
/model [NAME]    show the model, or switch to NAME
/system [TEXT]   replace the system message (alone: remove it)
/reset           forget the conversation (the system message stays)
/exit, /quit     end the conversation (or Ctrl-D)
Ctrl-C stops an answer; at the prompt it quits. Start a message with // to send one that begins with /."""


@attrs.define
class Conversation:
    """What is sent each turn: the system message, then the history, then the new user message."""

    model: str
    system: str | None = None
    history: list[Message] = attrs.Factory(list)

    def request(self, text: str) -> list[Message]:
        """The messages for a new user turn (a new list: the history changes only when the turn succeeds)."""
        head = [Message.system(self.system)] if self.system else []
        return [*head, *self.history, Message.user(text)]


class _Turn:
    """One answer, run on the event loop; :meth:`stop` (called on the loop too) cancels it."""

    def __init__(self, *, stream: bool) -> None:
        self.stream = stream
        self.printer = StreamPrinter(as_json=False)
        self.stopping = False
        self._scope: anyio.CancelScope | None = None

    def stop(self) -> None:
        self.stopping = True
        if self._scope is not None:
            self._scope.cancel()

    async def run(
        self,
        gateway: ModelGateway,
        messages: Sequence[Message],
        tools: Sequence[ToolDefinition] | None,
        options: ChatOptions,
    ) -> ChatResponse | None:
        """The whole answer, or ``None`` when it was stopped."""
        with anyio.CancelScope() as scope:
            self._scope = scope
            if self.stopping:  # Ctrl-C came before the turn started
                scope.cancel()
            if not self.stream:
                response = await gateway.chat(messages, tools, options)
                for event in response_events(response):
                    self.printer.event(event)
                return response
            accumulator = ChatAccumulator()
            events = gateway.chat_stream(messages, tools, options)
            try:
                async for event in events:
                    accumulator.add(event)
                    self.printer.event(event)
            finally:
                with anyio.move_on_after(_CLOSE_TIMEOUT_S, shield=True):
                    await events.aclose()
            return accumulator.response()
        return None


@attrs.define
class _Repl:
    ctx: CliContext
    conversation: Conversation
    tools: Sequence[ToolDefinition] | None
    options: ChatOptions
    stream: bool
    read_line: Callable[[str], str]
    record: Callable[[ModelGateway], ModelGateway] = lambda gateway: gateway

    def run(self) -> int:
        with self.ctx.session() as (portal, opened):
            gateway = self.record(opened)  # the history (ratatoskr logs) sees every turn
            self._note(f"chatting with {self.conversation.model} · /help for commands · Ctrl-D to quit")
            while True:
                try:
                    line = self.read_line(PROMPT).strip()
                except EOFError:  # Ctrl-D: end the prompt's line so the shell's starts on its own
                    sys.stdout.write("\n")
                    return EXIT_OK
                if line.startswith("/") and not line.startswith("//"):
                    if not self._command(line):
                        return EXIT_OK
                elif line:
                    self._ask(portal, gateway, line.removeprefix("/"))

    def _ask(self, portal: BlockingPortal, gateway: ModelGateway, text: str) -> None:
        messages = self.conversation.request(text)
        options = attrs.evolve(self.options, model=self.conversation.model)
        turn = _Turn(stream=self.stream)
        try:
            with _stop_on_ctrl_c(portal, turn):
                response = portal.start_task_soon(turn.run, gateway, messages, self.tools, options).result()
        except RatatoskrError as exc:
            turn.printer.end_lines()
            _fail(exc, 1)
            return
        if response is None:
            turn.printer.end_lines()
            self._note("(answer stopped)")
            return
        self.conversation.history += [messages[-1], response.to_message()]

    def _command(self, line: str) -> bool:
        """Run a /command; False ends the conversation."""
        name, _, arg = line.partition(" ")
        arg = arg.strip()
        conversation = self.conversation
        if name in ("/exit", "/quit"):
            return False
        if name == "/help":
            self._note(HELP)
        elif name == "/reset":
            conversation.history.clear()
            self._note("conversation cleared")
        elif name == "/system":
            conversation.system = arg or None
            self._note("system message replaced" if arg else "system message removed")
        elif name == "/model":
            conversation.model = arg or conversation.model
            self._note(f"model: {conversation.model}")
        else:
            self._note(f"unknown command {name} (try /help)")
        return True

    @staticmethod
    def _note(text: str) -> None:
        console(stderr=True).print(text, style="dim", markup=False, highlight=False)


@contextmanager
def _stop_on_ctrl_c(portal: BlockingPortal, turn: _Turn) -> Iterator[None]:
    """While a turn runs, Ctrl-C stops it instead of ending the run; a second one, before it stops, ends the run."""
    if threading.current_thread() is not threading.main_thread():  # only the main thread receives signals
        yield
        return

    def on_sigint(signum: int, frame: FrameType | None) -> None:
        if turn.stopping:
            raise KeyboardInterrupt
        turn.stopping = True
        portal.call(turn.stop)

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler if previous is None else previous)


def _line_reader(stdin: TextIO) -> Callable[[str], str]:
    """``input`` for the real stdin (with readline's line editing and history where available), else the stream."""
    if stdin is not sys.stdin:

        def read(prompt: str) -> str:
            sys.stdout.write(prompt)
            sys.stdout.flush()
            line = stdin.readline()
            if not line:
                raise EOFError
            return line.rstrip("\n")

        return read
    try:
        is_console = os.isatty(stdin.fileno())
    except (OSError, ValueError):  # an in-memory stream: nothing to edit
        is_console = False
    if is_console:
        with suppress(ImportError):  # Windows has no readline: its console edits lines itself
            import readline  # noqa: F401  (loading it is what gives input() line editing and history)
    return input


def run_repl(
    ctx: CliContext,
    conversation: Conversation,
    *,
    tools: Sequence[ToolDefinition] | None,
    options: ChatOptions,
    stream: bool,
    record: Callable[[ModelGateway], ModelGateway] | None = None,
) -> int:
    """Talk until /exit, Ctrl-D (exit 0) or Ctrl-C at the prompt (KeyboardInterrupt: exit 130); ``record`` wraps
    the gateway so each turn is recorded in the history."""
    repl = _Repl(ctx, conversation, tools, options, stream, _line_reader(ctx.stdin))
    if record is not None:
        repl.record = record
    return repl.run()
