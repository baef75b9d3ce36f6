"""``ratatoskr chat`` at a terminal without a message: a conversation whose history grows turn by turn."""

from __future__ import annotations

import io
import signal
import sys
import threading
from collections.abc import AsyncIterator, Callable, Sequence
from pathlib import Path
from typing import Any

import anyio
import pytest
from ratatoskr import hookimpl
from ratatoskr.cli import main
from ratatoskr.errors import AuthenticationFailed
from ratatoskr.plugins import PluginManager
from ratatoskr.testing import Fail, FakeChatProvider
from ratatoskr.types import ChatEvent, ChatOptions, ContentEvent, DoneEvent, Message, ToolDefinition

Run = Callable[..., Any]  # the `cli` fixture (conftest.py)


def _register(plugins: PluginManager, provider: object, name: str) -> None:
    class Plugin:
        @hookimpl
        def ratatoskr_chat_providers(self, settings: Any) -> list[object]:
            return [provider]

    plugins.register(Plugin(), name)


@pytest.fixture
def fake(plugins: PluginManager) -> FakeChatProvider:
    provider = FakeChatProvider("fake", priority=10, models={"fake-1", "fake-2"})
    _register(plugins, provider, "fake")
    return provider


def _sent(provider: FakeChatProvider) -> list[list[tuple[str, str]]]:
    """The conversation each call received, as (role, content) pairs."""
    return [[(m.role.value, m.content) for m in args[0]] for _, args in provider.calls]


def test_a_conversation_keeps_its_history(cli: Run) -> None:
    result = cli("chat", typed="hello\n\nhow are you\n")
    assert result.code == 0, result.err
    # The prompt, each answer on the line after what was typed (not echoed here), and Ctrl-D's line end.
    assert result.out == "you> echo: hello\nyou> you> echo: how are you\nyou> \n"
    greeting, first, second = result.err.splitlines()
    assert greeting == "chatting with demo:demo-chat · /help for commands · Ctrl-D to quit"
    assert first == "demo/demo-chat · 1 prompt + 3 completion = 4 tokens"
    # "hello", "echo: hello" and "how are you" went out together: the history was sent.
    assert second == "demo/demo-chat · 7 prompt + 5 completion = 12 tokens"


def test_history_grows_turn_by_turn_with_the_system_message_first(cli: Run, fake: FakeChatProvider) -> None:
    result = cli("chat", "-m", "fake:fake-1", "--system", "be brief", typed="one\ntwo\nthree\n")
    assert result.code == 0, result.err
    assert _sent(fake) == [
        [("system", "be brief"), ("user", "one")],
        [("system", "be brief"), ("user", "one"), ("assistant", "one"), ("user", "two")],
        [
            ("system", "be brief"),
            ("user", "one"),
            ("assistant", "one"),
            ("user", "two"),
            ("assistant", "two"),
            ("user", "three"),
        ],
    ]


def test_reset_system_and_model_commands(cli: Run, fake: FakeChatProvider) -> None:
    typed = (
        "one\n/reset\ntwo\n/system be kind\nthree\n/model fake:fake-2\nfour\n/system\n/model\nfive\n/exit\nnot sent\n"
    )
    result = cli("chat", "-m", "fake:fake-1", "--system", "be brief", typed=typed)
    assert result.code == 0, result.err
    brief, kind = ("system", "be brief"), ("system", "be kind")
    two, three, four = ([("user", n), ("assistant", n)] for n in ("two", "three", "four"))
    assert _sent(fake) == [
        [brief, ("user", "one")],
        [brief, ("user", "two")],  # /reset forgot "one" but kept the system message
        [kind, *two, ("user", "three")],  # /system replaced it; the history stayed
        [kind, *two, *three, ("user", "four")],
        [*two, *three, *four, ("user", "five")],  # /system alone removed it
    ]
    models = [args[2].model for _, args in fake.calls]
    assert models == ["fake-1", "fake-1", "fake-1", "fake-2", "fake-2"]
    notes = result.err.splitlines()
    for note in ("conversation cleared", "system message replaced", "system message removed", "model: fake:fake-2"):
        assert note in notes
    assert result.out.endswith("you> ")  # /exit ends it at once, without a line of its own


def test_an_error_returns_to_the_prompt(cli: Run, fake: FakeChatProvider) -> None:
    fake.queue(Fail(AuthenticationFailed("bad key", provider="fake")))
    result = cli("chat", "-m", "fake:fake-1", typed="one\ntwo\n")
    assert result.code == 0
    assert "error: bad key" in result.err.splitlines()
    assert result.out == "you> you> two\nyou> \n"
    assert _sent(fake)[-1] == [("user", "two")]  # the failed turn left the history as it was


def test_help_unknown_commands_and_a_message_starting_with_a_slash(cli: Run, fake: FakeChatProvider) -> None:
    result = cli("chat", "-m", "fake:fake-1", typed="/help\n/nope\n//etc/hosts is a file\n/quit\n")
    assert result.code == 0
    assert "/reset           forget the conversation (the system message stays)" in result.err
    assert "unknown command /nope (try /help)" in result.err.splitlines()
    assert _sent(fake) == [[("user", "/etc/hosts is a file")]]


