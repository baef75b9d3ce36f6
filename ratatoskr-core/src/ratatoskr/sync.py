"""``SyncGateway``: the gateway for scripts, without ``async``.

It runs one event loop in a background thread through anyio's blocking portal and forwards every gateway
method to it; streams become ordinary iterators. There is no second copy of the API: any method the wrapped
gateway has is available here.

::

    with SyncGateway.from_settings() as gw:
        print(gw.embed("hello", "all-MiniLM-L6-v2").values[:3])
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from typing import Any

from anyio.from_thread import BlockingPortal, start_blocking_portal

__all__ = ["SyncGateway"]


class SyncGateway:
    """A blocking facade over a gateway, for scripts: same methods, no ``await``; streams are iterators."""

    def __init__(self, factory: Callable[[], Any], *, backend: str = "asyncio") -> None:
        """``factory`` builds the async gateway; it runs inside the portal's event loop."""
        self._portal_cm: AbstractContextManager[BlockingPortal] = start_blocking_portal(backend)
        self._portal = self._portal_cm.__enter__()
        try:
            self._gateway = self._portal.call(_build, factory)
        except BaseException:
            self._portal_cm.__exit__(None, None, None)
            raise

    @classmethod
    def from_settings(cls, *args: Any, **kwargs: Any) -> SyncGateway:
        from ratatoskr.gateway import EmbeddedGateway

        return cls(lambda: EmbeddedGateway.from_settings(*args, **kwargs))

    @property
    def gateway(self) -> Any:
        return self._gateway

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._gateway, name)
        if inspect.isasyncgenfunction(attr):
            return functools.partial(self._iterate, attr)
        if inspect.iscoroutinefunction(attr):
            return functools.wraps(attr)(lambda *a, **k: self._portal.call(functools.partial(attr, *a, **k)))
        return attr

    def _iterate(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Iterator[Any]:
        stream = method(*args, **kwargs)
        try:
            while True:
                try:
                    yield self._portal.call(stream.__anext__)
                except StopAsyncIteration:
                    return
        finally:
            self._portal.call(stream.aclose)

    def close(self) -> None:
        if self._portal_cm is not None:
            try:
                self._portal.call(self._gateway.aclose)
            finally:
                self._portal_cm.__exit__(None, None, None)
                self._portal_cm = None  # type: ignore[assignment]

    def __enter__(self) -> SyncGateway:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


async def _build(factory: Callable[[], Any]) -> Any:
    gateway = factory()
    return await gateway if inspect.isawaitable(gateway) else gateway
