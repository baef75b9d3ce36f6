"""``ratatoskr logs``: two CLI chats against a loopback OpenAI-compatible server are recorded (model, provider, usage,
latency), ``chat -c`` sends the earlier turns to the server, and no key reaches the database.

The stub answers in the OpenAI streaming format (https://platform.openai.com/docs/api-reference/chat/streaming):
content deltas, a final chunk with ``finish_reason``, the usage chunk (``stream_options.include_usage``), ``[DONE]``.
"""

from __future__ import annotations

import io
import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "conformance"))
from loopback import LoopbackServer, RecordedRequest, Reply

pytest.importorskip("ratatoskr_providers_openai")
from ratatoskr.cli import main

KEY = "sk-history-test-6b1d"
MODEL = "gpt-test-mini"


def _answer(request: RecordedRequest) -> Reply:
    body = request.json()
    question = body["messages"][-1]["content"]
    if question == "fail please":
        return Reply.json({"error": {"message": "bad request", "type": "invalid_request_error"}}, status=400)
    head = {"id": "c1", "object": "chat.completion.chunk", "created": 1, "model": MODEL}
    turns = sum(1 for m in body["messages"] if m["role"] == "user")
    return Reply.sse([
        {**head, "choices": [{"index": 0, "delta": {"role": "assistant", "content": f"answer {turns} to "}}]},
        {**head, "choices": [{"index": 0, "delta": {"content": question}, "finish_reason": "stop"}]},
        {**head, "choices": [], "usage": {"prompt_tokens": 7 * turns, "completion_tokens": 3, "total_tokens": 7 * turns + 3}},
    ])  # fmt: skip


@pytest.fixture
def stub() -> Iterator[LoopbackServer]:
    with LoopbackServer(_answer) as server:
        yield server


@pytest.fixture
def ratatoskr(
    stub: LoopbackServer, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Callable[..., tuple[int, str, str]]:
    config = tmp_path / "config.toml"
    config.write_text("[providers.demo]\nenabled = false\n")
    env = {"OPENAI_API_KEY": KEY, "OPENAI_BASE_URL": f"{stub.url}/v1", "RATATOSKR_CONFIG": str(config),
           "HOME": str(tmp_path), "RATATOSKR_LOGS_PATH": str(tmp_path / "history" / "logs.db")}  # fmt: skip

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # nothing piped
        code = main(list(args), env=env)
        out, err = capsys.readouterr()
        return code, out, err

    return run


def test_two_chats_are_logged_and_chat_c_sends_the_earlier_turns(
    ratatoskr: Callable[..., tuple[int, str, str]], stub: LoopbackServer, tmp_path: Path
) -> None:
    assert ratatoskr("chat", "first question", "-m", f"openai:{MODEL}")[0] == 0
    assert ratatoskr("chat", "second question", "-m", f"openai:{MODEL}")[0] == 0
    code, out, err = ratatoskr("logs", "-n", "2", "--json")
    assert code == 0, err
    first, second = json.loads(out)
    for entry, question in ((first, "first question"), (second, "second question")):
        assert entry["kind"] == "chat"
        assert (entry["model_requested"], entry["model"], entry["provider"]) == (f"openai:{MODEL}", MODEL, "openai")
        assert entry["prompt"] == question
        assert entry["response"] == f"answer 1 to {question}"
        assert entry["usage"]["total_tokens"] == 10
        assert entry["latency_ms"] > 0
        assert entry["error"] is None
    assert first["conversation_id"] != second["conversation_id"]

    # -c: the latest conversation (the second chat) goes to the server before the new message.
    code, out, err = ratatoskr("chat", "-c", "and a follow-up", "-m", f"openai:{MODEL}")
    assert (code, out.strip()) == (0, "answer 2 to and a follow-up"), err
    assert [(m["role"], m["content"]) for m in stub.requests[-1].json()["messages"]] == [
        ("user", "second question"),
        ("assistant", "answer 1 to second question"),
        ("user", "and a follow-up"),
    ]
    # --cid: any conversation, by its id (the first one here).
    assert ratatoskr("chat", "--cid", first["conversation_id"], "again", "-m", f"openai:{MODEL}")[0] == 0
    sent = [m["content"] for m in stub.requests[-1].json()["messages"]]
    assert sent == ["first question", "answer 1 to first question", "again"]
    # Continued turns stay in their conversation.
    code, out, _ = ratatoskr("logs", "--cid", second["conversation_id"], "--json")
    assert [e["prompt"] for e in json.loads(out)] == ["second question", "and a follow-up"]

    # The key went to the server, never into the history.
    assert stub.requests[0].headers["authorization"] == f"Bearer {KEY}"
    database = tmp_path / "history" / "logs.db"
    assert KEY.encode() not in database.read_bytes()
    with sqlite3.connect(database) as db:
        dump = "\n".join(db.iterdump())
    assert KEY not in dump


def test_search_model_filter_errors_and_off(ratatoskr: Callable[..., tuple[int, str, str]], tmp_path: Path) -> None:
    assert ratatoskr("chat", "the zebra question", "-m", f"openai:{MODEL}")[0] == 0
    assert ratatoskr("chat", "fail please", "-m", f"openai:{MODEL}")[0] == 2  # a 400: the request was refused
    assert ratatoskr("generate", "complete me", "-m", "openai:other-model")[0] == 0

    found = json.loads(ratatoskr("logs", "-q", "zebra", "--json")[1])
    assert [e["prompt"] for e in found] == ["the zebra question"]
    (failed,) = json.loads(ratatoskr("logs", "-q", "fail", "--json")[1])
    assert "bad request" in failed["error"]
    assert failed["response"] is None
    by_model = json.loads(ratatoskr("logs", "--model", "openai:other-model", "--json")[1])
    assert [(e["kind"], e["prompt"]) for e in by_model] == [("generate", "complete me")]
    text = ratatoskr("logs", "-n", "1")[1]
    assert "prompt: complete me" in text and "latency:" in text

    assert ratatoskr("logs", "off")[1] == "logging is off\n"
    assert ratatoskr("chat", "not recorded", "-m", f"openai:{MODEL}")[0] == 0
    _, out, _ = ratatoskr("logs", "status")
    assert out.splitlines()[0::2] == ["logging is off", "entries: 3"]
    assert ratatoskr("logs", "on")[1] == "logging is on\n"
    assert ratatoskr("logs", "path")[1] == f"{tmp_path / 'history' / 'logs.db'}\n"


def test_continuing_with_no_history_is_a_clear_error(ratatoskr: Callable[..., tuple[int, str, str]]) -> None:
    code, _, err = ratatoskr("chat", "-c", "hello", "-m", f"openai:{MODEL}")
    assert code == 2
    assert "no conversation to continue" in err
    code, _, err = ratatoskr("chat", "--cid", "nope", "hello", "-m", f"openai:{MODEL}")
    assert (code, "no conversation 'nope'" in err) == (2, True)


def test_global_c_before_the_command_is_still_the_config_file(ratatoskr: Callable[..., tuple[int, str, str]]) -> None:
    code, _, err = ratatoskr("-c", "/nonexistent/ratatoskr.toml", "chat", "-c", "hi")
    assert code == 2
    assert "config file not found: /nonexistent/ratatoskr.toml" in err