def test_ctrl_c_at_the_prompt_exits_130(
    plugins: PluginManager, config_file: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    class CtrlC(io.StringIO):
        def isatty(self) -> bool:
            return True

        def readline(self, size: int | None = -1) -> str:
            raise KeyboardInterrupt

    monkeypatch.setattr(sys, "stdin", CtrlC())
    assert main(["--config", str(config_file), "chat"], plugins=plugins) == 130
    assert capsys.readouterr().out == "you> "


class Interrupted:
    """Answers once, then sends Ctrl-C to the main thread in the middle of the next answer and hangs."""

    name = "slow"
    priority = 10
    models = frozenset({"slow-1"})

    def __init__(self) -> None:
        self.seen: list[list[Message]] = []
        self.closed = False

    async def chat(self, messages: Sequence[Message], tools: Any, options: ChatOptions) -> Any:
        raise NotImplementedError

    async def chat_stream(
        self, messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
    ) -> AsyncIterator[ChatEvent]:
        self.seen.append(list(messages))
        if len(self.seen) == 2:
            yield ContentEvent("partial")
            try:
                signal.pthread_kill(threading.main_thread().ident or 0, signal.SIGINT)
                await anyio.sleep_forever()
            finally:
                self.closed = True
        yield ContentEvent(f"answer {len(self.seen)}")
        yield DoneEvent()


@pytest.mark.skipif(not hasattr(signal, "pthread_kill"), reason="needs pthread_kill to send Ctrl-C to a thread")
def test_ctrl_c_during_an_answer_stops_it_and_returns_to_the_prompt(cli: Run, plugins: PluginManager) -> None:
    provider = Interrupted()
    _register(plugins, provider, "slow")
    result = cli("chat", "-m", "slow-1", typed="one\ntwo\nthree\n")
    assert result.code == 0, result.err
    assert provider.closed
    assert result.out == "you> answer 1\nyou> partial\nyou> answer 3\nyou> \n"
    assert "(answer stopped)" in result.err.splitlines()
    # The stopped turn is not in the history.
    assert [(m.role.value, m.content) for m in provider.seen[-1]] == [
        ("user", "one"),
        ("assistant", "answer 1"),
        ("user", "three"),
    ]


def test_json_or_a_piped_message_is_not_a_conversation(cli: Run) -> None:
    assert cli("chat", "--json", typed="hello\n").err == (
        "error: chat: no input provided (pass text as argument or via stdin)\n"
    )
    assert cli("chat", stdin=b"piped").out == "echo: piped\n"


def test_no_stream_prints_the_whole_answer(cli: Run) -> None:
    result = cli("chat", "a b c", "--no-stream")
    assert result.code == 0
    assert result.out == "echo: a b c\n"
    assert result.err.splitlines() == ["demo/demo-chat · 3 prompt + 5 completion = 8 tokens"]


def test_no_stream_json_is_one_chat_response(cli: Run) -> None:
    import json

    result = cli("chat", "a b c", "--no-stream", "--json")
    assert result.code == 0
    assert json.loads(result.out) == {
        "content": "echo: a b c",
        "tool_calls": [],
        "reasoning_blocks": [],
        "usage": {"prompt_tokens": 3, "completion_tokens": 5, "total_tokens": 8},
        "finish_reason": "stop",
        "model": "demo-chat",
        "provider": "demo",
    }


def test_no_stream_shows_reasoning_and_tool_calls_on_stderr(cli: Run, fake: FakeChatProvider) -> None:
    from ratatoskr.types import ChatResponse, FinishReason, ToolCall

    fake.queue(
        ChatResponse(
            content="Let me look.",
            reasoning="Thinking.",
            tool_calls=(ToolCall("call_1", "lookup", '{"q": "x"}'),),
            finish_reason=FinishReason.TOOL_CALLS,
            provider="fake",
        )
    )
    result = cli("chat", "hi", "-m", "fake:fake-1", "--no-stream")
    assert result.code == 0, result.err
    assert result.out == "Let me look.\n"
    assert result.err.splitlines() == [
        "Thinking.",
        '→ tool call lookup (call_1) {"q": "x"}',
        "fake/fake-1 · finish: tool_calls",
    ]


def test_no_stream_in_a_conversation(cli: Run, fake: FakeChatProvider) -> None:
    result = cli("chat", "-m", "fake:fake-1", "--no-stream", typed="one\ntwo\n")
    assert result.code == 0, result.err
    assert [method for method, _ in fake.calls] == ["chat", "chat"]
    assert _sent(fake)[-1] == [("user", "one"), ("assistant", "one"), ("user", "two")]


def test_chat_c_at_the_terminal_reopens_the_latest_conversation(cli: Run, fake: FakeChatProvider) -> None:
    assert cli("chat", "-m", "fake:fake-1", "--system", "be brief", "first").code == 0
    result = cli("chat", "-c", "-m", "fake:fake-1", typed="second\n")
    assert result.code == 0, result.err
    # The recorded turn (and its system message) went out before the new line typed at the prompt.
    assert _sent(fake)[-1] == [("system", "be brief"), ("user", "first"), ("assistant", "first"), ("user", "second")]
    assert cli("chat", "-c", "-m", "fake:fake-1", "third").code == 0  # the terminal turn was recorded too
    assert _sent(fake)[-1][-3:] == [("user", "second"), ("assistant", "second"), ("user", "third")]
