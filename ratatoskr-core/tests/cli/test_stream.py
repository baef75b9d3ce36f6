"""``chat``/``generate`` print events as they arrive: answer on stdout, reasoning/tools/usage on stderr."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

import pytest
import ratatoskr.types as rt
from ratatoskr import hookimpl
from ratatoskr.plugins import PluginManager, provider_plugin

Run = Callable[..., Any]  # the `cli` fixture (conftest.py)


class Thinker:
    """A chat provider that reasons, calls a tool, answers, and records what it was sent."""

    name = "thinker"
    priority = 10
    models = frozenset({"thinker-1"})

    def __init__(self) -> None:
        self.seen: list[tuple[list[rt.Message], Sequence[rt.ToolDefinition] | None, rt.ChatOptions]] = []

    async def chat(
        self, messages: Sequence[rt.Message], tools: Sequence[rt.ToolDefinition] | None, options: rt.ChatOptions
    ) -> rt.ChatResponse:
        raise NotImplementedError

    async def chat_stream(
        self, messages: Sequence[rt.Message], tools: Sequence[rt.ToolDefinition] | None, options: rt.ChatOptions
    ) -> AsyncIterator[rt.ChatEvent]:
        self.seen.append((list(messages), tools, options))
        yield rt.ReasoningEvent("Let me ")
        yield rt.ReasoningEvent("think.")
        yield rt.ContentEvent("The answer")
        yield rt.ToolCallStart(0, "call_1", "lookup")
        yield rt.ToolCallDelta(0, '{"q": ')
        yield rt.ToolCallDelta(0, '"x"}')
        yield rt.ToolCallEnd(0)
        yield rt.ContentEvent(" is 42.")
        yield rt.UsageEvent(rt.Usage(prompt_tokens=5, completion_tokens=7, total_tokens=12, reasoning_tokens=3))
        yield rt.DoneEvent(rt.FinishReason.TOOL_CALLS)


@pytest.fixture
def thinker(plugins: PluginManager) -> Thinker:
    provider = Thinker()

    plugins.register(provider_plugin(provider, "chat"), "thinker")
    return provider


def test_stdout_holds_only_the_answer(cli: Run, thinker: Thinker) -> None:
    result = cli("chat", "what is it?", "-m", "thinker-1")
    assert result.code == 0
    assert result.out == "The answer is 42.\n"
    err = result.err.splitlines()
    assert err[0] == "Let me think."
    assert err[1] == '→ tool call lookup (call_1) {"q": "x"}'
    assert err[2] == ("thinker/thinker-1 · 5 prompt + 7 completion = 12 tokens (3 reasoning) · finish: tool_calls")


def test_json_lines_in_stream_order(cli: Run, thinker: Thinker) -> None:
    result = cli("chat", "what is it?", "-m", "thinker-1", "--json")
    assert result.code == 0
    assert result.err == ""
    events = [json.loads(line) for line in result.out.splitlines()]
    assert [e["type"] for e in events] == [
        "reasoning",
        "reasoning",
        "content",
        "tool_call_start",
        "tool_call_delta",
        "tool_call_delta",
        "tool_call_end",
        "content",
        "usage",
        "done",
    ]
    assert events[3]["data"] == {"index": 0, "id": "call_1", "name": "lookup"}
    assert events[-2]["data"]["total_tokens"] == 12
    assert events[-1]["data"] == {"finish_reason": "tool_calls", "model": "thinker-1", "provider": "thinker"}


def test_options_reach_the_provider(cli: Run, thinker: Thinker, tmp_path: Any) -> None:
    tools = tmp_path / "tools.json"
    tools.write_text(
        json.dumps([{"type": "function", "function": {"name": "lookup", "description": "Find."}}]), encoding="utf-8"
    )
    result = cli(
        "chat",
        "hi",
        "-m",
        "thinker-1",
        "--system",
        "be brief",
        "--temperature",
        "0.2",
        "--max-tokens",
        "50",
        "--top-p",
        "0.9",
        "--seed",
        "7",
        "--stop",
        "END",
        "--stop",
        "STOP",
        "--reasoning-effort",
        "high",
        "--tools",
        str(tools),
    )
    assert result.code == 0, result.err
    ((messages, sent_tools, options),) = thinker.seen
    assert [(m.role.value, m.content) for m in messages] == [("system", "be brief"), ("user", "hi")]
    assert [t.name for t in sent_tools or ()] == ["lookup"]
    assert (options.temperature, options.max_tokens, options.top_p, options.seed) == (0.2, 50, 0.9, 7)
    assert options.stop == ("END", "STOP")
    assert options.reasoning is not None and options.reasoning.effort == "high"


def test_bad_tools_file(cli: Run, thinker: Thinker, tmp_path: Any) -> None:
    tools = tmp_path / "tools.json"
    tools.write_text('{"not": "a list"}', encoding="utf-8")
    result = cli("chat", "hi", "-m", "thinker-1", "--tools", str(tools))
    assert result.code == 2
    assert result.err == f"error: {tools}: tools must be a JSON array of tool definitions (OpenAI format)\n"


def test_generate_json_lines(cli: Run) -> None:
    result = cli("generate", "one two", "-m", "demo:demo-gen", "--json")
    events = [json.loads(line) for line in result.out.splitlines()]
    assert [e["type"] for e in events] == ["text", "text", "text", "done"]
    assert "".join(e["data"] for e in events[:-1]) == "echo: one two"
    assert events[-1]["data"]["provider"] == "demo"


def test_chat_usage_goes_to_stderr_after_the_answer(cli: Run) -> None:
    result = cli("chat", "a b c")
    assert result.out == "echo: a b c\n"
    assert result.err == "demo/demo-chat · 3 prompt + 5 completion = 8 tokens\n"


def test_a_parameter_the_provider_does_not_take_is_one_warning_line(cli: Run, plugins: PluginManager) -> None:
    class Picky(Thinker):
        name = "picky"
        models = frozenset({"picky-1"})
        supported_parameters = frozenset({"max_tokens"})

    class Plugin:
        @hookimpl
        def ratatoskr_chat_providers(self, settings: Any) -> list[Thinker]:
            return [Picky()]

    plugins.register(Plugin(), "picky")
    result = cli("chat", "hi", "-m", "picky-1", "--temperature", "0.5")
    assert result.code == 0
    warning, *_ = result.err.splitlines()
    assert warning.startswith("warning: provider picky does not take ")
    assert "temperature" in warning and warning.endswith("it was not sent")
