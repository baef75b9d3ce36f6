"""The response cache: opt-in LRU+TTL cache for deterministic results (embeddings, NLI, zero-shot, stance, tokens).

Keys are ``(operation, resolved model, inputs...)``; a batch is looked up per item and only the misses go to
the providers. Chat is never cached (it is not deterministic).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, TypeVar

from attrs import frozen

from ratatoskr.config_schema import ConfigTable, positive, read_table, setting
from ratatoskr.dispatch.telemetry import Telemetry
from ratatoskr.errors import ResponseFormatError

__all__ = ["CacheConfig", "ResponseCache"]

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


@frozen(kw_only=True)
class CacheConfig(ConfigTable):
    """Response cache size and time to live (seconds); ``[cache]`` in the config (its presence turns it on)."""

    enabled: bool = setting(True, doc="`false` keeps the cache off although the table exists.")
    max_entries: int = setting(10_000, doc="Most results kept (least recently used go first).", validator=positive)
    ttl: float = setting(3600.0, doc="Seconds a result is kept.", validator=positive)

    @classmethod
    def from_config(cls, table: dict[str, Any]) -> CacheConfig | None:
        """The ``[cache]`` table read by the one converter, or ``None`` when it says ``enabled = false``."""
        config = read_table(cls, table, where="cache")
        return config if config.enabled else None


class ResponseCache:
    def __init__(self, config: CacheConfig) -> None:
        import cachebox

        self._cache: Any = cachebox.TTLCache(config.max_entries, config.ttl)
        self.hits = 0
        self.misses = 0
        #: Where lookups are counted (``ratatoskr.cache.lookups``); the gateway sets its dispatcher's.
        self.telemetry: Telemetry | None = None

    def _count(self, key: Hashable, hits: int, misses: int) -> None:
        self.hits += hits
        self.misses += misses
        if self.telemetry is not None:
            self.telemetry.cache(str(key[0]) if isinstance(key, tuple) and key else "call", hits, misses)

    async def get_or_call(self, key: Hashable, call: Callable[[], Awaitable[T]]) -> T:
        found = self._cache.get(key)
        if found is not None:
            self._count(key, 1, 0)
            return found  # type: ignore[no-any-return]
        self._count(key, 0, 1)
        value = await call()
        self._cache[key] = value
        return value

    async def get_or_call_batch(
        self,
        keys: Sequence[Hashable],
        items: Sequence[K],
        call: Callable[[list[K]], Awaitable[list[T]]],
    ) -> list[T]:
        """Per-item lookup; ``call`` gets the missing items and must return one result per item, in order."""
        results: list[Any] = [self._cache.get(key) for key in keys]
        missing = [i for i, r in enumerate(results) if r is None]
        if keys:
            self._count(keys[0], len(keys) - len(missing), len(missing))
        if missing:
            fresh = await call([items[i] for i in missing])
            if len(fresh) != len(missing):
                raise ResponseFormatError(f"provider returned {len(fresh)} results for {len(missing)} inputs")
            for i, value in zip(missing, fresh, strict=True):
                results[i] = value
                self._cache[keys[i]] = value
        return results
