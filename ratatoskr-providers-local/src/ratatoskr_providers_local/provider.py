"""``LocalProvider``: embeddings, NLI, zero-shot, stance and tokens, in-process on ONNX Runtime.

One object serves every capability, so all of them share one model manager (one RAM budget) and one run
limiter. Models are addressed by HuggingFace id, short name, directory or ``[providers.local.models]`` name
(see :mod:`ratatoskr_providers_local._sources`); anything else is :class:`ModelNotAvailable`, which moves the
request to the next provider. Blocking work (loading, tokenising, ONNX runs) happens in worker threads.

Building a provider is cheap: the plugin hooks build one on every gateway build (also for CLI commands that
other providers serve), so numpy, onnxruntime and tokenizers are imported on first use, in a worker thread.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

import anyio
from ratatoskr.errors import InvalidInput, ModelNotAvailable
from ratatoskr.types.inference import ClassifyOptions, ClassifyResult, Embedding, NliResult, StanceResult, Token
from ratatoskr.types.model import ModelStatus, ModelStatusKind

from ratatoskr_providers_local._batcher import MicroBatcher
from ratatoskr_providers_local._config import LocalConfig
from ratatoskr_providers_local._introspection import list_local_models, status_without_loading
from ratatoskr_providers_local._manager import ModelManager
from ratatoskr_providers_local._sources import SHORT_NAMES, Source, locate, resolve
from ratatoskr_providers_local._tokenizers import Tokenizers

if TYPE_CHECKING:  # these import numpy: loaded with the first model, not with the provider
    from tokenizers import Encoding

    from ratatoskr_providers_local._embedding import EmbeddingModel
    from ratatoskr_providers_local._nli import NliModel
    from ratatoskr_providers_local._runtime import OnnxModel
    from ratatoskr_providers_local._sources import ModelFiles

__all__ = ["DEFAULT_HYPOTHESIS_TEMPLATE", "LocalProvider"]

NAME = "local"
DEFAULT_HYPOTHESIS_TEMPLATE = "This example is {}."
T = TypeVar("T")
_Model = TypeVar("_Model", bound="OnnxModel")
EmbedOut = tuple[list[float], bool, int]
#: (entailment, contradiction, neutral) probabilities and whether the pair was truncated.
NliOut = tuple[tuple[float, float, float], bool]
#: Resolved model names remembered per provider (names come from callers; the bound keeps the memory small).
_SOURCE_CACHE_SIZE = 1024
#: Hypotheses about the target; the stance is the one the text entails most (single-label zero-shot).
STANCE_HYPOTHESES = (
    "This text supports {}.",
    "This text opposes {}.",
    "This text is neutral about {}.",
)


def _check_text(what: str, text: object) -> str:
    if not isinstance(text, str):
        raise InvalidInput(f"{what} must be a string, got {type(text).__name__}")
    if not text.strip():
        raise InvalidInput(f"{what} is empty")
    _check_utf8(what, text)
    return text


def _check_utf8(what: str, text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise InvalidInput(
            f"{what} is not valid UTF-8 text (undecodable bytes at character {exc.start}; re-encode the input as UTF-8)"
        ) from exc


def _check_labels(labels: Sequence[str]) -> list[str]:
    if isinstance(labels, str) or not labels:
        raise InvalidInput("zero-shot classification needs a non-empty list of labels")
    for i, label in enumerate(labels):
        _check_text(f"labels[{i}]", label)
    repeated = sorted({label for label in labels if list(labels).count(label) > 1})
    if repeated:
        raise InvalidInput(f"labels must be distinct; repeated: {', '.join(repeated)}")
    return list(labels)


class LocalProvider:
    """Local inference on ONNX Runtime; ``local = True`` makes the gateway report LocalInference."""

    name = NAME
    local = True
    models: frozenset[str] | None = None  # any model it can resolve; ModelNotAvailable for the rest

    def __init__(self, config: LocalConfig | None = None) -> None:
        self.config = config or LocalConfig()
        self.priority = self.config.priority
        self.manager = ModelManager(self.config.ram_budget_bytes)
        self.tokenizers = Tokenizers(self.config)
        self._limiter: anyio.CapacityLimiter | None = None
        self._batchers: dict[str, tuple[object, MicroBatcher[Any, Any]]] = {}
        import cachebox  # deferred: building the provider (at CLI start-up) stays cheap

        self._sources: cachebox.LRUCache[str, Source] = cachebox.LRUCache(_SOURCE_CACHE_SIZE)

    def __repr__(self) -> str:
        return f"<LocalProvider device={self.config.device} loaded={list(self.manager.loaded())}>"

    # ---- plumbing ----------------------------------------------------------------------------------------

    @property
    def limiter(self) -> anyio.CapacityLimiter:
        """Bounds concurrent ONNX runs (created on first use, inside the running event loop)."""
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(self.config.max_concurrent_runs)
        return self._limiter

    def _source(self, model: str) -> Source:
        # Resolving touches the file system (directory names): once per name, not once per request.
        source = self._sources.get(model)
        if source is not None:
            return source
        source = resolve(model, self.config)
        if source is not None:
            self._sources[model] = source
        else:
            raise ModelNotAvailable(
                model,
                provider=NAME,
                reason=f"not a local model (use a HuggingFace repo id with an ONNX export, a model directory, "
                f"a [providers.local.models] name, or one of: {', '.join(SHORT_NAMES)})",
            )
        return source

    async def _run(self, func: Callable[[], T]) -> T:
        async with self.limiter:
            return await anyio.to_thread.run_sync(func)

    async def _by_chunks(
        self, m: OnnxModel, inputs: list[Any], run: Callable[[list[Encoding], list[int]], list[T]]
    ) -> tuple[list[T], list[bool], list[int]]:
        """``run`` over ``inputs`` one ONNX run (chunk of similar lengths) at a time, each in its own worker-thread
        call: a caller whose scope is cancelled stops after the chunk in progress, not after the whole batch.
        Results in input order, with whether each input was truncated and its token count."""
        from ratatoskr_providers_local._runtime import truncated

        encodings: list[Encoding] = await self._run(lambda: m.tokenizer.encode_batch(inputs))
        rows: list[Any] = [None] * len(inputs)
        for chunk in m.chunks(encodings, self.config.batch_max_size):
            done = await self._run(partial(run, encodings, chunk))
            for i, row in zip(chunk, done, strict=True):
                rows[i] = row
        return rows, [truncated(e) for e in encodings], [len(e.ids) for e in encodings]

    def _batcher(
        self, key: str, model: object, run: Callable[[Sequence[Any]], Sequence[Any]]
    ) -> MicroBatcher[Any, Any]:
        found = self._batchers.get(key)
        if found is None or found[0] is not model:  # a reloaded model gets a fresh batcher
            loaded = self.manager.loaded()
            for stale in [k for k in self._batchers if k not in loaded]:  # evicted: let the model be freed
                del self._batchers[stale]
            batcher: MicroBatcher[Any, Any] = MicroBatcher(
                run, limiter=self.limiter, max_size=self.config.batch_max_size, max_wait=self.config.batch_wait_s
            )
            found = self._batchers[key] = (model, batcher)
        return found[1]

    async def embedding_model(self, model: str) -> EmbeddingModel:
        def load(files: ModelFiles) -> EmbeddingModel:
            from ratatoskr_providers_local._embedding import load_embedding_model

            return load_embedding_model(files, self.config)

        return await self._loaded("embed", model, load)

    async def nli_model(self, model: str) -> NliModel:
        def load(files: ModelFiles) -> NliModel:
            from ratatoskr_providers_local._nli import load_nli_model

            return load_nli_model(files, self.config)

        return await self._loaded("nli", model, load)

    async def _loaded(self, kind: str, model: str, load: Callable[[ModelFiles], _Model]) -> _Model:
        """The loaded model (the manager's, or ``load``'s on a worker thread once its files are located and the
        manager has checked that they fit the RAM budget)."""
        source = self._source(model)

        def locate_and_load(check_fits: Callable[[int], None]) -> _Model:
            files = locate(source, self.config)
            check_fits(files.size_bytes)
            return load(files)

        return await self.manager.get(f"{kind}:{source.id}", locate_and_load)

    # ---- embeddings --------------------------------------------------------------------------------------

    def _embed_rows(self, m: EmbeddingModel, texts: Sequence[str]) -> list[EmbedOut]:
        vectors, truncated, tokens = m.embed(texts, self.config.batch_max_size)
        return list(zip(vectors.tolist(), truncated, tokens, strict=True))

    async def embed(self, text: str, model: str) -> Embedding:
        _check_text("text", text)
        m = await self.embedding_model(model)
        batcher = self._batcher(f"embed:{m.id}", m, lambda texts: self._embed_rows(m, texts))
        values, truncated, tokens = await batcher.submit(text)
        return Embedding(values, model, NAME, truncated, tokens)

    async def embed_batch(self, texts: Sequence[str], model: str) -> list[Embedding]:
        if isinstance(texts, str) or not texts:
            raise InvalidInput("embed_batch needs a non-empty list of texts")
        for i, text in enumerate(texts):
            _check_text(f"texts[{i}]", text)
        m = await self.embedding_model(model)
        rows, cut, tokens = await self._by_chunks(m, list(texts), lambda enc, chunk: m.embed_chunk(enc, chunk).tolist())
        return [
            Embedding(values, model, NAME, truncated, count)
            for values, truncated, count in zip(rows, cut, tokens, strict=True)
        ]

    # ---- NLI, zero-shot, stance --------------------------------------------------------------------------

    def _nli_rows(self, m: NliModel, pairs: Sequence[tuple[str, str]]) -> list[NliOut]:
        """Probabilities per pair, computed in the worker thread (the event loop only builds results)."""
        logits, truncated = m.logits(pairs, self.config.batch_max_size)
        return [(_softmax3(row), cut) for row, cut in zip(logits.tolist(), truncated, strict=True)]

    @staticmethod
    def _nli_result(probs: tuple[float, float, float], truncated: bool, model: str) -> NliResult:
        e, c, n = probs
        return NliResult.from_scores(e, c, n, model=model, provider=NAME, truncated=truncated)

    async def infer_nli(self, premise: str, hypothesis: str, model: str) -> NliResult:
        _check_text("premise", premise)
        _check_text("hypothesis", hypothesis)
        m = await self.nli_model(model)
        batcher = self._batcher(f"nli:{m.id}", m, lambda pairs: self._nli_rows(m, pairs))
        probs, truncated = await batcher.submit((premise, hypothesis))
        return self._nli_result(probs, truncated, model)

    async def infer_nli_batch(self, pairs: Sequence[tuple[str, str]], model: str) -> list[NliResult]:
        if isinstance(pairs, str) or not pairs:
            raise InvalidInput("infer_nli_batch needs a non-empty list of (premise, hypothesis) pairs")
        items: list[tuple[str, str]] = []
        for i, pair in enumerate(pairs):
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise InvalidInput(f"pairs[{i}] must be a (premise, hypothesis) pair")
            items.append((_check_text(f"pairs[{i}] premise", pair[0]), _check_text(f"pairs[{i}] hypothesis", pair[1])))
        m = await self.nli_model(model)
        rows, cut, _ = await self._by_chunks(
            m, items, lambda enc, chunk: [_softmax3(row) for row in m.logits_chunk(enc, chunk).tolist()]
        )
        return [self._nli_result(probs, truncated, model) for probs, truncated in zip(rows, cut, strict=True)]

    async def _logits(self, model: str, pairs: list[tuple[str, str]]) -> Any:
        m = await self.nli_model(model)
        logits, _ = await self._run(lambda: m.logits(pairs, self.config.batch_max_size))
        return logits

    async def classify_zero_shot(
        self, text: str, labels: Sequence[str], model: str, options: ClassifyOptions
    ) -> ClassifyResult:
        _check_text("text", text)
        names = _check_labels(labels)
        template = options.hypothesis_template
        template = DEFAULT_HYPOTHESIS_TEMPLATE if template is None else template
        _check_utf8("hypothesis_template", template)
        from ratatoskr_providers_local._nli import zero_shot_scores  # loaded with the model: no import cost here

        logits = await self._logits(model, [(text, template.replace("{}", label)) for label in names])
        scores = zero_shot_scores(logits, multi_label=options.multi_label)
        return ClassifyResult.from_scores(
            dict(zip(names, scores, strict=True)), model=model, provider=NAME, multi_label=options.multi_label
        )

    async def classify_stance(self, text: str, target: str, model: str) -> StanceResult:
        _check_text("text", text)
        _check_text("target", target)
        from ratatoskr_providers_local._nli import stance_scores

        logits = await self._logits(model, [(text, h.replace("{}", target)) for h in STANCE_HYPOTHESES])
        favor, against, neutral = stance_scores(logits)
        return StanceResult.from_scores(favor, against, neutral, target, model=model, provider=NAME)

    # ---- tokens ------------------------------------------------------------------------------------------

    async def count_tokens(self, text: str, model: str) -> int:
        if not isinstance(text, str):
            raise InvalidInput(f"text must be a string, got {type(text).__name__}")
        _check_utf8("text", text)
        tokenizer = await anyio.to_thread.run_sync(self.tokenizers.get, model)
        if not text:
            return 0
        return await anyio.to_thread.run_sync(lambda: len(tokenizer.encode(text, add_special_tokens=False).ids))

    async def tokenize(self, text: str, model: str) -> list[Token]:
        if not isinstance(text, str):
            raise InvalidInput(f"text must be a string, got {type(text).__name__}")
        _check_utf8("text", text)
        tokenizer = await anyio.to_thread.run_sync(self.tokenizers.get, model)
        if not text:
            return []

        def run() -> list[Token]:
            encoding = tokenizer.encode(text, add_special_tokens=False)
            byte_at = _byte_offsets(text)
            return [
                Token(token_id, piece, byte_at[start], byte_at[end])
                for token_id, piece, (start, end) in zip(encoding.ids, encoding.tokens, encoding.offsets, strict=True)
            ]

        return await anyio.to_thread.run_sync(run)

    # ---- management and introspection --------------------------------------------------------------------

    async def preload(self, model: str, capability: str = "embed") -> None:
        """Load a model now instead of on first use (``capability``: ``embed`` or ``nli``)."""
        if capability not in ("embed", "nli"):
            raise InvalidInput(f"capability must be 'embed' or 'nli', got {capability!r}")
        await (self.embedding_model(model) if capability == "embed" else self.nli_model(model))

    async def unload(self, model: str) -> bool:
        """Drop a loaded model from memory; True when it was loaded."""
        source = self._source(model)
        dropped = [self.manager.unload(f"{cap}:{source.id}") for cap in ("embed", "nli")]
        return any(dropped)

    async def list_models(self) -> list[Any]:
        return await anyio.to_thread.run_sync(lambda: list_local_models(self))

    async def model_status(self, model: str) -> ModelStatus:
        source = resolve(model, self.config)
        if source is None:
            return ModelStatus(ModelStatusKind.UNAVAILABLE, "not a local model", NAME)
        for cap in ("embed", "nli"):
            status = self.manager.status(f"{cap}:{source.id}")
            if status.kind is not ModelStatusKind.AVAILABLE:
                return status
        return await anyio.to_thread.run_sync(lambda: status_without_loading(self, source))

    async def aclose(self) -> None:
        self.manager.unload_all()
        self._batchers.clear()


def _softmax3(logits: list[float]) -> tuple[float, float, float]:
    """Softmax of three logits in plain Python (numpy's per-call overhead dwarfs three exponentials)."""
    top = max(logits)
    e, c, n = (math.exp(v - top) for v in logits)
    total = e + c + n
    return e / total, c / total, n / total


def _byte_offsets(text: str) -> list[int]:
    """``out[i]`` = UTF-8 byte offset of character ``i`` (and ``out[len(text)]`` = total bytes)."""
    if text.isascii():
        return list(range(len(text) + 1))
    out = [0] * (len(text) + 1)
    total = 0
    for i, ch in enumerate(text):
        out[i] = total
        total += len(ch.encode("utf-8"))
    out[len(text)] = total
    return out
