"""The model manager: lazy, single-flight loading under a RAM budget, least-recently-used eviction.

- A model loads on first use; concurrent first requests wait for the same load (one lock per model), so a
  model is loaded exactly once.
- Loads run one at a time in a worker thread: the size of a model is measured while it loads (resident memory
  growth, at least the size of its weight files), which only works when loads do not overlap.
- The budget: a model whose files alone exceed it is refused before loading; after loading, least recently
  used models are evicted until the new one fits; a model bigger than the whole budget is dropped again.
  Both refusals are :class:`ModelNotAvailable`, so the request moves on to the next (remote) provider.
- A load that failed with ``ModelNotAvailable`` (not downloaded, no such repo) is remembered for a while, so
  a model that is not here does not cost a hub round trip on every request.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from typing import Protocol, TypeVar

import anyio
from ratatoskr.errors import ModelNotAvailable, RatatoskrError
from ratatoskr.types import ModelStatus, ModelStatusKind

__all__ = ["Loadable", "ModelManager"]

NAME = "local"
#: How long a "not available" answer from a load is reused before trying again.
FAILURE_TTL_S = 60.0


class Loadable(Protocol):
    size_bytes: int

    def close(self) -> None: ...


M = TypeVar("M", bound=Loadable)


class _OverBudget(Exception):
    """Raised by ``check_fits`` inside a load: the model's files alone exceed the RAM budget (an internal signal:
    :meth:`ModelManager.get` turns it into :class:`ModelNotAvailable`)."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


def _model_name(key: str) -> str:
    """``embed:org/name`` -> ``org/name`` (keys carry the capability: one repo may serve two)."""
    return key.partition(":")[2] or key


def _mb(n: int) -> str:
    return f"{n / 2**20:.0f} MB"


class ModelManager:
    def __init__(self, budget_bytes: int | None = None) -> None:
        self.budget_bytes = budget_bytes
        self._loaded: OrderedDict[str, Loadable] = OrderedDict()
        self._locks: dict[str, anyio.Lock] = {}
        self._loading: set[str] = set()
        self._failures: dict[str, tuple[float, RatatoskrError]] = {}
        self._load_lock: anyio.Lock | None = None
        #: Number of loads started (for tests and status).
        self.loads = 0

    # ---- state -------------------------------------------------------------------------------------------

    @property
    def usage_bytes(self) -> int:
        return sum(m.size_bytes for m in self._loaded.values())

    def loaded(self) -> dict[str, int]:
        """Loaded model keys and their measured sizes, least recently used first."""
        return {key: m.size_bytes for key, m in self._loaded.items()}

    def status(self, key: str, *, file_bytes: int | None = None) -> ModelStatus:
        if key in self._loaded:
            return ModelStatus(ModelStatusKind.READY, f"loaded, {_mb(self._loaded[key].size_bytes)}", NAME)
        if key in self._loading:
            return ModelStatus(ModelStatusKind.LOADING, None, NAME)
        failure = self._recent_failure(key)
        if failure is not None:
            return ModelStatus(ModelStatusKind.UNAVAILABLE, str(failure), NAME)
        if file_bytes is not None and self.budget_bytes is not None and file_bytes > self.budget_bytes:
            return ModelStatus(ModelStatusKind.UNAVAILABLE, self._too_big(file_bytes), NAME)
        return ModelStatus(ModelStatusKind.AVAILABLE, "loads on first use", NAME)

    def _too_big(self, size: int) -> str:
        return f"needs at least {_mb(size)}, more than the RAM budget of {_mb(self.budget_bytes or 0)}"

    def _recent_failure(self, key: str) -> RatatoskrError | None:
        found = self._failures.get(key)
        if found is None:
            return None
        if time.monotonic() - found[0] > FAILURE_TTL_S:
            del self._failures[key]
            return None
        return found[1]

    # ---- loading -----------------------------------------------------------------------------------------

    async def get(self, key: str, load: Callable[[Callable[[int], None]], M]) -> M:
        """The loaded model for ``key``, loading it with ``load(check_fits)`` (blocking, run in a thread) if needed.

        ``load`` calls ``check_fits(file_bytes)`` once it knows the size of the model's files, before it opens
        them: a model that cannot fit is refused without being loaded.
        """
        found = self._loaded.get(key)
        if found is not None:
            self._loaded.move_to_end(key)
            return found  # type: ignore[return-value]
        lock = self._locks.setdefault(key, anyio.Lock())
        async with lock:
            found = self._loaded.get(key)
            if found is not None:
                self._loaded.move_to_end(key)
                return found  # type: ignore[return-value]
            failure = self._recent_failure(key)
            if failure is not None:
                raise failure
            if self._load_lock is None:
                self._load_lock = anyio.Lock()
            self._loading.add(key)
            try:
                async with self._load_lock:
                    model = await anyio.to_thread.run_sync(lambda: self._load(key, load))
            except _OverBudget as over:
                # Not remembered as a failure: the refusal depends on the configured budget, not on the model.
                raise ModelNotAvailable(_model_name(key), provider=NAME, reason=self._too_big(over.size)) from None
            except ModelNotAvailable as exc:
                self._failures[key] = (time.monotonic(), exc)
                raise
            finally:
                self._loading.discard(key)
            self._failures.pop(key, None)
            self._admit(key, model)
            return model

    def _load(self, key: str, load: Callable[[Callable[[int], None]], M]) -> M:
        def check_fits(size: int) -> None:
            if self.budget_bytes is not None and size > self.budget_bytes:
                raise _OverBudget(size)

        self.loads += 1
        return load(check_fits)

    def _admit(self, key: str, model: Loadable) -> None:
        budget = self.budget_bytes
        if budget is not None and model.size_bytes > budget:
            model.close()
            raise ModelNotAvailable(_model_name(key), provider=NAME, reason=self._too_big(model.size_bytes))
        while budget is not None and self._loaded and self.usage_bytes + model.size_bytes > budget:
            _, evicted = self._loaded.popitem(last=False)
            evicted.close()
        self._loaded[key] = model

    def adopt(self, key: str, model: Loadable) -> None:
        """Register a model opened elsewhere (shared between providers, e.g. in tests), under the budget."""
        self._admit(key, model)

    def unload(self, key: str) -> bool:
        """Drop a loaded model (a batch already running on it finishes). True when it was loaded."""
        model = self._loaded.pop(key, None)
        if model is None:
            return False
        model.close()
        return True

    def unload_all(self) -> None:
        for key in list(self._loaded):
            self.unload(key)
