"""Offline is a first-class state: lookups that need the Hub fail at once, typed, saying what to run elsewhere.

The Hub is replaced by loopback addresses: a closed port (unreachable: connection refused) or a tiny HTTP
server (reachable). huggingface-hub alone retries each file five times (about 25 s) before giving up.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from huggingface_hub import constants
from ratatoskr.errors import ModelNotAvailable, NotAvailableOffline
from ratatoskr.types import ModelStatusKind
from ratatoskr_providers_local import _offline, cli
from ratatoskr_providers_local._sources import DATA_DIR

from .conftest import make_provider

#: Generous: the failure must come from one refused connection, not from huggingface-hub's retry loop (~25 s).
FAST_S = 8.0


@pytest.fixture(autouse=True)
def _fresh_probes() -> Iterator[None]:
    _offline.forget_probes()
    yield
    _offline.forget_probes()


@pytest.fixture
def unreachable_hub(monkeypatch: pytest.MonkeyPatch) -> str:
    with socket.socket() as sock:  # a port nobody listens on: every connection is refused
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    monkeypatch.setattr(constants, "ENDPOINT", url)
    return url


class _Hub(BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def reachable_hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_address[1]}"
    monkeypatch.setattr(constants, "ENDPOINT", url)
    yield url
    server.shutdown()
    server.server_close()
    thread.join()


async def test_unreachable_hub_fails_fast_for_tokenizers_and_models(unreachable_hub: str, tmp_path: Path) -> None:
    provider = make_provider(models_dir=tmp_path, download=True)
    started = time.monotonic()
    with pytest.raises(NotAvailableOffline) as tokens:
        await provider.count_tokens("hello", "gpt-4o")
    with pytest.raises(NotAvailableOffline) as model:
        await provider.embed("hello", "BAAI/bge-small-en-v1.5")
    assert time.monotonic() - started < FAST_S
    assert unreachable_hub in str(tokens.value)
    assert tokens.value.hint.endswith("`ratatoskr local pull --tokenizer gpt-4o` (and copy the model cache here)")
    assert "ratatoskr local pull BAAI/bge-small-en-v1.5" in model.value.hint
    assert isinstance(model.value, ModelNotAvailable)  # moves the request on, like every "not served here"


async def test_downloads_off_never_probes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    def probe() -> str | None:
        raise AssertionError("the Hub was probed although downloads are off")

    monkeypatch.setattr(_offline, "hub_unreachable", probe)
    provider = make_provider(models_dir=tmp_path, download=False)
    with pytest.raises(NotAvailableOffline, match="downloads are off"):
        await provider.count_tokens("hello", "gpt-4o")
    status = await provider.model_status("BAAI/bge-small-en-v1.5")
    assert status.kind is ModelStatusKind.UNAVAILABLE and "downloads are off" in (status.reason or "")


async def test_a_cached_tokenizer_needs_no_network(unreachable_hub: str, tmp_path: Path) -> None:
    repo = tmp_path / "models--Xenova--gpt-4o"
    (repo / "refs").mkdir(parents=True)
    (repo / "refs" / "main").write_text("abc123")
    (repo / "snapshots" / "abc123").mkdir(parents=True)
    shutil.copy(DATA_DIR / "tokenizer.json", repo / "snapshots" / "abc123" / "tokenizer.json")
    provider = make_provider(models_dir=tmp_path, download=True)
    assert await provider.count_tokens("hello world", "gpt-4o") == 2


async def test_status_agrees_with_the_download_policy(
    reachable_hub: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    provider = make_provider(models_dir=tmp_path, download=True)
    status = await provider.model_status("BAAI/bge-small-en-v1.5")
    assert status.kind is ModelStatusKind.AVAILABLE and status.reason == "downloads on first use"
    assert _offline.download_policy(provider.config)[0] is True

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        monkeypatch.setattr(constants, "ENDPOINT", f"http://127.0.0.1:{sock.getsockname()[1]}")
    status = await provider.model_status("BAAI/bge-small-en-v1.5")
    assert status.kind is ModelStatusKind.UNAVAILABLE
    assert "cannot reach the HuggingFace Hub" in (status.reason or "")
    with pytest.raises(NotAvailableOffline, match="cannot reach the HuggingFace Hub"):
        await provider.embed("hello", "BAAI/bge-small-en-v1.5")


def test_local_pull_offline_says_what_to_do_elsewhere(
    unreachable_hub: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli.pull("BAAI/bge-small-en-v1.5", models_dir=tmp_path) == 1
    err = capsys.readouterr().err
    assert "cannot reach the HuggingFace Hub" in err
    assert f"then copy its model cache ({tmp_path})" in err
    assert cli.pull("gpt-4o", models_dir=tmp_path) == 1  # a tokenizer name pulls the tokenizer
    assert "`ratatoskr local pull --tokenizer gpt-4o`" in capsys.readouterr().err


def test_local_status_prints_the_policy_a_load_applies(
    unreachable_hub: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RATATOSKR_MODELS_DIR", str(tmp_path))
    assert cli.status("BAAI/bge-small-en-v1.5") == 0
    out = capsys.readouterr().out
    assert "downloads: off (cannot reach the HuggingFace Hub" in out
    assert "BAAI/bge-small-en-v1.5: unavailable" in out
