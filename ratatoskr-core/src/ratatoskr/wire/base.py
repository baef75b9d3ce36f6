"""What every HTTP provider has in common, once: its name, priority, served models and its endpoint.

A provider subclasses :class:`HttpProvider`, sets ``name`` and passes its base URL, headers and error
classifier up; everything else it writes is its codec::

    class AcmeProvider(HttpProvider):
        name = "acme"

        def __init__(self, api_key: str, *, base_url: str = "https://api.acme.ai", **common: Any) -> None:
            super().__init__(base_url, headers={"x-acme-key": api_key}, classify=classify_error, **common)

        async def embed(self, text: str, model: str) -> Embedding:
            answer = await self.endpoint.post_json("v1/embed", {"model": model, "input": text}, model=model)
            ...
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING

from ratatoskr.errors import ModelNotAvailable
from ratatoskr.providers import PRIORITY_REMOTE
from ratatoskr.wire.endpoint import Endpoint, Limits
from ratatoskr.wire.failure import ErrorClassifier

if TYPE_CHECKING:
    import httpx

__all__ = ["HttpProvider"]


class HttpProvider:
    """A provider talking to one HTTP service through one :class:`~ratatoskr.wire.endpoint.Endpoint`.

    ``client=`` injects an ``httpx.AsyncClient`` (tests); otherwise one is created on first use and closed by
    :meth:`aclose`. ``timeout`` (seconds) and ``limits`` bound every request (see
    :class:`~ratatoskr.wire.endpoint.Limits`).
    """

    name: str = "http"

    def __init__(
        self,
        base_url: str,
        *,
        headers: Mapping[str, str] | None = None,
        classify: ErrorClassifier | None = None,
        client: httpx.AsyncClient | None = None,
        timeout: float | None = None,
        limits: Limits | None = None,
        priority: int = PRIORITY_REMOTE,
        models: Iterable[str] | None = None,
        name: str | None = None,
    ) -> None:
        if name is not None:
            self.name = name  # one class, several configured instances (openai)
        self.priority = priority
        #: The model names served here, or None to decide per call.
        self.models: frozenset[str] | None = frozenset(models) if models is not None else None
        self.base_url = base_url.rstrip("/")
        self.endpoint = Endpoint(
            self.base_url, provider=self.name, headers=headers, client=client, classify=classify,
            timeout=timeout, limits=limits,
        )  # fmt: skip

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} {self.base_url}>"

    def check_model(self, model: str) -> None:
        """Raise ModelNotAvailable (the chain moves on) for a model outside the configured ``models``."""
        if self.models is not None and model not in self.models:
            raise ModelNotAvailable(model, provider=self.name, reason="not in this provider's `models` list")

    async def aclose(self) -> None:
        """Close the HTTP client if this provider created it."""
        await self.endpoint.aclose()
