"""The OpenRouter provider: chat and generate over OpenRouter's OpenAI-compatible API, and live model metadata.

API: https://openrouter.ai/docs/api/reference/overview. Works without a key (free ``…:free`` models; no
``Authorization`` header is sent then). Reasoning goes in OpenRouter's ``reasoning`` object; provider routing
preferences go through ``raw_provider_options`` (e.g. ``{"provider": {"order": [...]}}``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

import anyio
import cachebox
from attrs import evolve
from ratatoskr.errors import ContentFiltered, ModelNotAvailable, ModelNotFound, RatatoskrError
from ratatoskr.providers import PRIORITY_REMOTE
from ratatoskr.types import ModelInfo, ModelMetadata, ModelStatus, ModelStatusKind
from ratatoskr.wire.endpoint import Limits
from ratatoskr.wire.failure import HttpFailure
from ratatoskr.wire.openai_chat import ReasoningDialect
from ratatoskr.wire.openai_client import CHAT_PARAMETERS, OpenAICompatibleClient

from ratatoskr_providers_openrouter._wire import model_info, model_metadata

if TYPE_CHECKING:
    import httpx

__all__ = ["DEFAULT_BASE_URL", "OpenRouterProvider"]

NAME = "openrouter"
DEFAULT_BASE_URL = "https://openrouter.ai/api/v1"
DEFAULT_MODELS_TTL = 3600.0


class OpenRouterProvider(OpenAICompatibleClient):
    """Chat, generate and model metadata from OpenRouter. Model ids are ``vendor/model[:variant]``."""

    name = NAME
    reasoning_dialect: ClassVar[ReasoningDialect] = "openrouter"

    def __init__(
        self,
        *,
        api_key: str | None = None,
        base_url: str = DEFAULT_BASE_URL,
        client: httpx.AsyncClient | None = None,
        priority: int = PRIORITY_REMOTE,
        models: Sequence[str] | None = None,
        app_url: str | None = None,
        app_title: str | None = "Ratatoskr",
        headers: Mapping[str, str] | None = None,
        models_ttl: float = DEFAULT_MODELS_TTL,
        timeout: float | httpx.Timeout | None = None,
        limits: Limits | None = None,
    ) -> None:
        # App attribution (https://openrouter.ai/docs/app-attribution): optional headers naming the caller.
        attribution = {}
        if app_url:
            attribution["HTTP-Referer"] = app_url
        if app_title:
            attribution["X-Title"] = app_title
        super().__init__(
            base_url=base_url, api_key=api_key, client=client, priority=priority, models=models,
            headers={**attribution, **(headers or {})}, timeout=timeout, limits=limits,
            supported_parameters=CHAT_PARAMETERS,
        )  # fmt: skip
        self.keyless = not api_key
        self._catalogue: cachebox.TTLCache[str, dict[str, dict[str, Any]]] = cachebox.TTLCache(1, models_ttl)
        self._catalogue_lock: anyio.Lock | None = None

    def classify_error(self, failure: HttpFailure) -> RatatoskrError:
        """OpenRouter's additions (https://openrouter.ai/docs/api/reference/errors): the upstream provider's
        own text in ``metadata.raw`` joins the message; a 403 with moderation ``metadata`` (``reasons``,
        ``flagged_input``) is a content filter; a 400 "is not a valid model ID" is an unknown model."""
        metadata = failure.detail.get("metadata")
        metadata = metadata if isinstance(metadata, dict) else {}
        raw = metadata.get("raw")
        if isinstance(raw, str) and raw and raw not in failure.message:
            failure = evolve(failure, message=f"{failure.message} ({raw[:500]})")
        if failure.status == 403 and ("reasons" in metadata or "flagged_input" in metadata):
            return ContentFiltered(failure.text, provider=self.name, status=403)
        if failure.status == 400 and "not a valid model" in failure.message:
            return ModelNotFound(failure.model or "?", provider=self.name, detail=failure.message)
        return super().classify_error(failure)

    def check_model(self, model: str) -> None:
        super().check_model(model)
        if "/" not in model:
            raise ModelNotAvailable(model, provider=self.name, reason="OpenRouter model ids look like vendor/model")
        known = self._catalogue.get("models")
        if known is not None and model not in known and model.split(":")[0] not in known:
            raise ModelNotAvailable(model, provider=self.name, reason="not in OpenRouter's model list")

    # live model list, cached ------------------------------------------------------------------------------

    async def catalogue(self) -> dict[str, dict[str, Any]]:
        """OpenRouter's model list by id, fetched at most once per TTL (concurrent callers share a fetch)."""
        cached = self._catalogue.get("models")
        if cached is not None:
            return cached
        if self._catalogue_lock is None:
            self._catalogue_lock = anyio.Lock()
        async with self._catalogue_lock:
            cached = self._catalogue.get("models")
            if cached is None:
                cached = {item["id"]: item for item in await self.fetch_models()}
                self._catalogue["models"] = cached
        return cached

    async def fetch_metadata(self, model: str) -> ModelMetadata:
        catalogue = await self.catalogue()
        item = catalogue.get(model) or catalogue.get(model.split(":")[0])
        if item is None:
            if "/" not in model:
                raise ModelNotAvailable(model, provider=self.name, reason="OpenRouter model ids look like vendor/model")
            raise ModelNotFound(model, provider=self.name, detail="not in OpenRouter's model list")
        return model_metadata(item, self.name)

    async def list_models(self) -> list[ModelInfo]:
        return [
            model_info(item, self.name)
            for item in (await self.catalogue()).values()
            if self.models is None or item["id"] in self.models
        ]

    async def model_status(self, model: str) -> ModelStatus:
        if model in await self.catalogue():
            return ModelStatus(ModelStatusKind.AVAILABLE, None, self.name)
        return ModelStatus(ModelStatusKind.UNAVAILABLE, f"{model} is not in OpenRouter's model list", self.name)
