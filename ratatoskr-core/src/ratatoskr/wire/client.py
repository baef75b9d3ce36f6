"""The HTTP client a provider holds: created on first use (so building a provider imports no httpx) and closed
by the provider only when it created it (an injected client belongs to whoever injected it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

__all__ = ["OwnedClient"]

#: Seconds to wait for a connection, whatever the read timeout.
CONNECT_TIMEOUT = 10.0


class OwnedClient:
    __slots__ = ("_client", "_owned", "_timeout")

    def __init__(self, client: httpx.AsyncClient | None, timeout: float | httpx.Timeout) -> None:
        self._client = client
        self._owned = client is None
        self._timeout = timeout

    def get(self) -> httpx.AsyncClient:
        if self._client is None:
            import httpx

            timeout = self._timeout
            if not isinstance(timeout, httpx.Timeout):
                timeout = httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT))
            self._client = httpx.AsyncClient(timeout=timeout)
        return self._client

    async def aclose(self) -> None:
        """Close the client if this holder created it; a later call creates a fresh one."""
        if self._client is not None and self._owned:
            await self._client.aclose()
            self._client = None
