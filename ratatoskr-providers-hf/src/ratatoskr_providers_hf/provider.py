"""``HuggingFaceProvider``: embeddings, NLI, zero-shot and stance from HuggingFace's hosted inference.

Why httpx and not ``huggingface_hub.AsyncInferenceClient``: the client (huggingface-hub 2.x) calls
``asyncio.to_thread`` to decode answers, so ``feature_extraction`` fails under trio with "no running event
loop"; it sends its own HTTP stack (httpx2), so an injected ``httpx.AsyncClient`` cannot reach it; and its
``text_classification`` takes one text, not a premise/hypothesis pair. We talk to the documented HTTP
routes instead (see :mod:`ratatoskr_providers_hf._wire`), through one :class:`~ratatoskr.wire.endpoint.Endpoint`
(deadlines, size caps, transport errors), with :func:`._wire.classify_error` as its error classifier.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

from ratatoskr.errors import ModelNotAvailable, ModelNotFound, NotAvailableOffline, ProviderError, TransportError
from ratatoskr.providers import PRIORITY_REMOTE
from ratatoskr.types.inference import ClassifyOptions, ClassifyResult, Embedding, NliResult, StanceResult
from ratatoskr.types.model import ModelInfo, ModelStatus, ModelStatusKind
from ratatoskr.wire.base import HttpProvider
from ratatoskr.wire.endpoint import Limits

from ratatoskr_providers_hf import _wire as wire
from ratatoskr_providers_hf._config import NAME, HFConfig, Kind
from ratatoskr_providers_hf._hub import (
    HubModel,
    TeiInfo,
    bounded_lookup,
    capabilities_for_task,
    check_hub_allowed,
    parse_hub_model,
    parse_tei_info,
)

if TYPE_CHECKING:
    import httpx

__all__ = ["HuggingFaceProvider"]

T = TypeVar("T")


def _chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


class HuggingFaceProvider(HttpProvider):
    """Serves ``EmbeddingProvider``, ``NliProvider``, ``ClassifyProvider`` and ``StanceProvider``."""

    name = NAME
    local = False

    def __init__(
        self,
        config: HFConfig | None = None,
        *,
        client: httpx.AsyncClient | None = None,
        priority: int = PRIORITY_REMOTE,
        limits: Limits | None = None,
    ) -> None:
        self.config = config = config or HFConfig()
        super().__init__(
            config.base_url, classify=wire.classify_error, client=client, limits=limits or config.limits(),
            priority=priority, models=config.models,
        )  # fmt: skip
        self._id2label: dict[str, dict[int, str]] = {}
        self._tei_info: TeiInfo | None = None
        self._dimensions: dict[str, int] = {}

    # ---- plumbing ------------------------------------------------------------------------------------------

    def _headers(self, *, hub: bool = False) -> dict[str, str]:
        headers: dict[str, str] = {}
        # A TEI key is not a HuggingFace token: it never goes to the Hub.
        if self.config.api_key and not (hub and self.config.kind is Kind.TEI):
            headers["Authorization"] = f"Bearer {self.config.api_key}"
        if self.config.wait_for_model and not hub:
            headers["x-wait-for-model"] = "true"
        return headers

    async def _send(self, method: str, url: str, model: str, body: Any = None, *, hub: bool = False) -> Any:
        send = partial(
            self.endpoint.request_json, method, url, body, model=model or None, headers=self._headers(hub=hub)
        )
        if hub:  # metadata: a short bound of its own, not the whole-request timeout
            return await bounded_lookup(send, self.config.hub_url)
        return await send()

    async def _check_model(self, model: str) -> None:
        if self.models is not None and model not in self.models:
            raise ModelNotAvailable(model, provider=NAME, reason=f"not in providers.{NAME}.models")
        if self.config.kind is Kind.TEI and self.models is None:
            info = await self.tei_info()
            if info.model_id != model:
                reason = f"the TEI server at {self.config.base_url} serves {info.model_id}"
                raise ModelNotAvailable(model, provider=NAME, reason=reason)

    async def _batch_limit(self) -> int:
        limit = self.config.batch_size
        if self.config.kind is Kind.TEI:
            server = (await self.tei_info()).max_client_batch_size
            limit = min(limit, server) if server else limit
        return limit

    async def tei_info(self) -> TeiInfo:
        """The TEI server's ``/info``, fetched once."""
        if self._tei_info is None:
            data = await self._send("GET", f"{self.config.base_url}/info", "")
            self._tei_info = parse_tei_info(data)
        return self._tei_info

    async def hub_model(self, model: str) -> HubModel:
        check_hub_allowed(model)
        url = (
            f"{self.config.hub_url}/api/models/{quote(model, safe='/')}"
            "?expand[]=inferenceProviderMapping&expand[]=pipeline_tag"
        )
        return parse_hub_model(await self._send("GET", url, model, hub=True), model)

    async def _label_names(self, model: str) -> dict[int, str]:
        """``id2label`` for a model whose API answers ``LABEL_n``: TEI's ``/info``, else Hub config.json."""
        if model not in self._id2label:
            if self.config.kind is Kind.TEI and (names := (await self.tei_info()).id2label):
                self._id2label[model] = names
            else:
                check_hub_allowed(model)
                url = f"{self.config.hub_url}/{quote(model, safe='/')}/resolve/main/config.json"
                self._id2label[model] = wire.parse_id2label(await self._send("GET", url, model, hub=True))
        return self._id2label[model]

    async def _named(self, rows: list[dict[str, float]], model: str) -> list[dict[str, float]]:
        if not any(wire.has_generic_labels(row) for row in rows):
            return rows
        names = await self._label_names(model)
        return [wire.resolve_labels(row, names) for row in rows]

    async def _classify_pairs(
        self, pairs: Sequence[tuple[str, str]], model: str, *, raw_scores: bool = False
    ) -> list[dict[str, float]]:
        url = wire.task_url(self.config.kind, self.config.base_url, model)
        rows: list[dict[str, float]] = []
        for chunk in _chunks(pairs, await self._batch_limit()):
            data = await self._send("POST", url, model, wire.pairs_body(self.config.kind, chunk, raw_scores=raw_scores))
            rows.extend(wire.parse_label_scores(data, len(chunk)))
        return await self._named(rows, model)

    # ---- embeddings ----------------------------------------------------------------------------------------

    async def embed(self, text: str, model: str) -> Embedding:
        return (await self.embed_batch([text], model))[0]

    async def embed_batch(self, texts: Sequence[str], model: str) -> list[Embedding]:
        await self._check_model(model)
        url = wire.embed_url(self.config.kind, self.config.base_url, model)
        vectors: list[list[float]] = []
        for chunk in _chunks(texts, await self._batch_limit()):
            body = wire.embed_body(chunk, normalize=self.config.normalize)
            data = await self._send("POST", url, model, body)
            vectors.extend(wire.parse_embeddings(data, len(chunk)))
        if self.config.normalize:
            # Servers that ignore the flag (custom endpoint handlers, token-level answers) get it done here.
            vectors = [wire.normalise(v) for v in vectors]
        if vectors:
            self._dimensions[model] = len(vectors[0])
        # mypy cannot type attrs' converter=tuple fields (core has the same false positive)
        return [Embedding(v, model, NAME) for v in vectors]

    # ---- NLI -----------------------------------------------------------------------------------------------

    async def infer_nli(self, premise: str, hypothesis: str, model: str) -> NliResult:
        return (await self.infer_nli_batch([(premise, hypothesis)], model))[0]

    async def infer_nli_batch(self, pairs: Sequence[tuple[str, str]], model: str) -> list[NliResult]:
        await self._check_model(model)
        rows = await self._classify_pairs(list(pairs), model)
        return [NliResult.from_scores(*wire.nli_scores(row), model=model, provider=NAME) for row in rows]

    # ---- zero-shot and stance ------------------------------------------------------------------------------

    async def _zero_shot(
        self, text: str, labels: Sequence[str], model: str, options: ClassifyOptions
    ) -> dict[str, float]:
        if self.config.kind is Kind.TEI:
            # TEI has no zero-shot route: score (text, hypothesis) pairs and do what the pipeline does.
            pairs = [(text, wire.hypothesis(options.hypothesis_template, label)) for label in labels]
            rows = await self._classify_pairs(pairs, model, raw_scores=True)
            return wire.zero_shot_from_logits(rows, labels, multi_label=options.multi_label)
        url = wire.task_url(self.config.kind, self.config.base_url, model)
        body = wire.zero_shot_body(text, labels, options)
        return wire.parse_zero_shot(await self._send("POST", url, model, body), labels)

    async def classify_zero_shot(
        self, text: str, labels: Sequence[str], model: str, options: ClassifyOptions
    ) -> ClassifyResult:
        await self._check_model(model)
        scores = await self._zero_shot(text, labels, model, options)
        return ClassifyResult.from_scores(scores, model=model, provider=NAME, multi_label=options.multi_label)

    async def classify_stance(self, text: str, target: str, model: str) -> StanceResult:
        """Zero-shot on the caller's model (``stance_model`` when none is given): favor/against/neutral."""
        model = model or self.config.stance_model
        await self._check_model(model)
        options = ClassifyOptions(hypothesis_template=wire.stance_template(target))
        scores = await self._zero_shot(text, list(wire.STANCE_PHRASES.values()), model, options)
        favor, against, neutral = wire.stance_scores(scores)
        return StanceResult.from_scores(favor, against, neutral, target, model=model, provider=NAME)

    # ---- introspection -------------------------------------------------------------------------------------

    async def list_models(self) -> list[ModelInfo]:
        """The configured models (a TEI server: the one it serves), with capabilities where the API says."""
        if self.config.kind is Kind.TEI:
            info = await self.tei_info()
            ids = sorted(self.models) if self.models is not None else [info.model_id]
            return [
                ModelInfo(m, NAME, info.capabilities if m == info.model_id else (), dimensions=self._dimensions.get(m))
                for m in ids
            ]
        found = []
        ask_hub = self.config.kind is Kind.SERVERLESS
        for model in sorted(self.models or ()):
            caps: tuple[Any, ...] = ()
            if ask_hub:
                try:
                    caps = capabilities_for_task((await self.hub_model(model)).task)
                except (ModelNotFound, NotAvailableOffline, ProviderError) as exc:
                    # Listing stays useful offline or for a model the Hub lost; status says more. A Hub that
                    # cannot be reached is not asked again for the next model.
                    ask_hub = not isinstance(exc, NotAvailableOffline | TransportError)
            found.append(ModelInfo(model, NAME, caps, dimensions=self._dimensions.get(model)))
        return found

    async def model_status(self, model: str) -> ModelStatus:
        if self.models is not None and model not in self.models:
            raise ModelNotAvailable(model, provider=NAME, reason=f"not in providers.{NAME}.models")
        try:
            if self.config.kind is Kind.TEI:
                info = await self.tei_info()
                if info.model_id == model or self.models is not None:
                    return ModelStatus(ModelStatusKind.READY, f"served by TEI ({info.model_type})", NAME)
                reason = f"the TEI server serves {info.model_id}"
                return ModelStatus(ModelStatusKind.UNAVAILABLE, reason, NAME)
            if self.config.kind is Kind.ENDPOINT:
                return ModelStatus(
                    ModelStatusKind.AVAILABLE, f"dedicated endpoint {self.config.base_url} (not probed)", NAME
                )
            hub = await self.hub_model(model)
        except ModelNotFound as exc:
            return ModelStatus(ModelStatusKind.UNAVAILABLE, str(exc), NAME)
        except NotAvailableOffline as exc:
            return ModelStatus(ModelStatusKind.UNAVAILABLE, f"cannot ask: {exc.reason}", NAME)
        except ProviderError as exc:
            return ModelStatus(ModelStatusKind.UNAVAILABLE, f"cannot ask: {exc}", NAME)
        if hub.hf_inference_status == "live":
            return ModelStatus(ModelStatusKind.AVAILABLE, f"deployed on hf-inference ({hub.task})", NAME)
        return ModelStatus(ModelStatusKind.UNAVAILABLE, "not deployed on hf-inference", NAME)
