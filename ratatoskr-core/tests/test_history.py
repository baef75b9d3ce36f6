"""The history store and RecordingGateway: only a wrapped gateway records; streams, errors and searches."""

from __future__ import annotations

import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ratatoskr import (
    ChatOptions,
    ChatResponse,
    ContentEvent,
    Cost,
    DoneEvent,
    GenerateOptions,
    Message,
    RatatoskrError,
    Usage,
    UsageEvent,
)
from ratatoskr.history import History, RecordingGateway, default_history_path
from ratatoskr.plugins import PluginManager, provider_plugin
from ratatoskr.testing import Fail, FakeChatProvider


@pytest.fixture
def provider() -> FakeChatProvider:
    return FakeChatProvider("fake", models=["m"])


@pytest.fixture
def gateway(
    provider: FakeChatProvider, ratatoskr_plugins: PluginManager, ratatoskr_gateway_factory: Callable[..., Any]
) -> Any:
    ratatoskr_plugins.register(provider_plugin(provider, "chat"), "fake")
    return ratatoskr_gateway_factory()


def test_default_path_follows_xdg_and_the_override() -> None:
    assert default_history_path({"RATATOSKR_LOGS_PATH": "/x/h.db", "XDG_DATA_HOME": "/d"}) == Path("/x/h.db")
    assert default_history_path({"XDG_DATA_HOME": "/d"}) == Path("/d/ratatoskr/logs.db")
    assert default_history_path({"HOME": "/home/u"}) == Path("/home/u/.local/share/ratatoskr/logs.db")


async def test_a_plain_gateway_records_nothing(gateway: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATATOSKR_LOGS_PATH", str(tmp_path / "logs.db"))
    async with gateway:
        await gateway.chat([Message.user("hi")], options=ChatOptions(model="m"))
    assert not (tmp_path / "logs.db").exists()
    assert not History.default().entries()


async def test_chat_stream_and_errors_are_recorded(gateway: Any, provider: FakeChatProvider, tmp_path: Path) -> None:
    history = History(tmp_path / "private" / "logs.db")
    provider.queue(
        ChatResponse("plain answer", usage=Usage(1, 1, 2, cost=Cost(0.25, 0.125, 0.125))),
        [ContentEvent("streamed "), ContentEvent("answer"), UsageEvent(Usage(3, 2, 5)), DoneEvent(model="m")],
        Fail(RatatoskrError("provider exploded")),
    )
    recording = RecordingGateway(gateway, history, conversation_id="conv-1")
    async with recording:
        await recording.chat([Message.system("be brief"), Message.user("one")], options=ChatOptions(model="m"))
        events = [e async for e in recording.chat_stream([Message.user("two")], options=ChatOptions(model="m"))]
        with pytest.raises(RatatoskrError):
            await recording.chat([Message.user("three")], options=ChatOptions(model="m", temperature=0.5))
    assert events[-1].type == "done"
    one, two, three = history.entries()
    assert (one["system"], one["prompt"], one["response"], one["provider"]) == (
        "be brief",
        "one",
        "plain answer",
        "fake",
    )
    assert (one["cost"], one["usage"]["cost"]["total"]) == (0.25, 0.25)
    assert (two["response"], two["usage"]["total_tokens"]) == ("streamed answer", 5)
    assert three["response"] is None and "provider exploded" in three["error"]
    assert three["options"]["temperature"] == 0.5
    assert {e["conversation_id"] for e in (one, two, three)} == {"conv-1"}
    assert [e["prompt"] for e in history.entries(query="streamed")] == ["two"]
    assert [m["content"] for m in history.conversation("conv-1")] == ["two", "streamed answer"]
    assert stat.S_IMODE(history.path.stat().st_mode) == 0o600
    assert stat.S_IMODE(history.path.parent.stat().st_mode) == 0o700


class _Streamer:
    """The least a gateway needs for chat_stream (the wrapper must close what it opened)."""

    closed = False

    async def chat_stream(self, messages: Any, tools: Any = None, options: Any = None) -> Any:
        try:
            yield ContentEvent("part one")
            yield ContentEvent("part two")
            yield DoneEvent()
        finally:
            self.closed = True


async def test_a_stream_left_early_is_closed_and_not_recorded(tmp_path: Path) -> None:
    history = History(tmp_path / "logs.db")
    inner = _Streamer()
    stream = RecordingGateway(inner, history).chat_stream([Message.user("hello")])  # type: ignore[arg-type]
    async for _ in stream:
        break
    await stream.aclose()
    assert inner.closed
    assert history.count() == 0


def test_search_words_are_text_not_query_syntax(tmp_path: Path) -> None:
    from ratatoskr.history import LogEntry

    history = History(tmp_path / "logs.db")
    history.record(LogEntry("c", "generate", 'say "NEAR(x y)" OR *', [], {}, 1.0, response="ok"))
    assert len(history.entries(query='"NEAR(x y)" OR *')) == 1
    assert history.entries(query="absent") == []
    assert GenerateOptions(model="m")  # the generate options type records as JSON too (see the CLI tests)
