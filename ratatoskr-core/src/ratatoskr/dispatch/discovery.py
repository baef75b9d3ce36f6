"""Parameter discovery: remember the options a provider refused at run time, so the next request avoids them.

A provider that declares no ``supported_parameters`` (or declares too many) can still refuse an option for one
model, by raising :class:`~ratatoskr.errors.UnsupportedParameter`. That call fails; the dispatcher records the refusal
here, and validation treats the option as unsupported for that provider and model from then on (``warn``: it is
dropped with a warning; ``error``: the request goes to the next provider). Records expire after ``ttl`` seconds,
because providers add support over time.
"""

from __future__ import annotations

import time

from attrs import frozen

__all__ = ["DiscoveryRecord", "ParameterDiscovery"]


@frozen
class DiscoveryRecord:
    """One refusal: ``provider`` would not take ``parameter`` for ``model``, saying ``reason``."""

    provider: str
    model: str
    parameter: str
    reason: str
    discovered_at: float


class ParameterDiscovery:
    """The refusals of the last ``ttl`` seconds, for at most ``max_entries`` provider/model pairs (the least recently
    used pair goes first)."""

    def __init__(self, *, ttl: float = 24 * 3600.0, max_entries: int = 1000) -> None:
        import cachebox

        self.ttl = ttl
        self.max_entries = max_entries
        self._records: cachebox.LRUCache[tuple[str, str], dict[str, DiscoveryRecord]] = cachebox.LRUCache(max_entries)

    def record(self, provider: str, model: str, parameter: str, reason: str = "") -> None:
        found = self._records.get((provider, model))
        if found is None:
            found = self._records[(provider, model)] = {}
        found[parameter] = DiscoveryRecord(provider, model, parameter, reason, time.monotonic())

    def refused(self, provider: str, model: str) -> frozenset[str]:
        """The parameters ``provider`` refused for ``model`` within the last ``ttl`` seconds."""
        found = self._records.get((provider, model))
        if not found:
            return frozenset()
        cutoff = time.monotonic() - self.ttl
        for name in [name for name, rec in found.items() if rec.discovered_at < cutoff]:
            del found[name]
        return frozenset(found)

    def records(self) -> list[DiscoveryRecord]:
        return [rec for found in list(self._records.values()) for rec in found.values()]
