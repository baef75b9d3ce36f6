"""``ratatoskr chat "hello" -m openrouter:…`` against a loopback OpenRouter stub behaves as against the real
service: tokens stream to stdout, reasoning is shown apart (stderr), usage comes at the end.

The stub answers in OpenRouter's documented streaming format (https://openrouter.ai/docs/api/reference/streaming,
https://openrouter.ai/docs/use-cases/reasoning-tokens): keep-alive comments, ``delta.reasoning`` with
``reasoning_details``, content deltas, the usage chunk, ``data: [DONE]``.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "conformance"))
from loopback import LoopbackServer, RecordedRequest, Reply

pytest.importorskip("ratatoskr_providers_openrouter")
from ratatoskr.cli import main

MODEL = "deepseek/deepseek-r1:free"


def _stream(request: RecordedRequest) -> Reply:
    head = {"id": "gen-1", "provider": "Chutes", "model": MODEL, "object": "chat.completion.chunk", "created": 1}

    def chunk(delta: dict[str, object], finish: str | None = None) -> dict[str, object]:
        return {**head, "choices": [{"index": 0, "delta": {"role": "assistant", **delta}, "finish_reason": finish,
                                     "native_finish_reason": finish}]}  # fmt: skip

    events = [
        chunk({"content": "", "reasoning": "The user greets me.",
               "reasoning_details": [{"type": "reasoning.text", "text": "The user greets me."}]}),
        chunk({"content": "Hello"}),
        chunk({"content": " there!"}),
        chunk({"content": ""}, "stop"),
        {**head, "choices": [], "usage": {"prompt_tokens": 5, "completion_tokens": 9, "total_tokens": 14,
                                          "completion_tokens_details": {"reasoning_tokens": 5}}},
    ]  # fmt: skip
    return Reply.sse(events, comments=["OPENROUTER PROCESSING"])


@pytest.fixture
def stub() -> Iterator[LoopbackServer]:
    with LoopbackServer(_stream) as server:
        yield server


def test_chat_streams_tokens_shows_reasoning_apart_and_usage_last(
    stub: LoopbackServer, capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))  # nothing piped
    config = tmp_path / "config.toml"
    config.write_text("[providers.demo]\nenabled = false\n")
    env = {"OPENROUTER_API_KEY": "sk-or-test", "OPENROUTER_BASE_URL": f"{stub.url}/api/v1",
           "RATATOSKR_CONFIG": str(config), "HOME": str(tmp_path)}  # fmt: skip
    code = main(["chat", "hello", "-m", f"openrouter:{MODEL}"], env=env)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.strip() == "Hello there!"  # only the answer on stdout
    assert "The user greets me." in err and "The user greets me." not in out  # reasoning apart
    assert "14" in err and err.rfind("14") > err.find("The user greets me.")  # usage at the end
    (request,) = stub.requests
    assert request.path == "/api/v1/chat/completions"
    assert request.headers["authorization"] == "Bearer sk-or-test"
    body = json.loads(request.body)
    assert body["model"] == MODEL and body["stream"] is True and body["messages"][-1]["content"] == "hello"
