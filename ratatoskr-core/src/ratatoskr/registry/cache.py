"""The response cache: opt-in LRU+TTL cache for deterministic results (embeddings, NLI, zero-shot, stance, tokens).

Keys are ``(operation, resolved model, inputs...)``; a batch is looked up per item and only the misses go to
the providers. Chat is never cached (it is not deterministic).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable, Sequence
from typing import Any, TypeVar

from attrs import field, frozen

from ratatoskr.errors import ConfigurationError, ResponseFormatError

__all__ = ["CacheConfig", "ResponseCache"]

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)


def _positive(instance: Any, attribute: Any, value: float) -> None:
    if value <= 0:
        raise ConfigurationError(f"cache.{attribute.name} must be positive, got {value!r}")


@frozen(kw_only=True)
class CacheConfig:
    """Response cache size and time to live (seconds); ``[cache]`` in the config."""

    max_entries: int = field(default=10_000, validator=_positive)
    ttl: float = field(default=3600.0, validator=_positive)

    @classmethod
    def from_config(cls, table: dict[str, Any]) -> CacheConfig | None:
        table = dict(table)
        if not table.pop("enabled", True):
            return None
        unknown = set(table) - {"max_entries", "ttl"}
        if unknown:
            raise ConfigurationError(f"unknown [cache] keys: {', '.join(sorted(unknown))}")
        return cls(**table)


class ResponseCache:
    def __init__(self, config: CacheConfig) -> None:
        import cachebox

        self._cache: Any = cachebox.TTLCache(config.max_entries, config.ttl)
        self.hits = 0
        self.misses = 0

    async def get_or_call(self, key: Hashable, call: Callable[[], Awaitable[T]]) -> T:
        found = self._cache.get(key)
        if found is not None:
            self.hits += 1
            return found  # type: ignore[no-any-return]
        self.misses += 1
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
        self.hits += len(keys) - len(missing)
        self.misses += len(missing)
        if missing:
            fresh = await call([items[i] for i in missing])
            if len(fresh) != len(missing):
                raise ResponseFormatError(f"provider returned {len(fresh)} results for {len(missing)} inputs")
            for i, value in zip(missing, fresh, strict=True):
                results[i] = value
                self._cache[keys[i]] = value
        return results
