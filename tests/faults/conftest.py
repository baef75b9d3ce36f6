"""The fault suite's setup: the fault server importable by name, and a leak check around every test."""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import anyio
import pytest

HERE = Path(__file__).parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # so the tests import faultserver and helpers by name


def open_fds() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.fixture(scope="session", autouse=True)
def _frozen_heap() -> Iterator[None]:
    """Keep the objects alive at the start of the suite out of the collector's sight, so the per-test
    ``gc.collect`` is cheap (it only walks what the tests created since)."""
    gc.collect()
    gc.freeze()
    yield
    gc.unfreeze()


@pytest.fixture(autouse=True)
async def no_leaks(anyio_backend: str) -> AsyncIterator[None]:
    """No file descriptor outlives the test, and collecting garbage raises no ResourceWarning.

    Counted inside the running event loop (its own descriptors exist before and after). A closed socket may be
    released on a later loop iteration, so the count gets a short while to come back down. ``gc.collect`` runs
    here, inside the test, so a ResourceWarning from an unclosed socket or generator fails this test (warnings
    are errors) instead of surfacing in whichever test happens to collect it.
    """
    before = open_fds()
    yield
    gc.collect()
    for _ in range(100):
        if open_fds() <= before:
            break
        await anyio.sleep(0.01)
    leaked = open_fds() - before
    assert leaked <= 0, f"{leaked} file descriptor(s) leaked"
