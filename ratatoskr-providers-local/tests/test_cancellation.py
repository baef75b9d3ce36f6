"""A cancelled caller stops a batch between ONNX runs, instead of waiting for (and getting) the whole batch.

Measured by counting ONNX runs, not by timing: the caller's scope is cancelled from inside the first run, so
the batch must stop after that run; without chunked work all runs would happen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
import pytest
from anyio.from_thread import run_sync as run_in_loop

from .conftest import make_provider


class CancellingSession:
    """Wraps an ONNX session: counts runs, and cancels ``scope`` from inside the first one."""

    def __init__(self, session: Any, scope: anyio.CancelScope) -> None:
        self.session = session
        self.scope = scope
        self.runs = 0

    def run(self, *args: Any, **kwargs: Any) -> Any:
        self.runs += 1
        if self.runs == 1:
            run_in_loop(self.scope.cancel)  # the caller gives up while the first chunk is being computed
        return self.session.run(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.session, name)


async def test_embed_batch_stops_between_chunks(minilm: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    provider = make_provider(minilm, batch_max_size=4)
    texts = [f"text number {i} in a batch of forty" for i in range(40)]  # ten runs of four
    with anyio.CancelScope() as scope:
        session = CancellingSession(minilm.session, scope)
        monkeypatch.setattr(minilm, "session", session)
        await provider.embed_batch(texts, "all-MiniLM-L6-v2")
    assert scope.cancelled_caught
    assert session.runs == 1, f"{session.runs} ONNX runs after the caller was cancelled"

    monkeypatch.setattr(minilm, "session", session.session)
    full = await provider.embed_batch(texts, "all-MiniLM-L6-v2")  # the provider is still usable, in order
    assert len(full) == 40 and full[3].values == (await provider.embed(texts[3], "all-MiniLM-L6-v2")).values


async def test_infer_nli_batch_stops_between_chunks(tiny_nli: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    provider = make_provider(batch_max_size=2)
    model = await provider.nli_model(str(tiny_nli))
    pairs = [(f"premise {i} is here", f"hypothesis {i}") for i in range(20)]
    with anyio.CancelScope() as scope:
        session = CancellingSession(model.session, scope)
        monkeypatch.setattr(model, "session", session)
        await provider.infer_nli_batch(pairs, str(tiny_nli))
    assert scope.cancelled_caught
    assert session.runs == 1, f"{session.runs} ONNX runs after the caller was cancelled"


async def test_a_deadline_cuts_a_long_batch(minilm: Any) -> None:
    """The issue's case, ten times over: 3200 texts under a 0.2 s deadline (before, 320 texts ran to the end
    and returned everything after 4 s)."""
    provider = make_provider(minilm)
    texts = [f"This is sentence {i}, long enough to give the model some work in a batch." for i in range(3200)]
    result = None
    with anyio.move_on_after(0.2) as scope:
        result = await provider.embed_batch(texts, "all-MiniLM-L6-v2")
    # Bounded, not timed: the call was cut (nothing returned) whatever the machine's speed, unless the whole
    # batch took under 0.2 s, which no CPU does for 3200 texts.
    assert scope.cancelled_caught and result is None
