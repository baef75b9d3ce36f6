"""The model manager: exactly one load under concurrency, the RAM budget, LRU eviction, status."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import anyio
import pytest
from attrs import define
from ratatoskr.errors import ModelNotAvailable
from ratatoskr.types import ModelStatusKind
from ratatoskr_providers_local._manager import ModelManager

from .conftest import make_provider

MB = 2**20


@define
class _Fake:
    size_bytes: int
    closed: bool = False

    def close(self) -> None:
        self.closed = True


def _loader(size: int, *, file_bytes: int = 0, delay: float = 0.0) -> Callable[[Callable[[int], None]], _Fake]:
    def load(check_fits: Callable[[int], None]) -> _Fake:
        check_fits(file_bytes)
        time.sleep(delay)
        return _Fake(size)

    return load


async def test_concurrent_first_requests_load_once() -> None:
    manager = ModelManager()
    threads: set[int] = set()

    def load(check_fits: Callable[[int], None]) -> _Fake:
        threads.add(threading.get_ident())
        time.sleep(0.05)
        return _Fake(MB)

    got: list[_Fake] = []

    async def one() -> None:
        got.append(await manager.get("embed:m", load))

    async with anyio.create_task_group() as tg:
        for _ in range(20):
            tg.start_soon(one)
    assert manager.loads == 1
    assert all(g is got[0] for g in got)
    assert threading.get_ident() not in threads  # loaded in a worker thread


async def test_real_model_loads_once_under_concurrency(tiny_nli: Path) -> None:
    provider = make_provider()

    async def one() -> None:
        await provider.infer_nli("A man is eating food.", "A man is eating.", str(tiny_nli))

    async with anyio.create_task_group() as tg:
        for _ in range(16):
            tg.start_soon(one)
    assert provider.manager.loads == 1


async def test_lru_eviction_when_a_new_model_would_exceed_the_budget() -> None:
    manager = ModelManager(budget_bytes=10 * MB)
    a = await manager.get("embed:a", _loader(4 * MB))
    b = await manager.get("embed:b", _loader(4 * MB))
    await manager.get("embed:a", _loader(4 * MB))  # a is now the most recently used
    c = await manager.get("embed:c", _loader(4 * MB))
    assert list(manager.loaded()) == ["embed:a", "embed:c"]
    assert b.closed and not a.closed and not c.closed
    assert manager.usage_bytes == 8 * MB


async def test_a_model_that_cannot_fit_is_not_available() -> None:
    manager = ModelManager(budget_bytes=10 * MB)
    with pytest.raises(ModelNotAvailable, match="RAM budget") as info:
        await manager.get("embed:big", _loader(MB, file_bytes=11 * MB))
    assert info.value.model == "big"
    assert manager.loads == 1 and manager.loaded() == {}
    # measured after loading: bigger than the whole budget -> dropped again, others kept
    kept = await manager.get("embed:small", _loader(MB))
    with pytest.raises(ModelNotAvailable, match="RAM budget"):
        await manager.get("embed:grows", _loader(12 * MB))
    assert list(manager.loaded()) == ["embed:small"] and not kept.closed


async def test_a_refusal_by_the_budget_is_not_remembered_as_a_failure() -> None:
    manager = ModelManager(budget_bytes=10 * MB)
    for _ in range(2):
        with pytest.raises(ModelNotAvailable, match="RAM budget") as info:
            await manager.get("embed:big", _loader(MB, file_bytes=11 * MB))
        assert info.value.model == "big" and info.value.provider == "local"
    assert manager.loads == 2  # asked again, not answered from the failures remembered for a minute
    assert manager.status("embed:big").kind is ModelStatusKind.AVAILABLE


async def test_status_and_unload() -> None:
    manager = ModelManager(budget_bytes=10 * MB)
    assert manager.status("embed:x").kind is ModelStatusKind.AVAILABLE
    started, release = anyio.Event(), threading.Event()

    def slow(check_fits: Callable[[int], None]) -> _Fake:
        anyio.from_thread.run_sync(started.set)
        release.wait(5)
        return _Fake(MB)

    async with anyio.create_task_group() as tg:
        tg.start_soon(manager.get, "embed:x", slow)
        await started.wait()
        assert manager.status("embed:x").kind is ModelStatusKind.LOADING
        release.set()
    assert manager.status("embed:x").kind is ModelStatusKind.READY
    assert manager.unload("embed:x") and not manager.unload("embed:x")
    assert manager.status("embed:x").kind is ModelStatusKind.AVAILABLE


async def test_a_missing_model_is_remembered_not_retried_every_time() -> None:
    manager = ModelManager()
    calls = 0

    def missing(check_fits: Callable[[int], None]) -> _Fake:
        nonlocal calls
        calls += 1
        raise ModelNotAvailable("org/m", provider="local", reason="not downloaded")

    for _ in range(3):
        with pytest.raises(ModelNotAvailable, match="not downloaded"):
            await manager.get("embed:org/m", missing)
    assert calls == 1
    assert manager.status("embed:org/m").kind is ModelStatusKind.UNAVAILABLE


async def test_provider_status_and_listing(tiny_nli: Path, minilm: object) -> None:
    provider = make_provider(minilm)
    assert (await provider.model_status("all-MiniLM-L6-v2")).kind is ModelStatusKind.READY
    assert (await provider.model_status(str(tiny_nli))).kind is ModelStatusKind.AVAILABLE
    missing = await provider.model_status("BAAI/bge-small-en-v1.5")
    assert missing.kind is ModelStatusKind.UNAVAILABLE and "ratatoskr local pull" in (missing.reason or "")
    assert (await provider.model_status("gpt-4")).kind is ModelStatusKind.UNAVAILABLE
    await provider.preload(str(tiny_nli), "nli")
    resolved = str(tiny_nli.resolve())  # noqa: ASYNC240 (a test; no event loop to protect)
    ids = [info.id for info in await provider.list_models()]
    assert "sentence-transformers/all-MiniLM-L6-v2" in ids and resolved in ids
    assert await provider.unload(str(tiny_nli))
