"""``EmbeddedGateway``: the in-process ``ModelGateway``.

Every method takes the same road: resolve the model string (``ratatoskr:<tier>/<capability>`` presets, then
``provider:model`` pins), consult the response cache where the operation is deterministic, then
dispatch along the capability's fallback chain (:mod:`ratatoskr.dispatch.dispatcher`).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Awaitable, Callable, Mapping, Sequence
from contextlib import aclosing
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

from ratatoskr.dispatch.cache import ResponseCache
from ratatoskr.dispatch.dispatcher import Dispatcher
from ratatoskr.dispatch.explain import STATUS_CAPABILITIES, ChainReport, explain, list_models
from ratatoskr.dispatch.pricing import Pricing
from ratatoskr.errors import InvalidInput, ResponseFormatError
from ratatoskr.metadata.registry import PRESET_SCHEME, ModelRegistry
from ratatoskr.providers import CHAIN_CAPABILITIES, Kinds, RunsLocally, ToolCalling
from ratatoskr.streams import ChatNormaliser, normalise_generate_stream
from ratatoskr.types.capability import Capability
from ratatoskr.types.chat import ChatEvent, ChatOptions, ChatResponse, Message, ToolDefinition
from ratatoskr.types.generate import GenerateEvent, GenerateOptions, GenerateResponse
from ratatoskr.types.inference import ClassifyOptions, ClassifyResult, Embedding, NliResult, StanceResult, Token
from ratatoskr.types.model import ModelInfo, ModelMetadata, ModelStatus, ModelStatusKind
from ratatoskr.types.preset import PresetResolution

if TYPE_CHECKING:
    from ratatoskr.builder import GatewayBuilder
    from ratatoskr.config import Settings
    from ratatoskr.plugins import PluginManager

__all__ = ["DEFAULT_MODELS", "EmbeddedGateway"]

T = TypeVar("T")
OptionsT = TypeVar("OptionsT", ChatOptions, GenerateOptions)

#: Models used when a caller (e.g. the CLI) names none; ``[defaults]`` in the config overrides them.
DEFAULT_MODELS: Mapping[str, str] = {
    "chat": "ratatoskr:free/agentic",
    "generate": "ratatoskr:free/text-generation",
    "embed": "sentence-transformers/all-MiniLM-L6-v2",
    "nli": "cross-encoder/nli-deberta-v3-small",
    "classify": "cross-encoder/nli-deberta-v3-small",
    "stance": "cross-encoder/nli-deberta-v3-small",
    "tokenize": "sentence-transformers/all-MiniLM-L6-v2",
}


def _need_text(name: str, value: object) -> None:
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be a string, got {type(value).__name__}")
    if not value.strip():
        raise InvalidInput(f"{name} is empty")


def _one_per_input(results: list[T], inputs: Sequence[Any]) -> list[T]:
    if len(results) != len(inputs):
        provider = getattr(results[0], "provider", None) if results else None
        raise ResponseFormatError(
            f"provider returned {len(results)} results for {len(inputs)} inputs", provider=provider
        )
    return results


def _need_model(model: object) -> str:
    if not isinstance(model, str) or not model.strip():
        raise InvalidInput(f"model must be a non-empty string, got {model!r}")
    return model


class EmbeddedGateway:
    """The gateway running in this process. Build it with :meth:`from_settings` or :meth:`builder`."""

    def __init__(
        self,
        dispatcher: Dispatcher,
        *,
        model_registry: ModelRegistry | None = None,
        cache: ResponseCache | None = None,
        defaults: Mapping[str, str] | None = None,
        plugins: PluginManager | None = None,
    ) -> None:
        #: The fallback chains and the dispatch loop every call takes.
        self.dispatcher = dispatcher
        #: Model metadata and presets (the seed, the downloaded and the local registry files).
        self.model_registry = model_registry if model_registry is not None else ModelRegistry.with_seed()
        self.cache = cache
        if cache is not None:
            cache.telemetry = dispatcher.telemetry  # hits and misses are counted with the rest of the road
        self.defaults = {**DEFAULT_MODELS, **(defaults or {})}
        self.plugins = plugins
        import cachebox  # deferred with the gateway: `import ratatoskr` stays cheap

        #: Fetched metadata, bounded (least recently used out first).
        self._metadata_cache: cachebox.LRUCache[str, ModelMetadata] = cachebox.LRUCache(1000)
        #: Prices from the model registry: ``usage.cost`` of results, ``providers_by_cost``, cost routing.
        self.pricing = Pricing(lambda m: self.model_registry.get(m) or self._metadata_cache.get(m))
        dispatcher.prices = self.pricing.price

    @classmethod
    def builder(cls) -> GatewayBuilder:
        from ratatoskr.builder import GatewayBuilder

        return GatewayBuilder()

    @classmethod
    def from_settings(
        cls, settings: Settings | None = None, *, plugins: PluginManager | None = None
    ) -> EmbeddedGateway:
        """A gateway with every enabled plugin provider, configured from ``settings`` (default: load from disk)."""
        return cls.builder().settings(settings).plugins(plugins).build()

    async def __aenter__(self) -> EmbeddedGateway:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self.dispatcher.aclose()

    def default_model(self, capability: str) -> str:
        return self.defaults[capability]

    # ---- model resolution ------------------------------------------------------------------------------

    def _preset(self, model: str) -> PresetResolution | None:
        if model.startswith(PRESET_SCHEME):
            return self.model_registry.resolve_uri(model)
        return None

    def _model(self, model: str) -> str:
        model = _need_model(model)
        preset = self._preset(model)
        return preset.model if preset is not None else model

    def _with_preset(self, options: OptionsT) -> OptionsT:
        preset = self._preset(_need_model(options.model))
        if preset is None:
            return options
        defaults = preset.parameters.as_defaults() if preset.parameters is not None else {}
        return attrs.evolve(options.with_defaults(**defaults), model=preset.model)

    def _chat_options(self, messages: Sequence[Message], options: ChatOptions | None) -> ChatOptions:
        if not messages:
            raise InvalidInput("chat needs at least one message")
        if options is None:
            options = ChatOptions(model=self.default_model("chat"))
        elif not isinstance(options, ChatOptions):
            raise InvalidInput(f"options must be ChatOptions, got {type(options).__name__}")
        return self._with_preset(options)

    # ---- chat and generate ---------------------------------------------------------------------------------

    async def chat(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolDefinition] | None = None,
        options: ChatOptions | None = None,
    ) -> ChatResponse:
        """One chat answer. Without ``options``, the default chat model (``[defaults] chat``) answers."""
        options = self._chat_options(messages, options)
        response = await self.dispatcher.call_with_options(
            Kinds.CHAT, "chat", options, lambda p, o: p.chat(messages, tools, o)
        )
        return self.pricing.result(response, options.model)

    async def chat_stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolDefinition] | None = None,
        options: ChatOptions | None = None,
    ) -> AsyncGenerator[ChatEvent, None]:
        """The answer as it is written; close the generator (``aclose``) to stop early: that closes the
        provider's stream and its connection before it returns."""
        options = self._chat_options(messages, options)
        provider, sent, events = await self.dispatcher.open_stream(
            Kinds.CHAT, "chat_stream", options, lambda p, o: p.chat_stream(messages, tools, o)
        )
        # normalise_chat_stream, inline (one generator layer per event fewer): the events in between pass as they
        # are; only the closing ones can carry usage to price.
        normaliser = ChatNormaliser(provider.name, sent.model)
        async with aclosing(events):
            async for event in events:
                passed = normaliser.event(event)
                if normaliser.finished:
                    break
                if passed is not None:
                    yield passed
        for event in normaliser.end():
            yield self.pricing.event(event, provider.name, options.model, sent.model)

    async def generate(self, prompt: str, options: GenerateOptions) -> GenerateResponse:
        _need_text("prompt", prompt)
        options = self._with_preset(options)
        response = await self.dispatcher.call_with_options(
            Kinds.GENERATE, "generate", options, lambda p, o: p.generate(prompt, o)
        )
        return self.pricing.result(response, options.model)

    async def generate_stream(self, prompt: str, options: GenerateOptions) -> AsyncGenerator[GenerateEvent, None]:
        _need_text("prompt", prompt)
        options = self._with_preset(options)
        provider, sent, events = await self.dispatcher.open_stream(
            Kinds.GENERATE, "generate_stream", options, lambda p, o: p.generate_stream(prompt, o)
        )
        async with aclosing(normalise_generate_stream(events, provider.name, sent.model)) as normalised:
            async for event in normalised:
                yield self.pricing.event(event, provider.name, options.model, sent.model)

    # ---- deterministic capabilities (cacheable) ----------------------------------------------------------

    async def _cached(self, key: tuple[Any, ...], call: Callable[[], Awaitable[T]]) -> T:
        if self.cache is None:
            return await call()
        return await self.cache.get_or_call(key, call)

    async def embed(self, text: str, model: str) -> Embedding:
        _need_text("text", text)
        model = self._model(model)
        return await self._cached(
            ("embed", model, text),
            lambda: self.dispatcher.call(Kinds.EMBED, "embed", model, lambda p, m: p.embed(text, m)),
        )

    async def embed_batch(self, texts: Sequence[str], model: str) -> list[Embedding]:
        if isinstance(texts, str) or not texts:
            raise InvalidInput("embed_batch needs a non-empty list of texts")
        for i, text in enumerate(texts):
            _need_text(f"texts[{i}]", text)
        model = self._model(model)

        async def call(items: list[str]) -> list[Embedding]:
            result = await self.dispatcher.call(Kinds.EMBED, "embed_batch", model, lambda p, m: p.embed_batch(items, m))
            return _one_per_input(result, items)

        if self.cache is None:
            return await call(list(texts))
        return await self.cache.get_or_call_batch([("embed", model, t) for t in texts], texts, call)

    async def infer_nli(self, premise: str, hypothesis: str, model: str) -> NliResult:
        _need_text("premise", premise)
        _need_text("hypothesis", hypothesis)
        model = self._model(model)
        return await self._cached(
            ("nli", model, premise, hypothesis),
            lambda: self.dispatcher.call(
                Kinds.NLI, "infer_nli", model, lambda p, m: p.infer_nli(premise, hypothesis, m)
            ),
        )

    async def infer_nli_batch(self, pairs: Sequence[tuple[str, str]], model: str) -> list[NliResult]:
        if not pairs:
            raise InvalidInput("infer_nli_batch needs a non-empty list of (premise, hypothesis) pairs")
        for i, pair in enumerate(pairs):
            if not isinstance(pair, tuple | list) or len(pair) != 2:
                raise InvalidInput(f"pairs[{i}] must be a (premise, hypothesis) pair")
            _need_text(f"pairs[{i}] premise", pair[0])
            _need_text(f"pairs[{i}] hypothesis", pair[1])
        model = self._model(model)
        items = [(p, h) for p, h in pairs]

        async def call(batch: list[tuple[str, str]]) -> list[NliResult]:
            result = await self.dispatcher.call(
                Kinds.NLI, "infer_nli_batch", model, lambda p, m: p.infer_nli_batch(batch, m)
            )
            return _one_per_input(result, batch)

        if self.cache is None:
            return await call(items)
        return await self.cache.get_or_call_batch([("nli", model, p, h) for p, h in items], items, call)

    async def classify_zero_shot(
        self,
        text: str,
        labels: Sequence[str],
        model: str,
        *,
        multi_label: bool = False,
        hypothesis_template: str | None = None,
    ) -> ClassifyResult:
        _need_text("text", text)
        if isinstance(labels, str) or not labels:
            raise InvalidInput("classify_zero_shot needs a non-empty list of labels")
        for i, label in enumerate(labels):
            _need_text(f"labels[{i}]", label)
        if len(set(labels)) != len(labels):
            dupes = sorted({label for label in labels if list(labels).count(label) > 1})
            raise InvalidInput(f"labels must be distinct; repeated: {', '.join(dupes)}")
        options = ClassifyOptions(multi_label, hypothesis_template)
        model = self._model(model)
        labels = list(labels)
        return await self._cached(
            ("classify", model, text, tuple(labels), options),
            lambda: self.dispatcher.call(
                Kinds.CLASSIFY, "classify_zero_shot", model, lambda p, m: p.classify_zero_shot(text, labels, m, options)
            ),
        )

    async def classify_stance(self, text: str, target: str, model: str) -> StanceResult:
        _need_text("text", text)
        _need_text("target", target)
        model = self._model(model)
        return await self._cached(
            ("stance", model, text, target),
            lambda: self.dispatcher.call(
                Kinds.STANCE, "classify_stance", model, lambda p, m: p.classify_stance(text, target, m)
            ),
        )

    async def count_tokens(self, text: str, model: str) -> int:
        if not isinstance(text, str):
            raise InvalidInput(f"text must be a string, got {type(text).__name__}")
        model = self._model(model)
        return await self.dispatcher.call(Kinds.TOKENIZE, "count_tokens", model, lambda p, m: p.count_tokens(text, m))

    async def tokenize(self, text: str, model: str) -> list[Token]:
        if not isinstance(text, str):
            raise InvalidInput(f"text must be a string, got {type(text).__name__}")
        model = self._model(model)
        return await self.dispatcher.call(Kinds.TOKENIZE, "tokenize", model, lambda p, m: p.tokenize(text, m))

    # ---- introspection -----------------------------------------------------------------------------------

    async def list_models(self) -> list[ModelInfo]:
        """Every model the providers list; one that cannot answer is a :class:`ProviderWarning`, not a failure."""
        return await list_models(self.dispatcher.all_providers())

    async def explain(self, model: str, capability: Capability | str | None = None) -> list[ChainReport]:
        """What a call for ``model`` would do, per capability (every one with providers, or just ``capability``):
        the provider that would serve it, and why each other provider would not. Nothing is called but
        ``model_status``."""
        model = self._model(model)
        if capability is not None:
            cap = Capability.parse(capability)
            if cap not in CHAIN_CAPABILITIES:
                raise InvalidInput(f"{cap.value} has no fallback chain (one of: {', '.join(CHAIN_CAPABILITIES)})")
            return [await explain(self.dispatcher, cap, model)]
        prefix, pin, _ = model.partition(":")
        pinned = self.dispatcher.capabilities_of(prefix) if pin else frozenset()
        caps = [c for c in STATUS_CAPABILITIES if (c in pinned if pinned else self.dispatcher.chain(c))]
        return [await explain(self.dispatcher, cap, model) for cap in caps or STATUS_CAPABILITIES]

    async def model_status(self, model: str) -> ModelStatus:
        """The status reported by the provider that would serve ``model`` first (see :meth:`explain`)."""
        reports = await self.explain(model)
        for report in reports:
            if report.status is not None:
                return report.status
        reasons = sorted({str(a) for report in reports for a in report.attempts})
        note = next((r.note for r in reports if r.note), "")
        reason = "; ".join([*reasons, note] if note else reasons) or "no provider is configured"
        return ModelStatus(ModelStatusKind.UNAVAILABLE, f"no provider would serve {model!r}: {reason}")

    async def model_metadata(self, model: str) -> ModelMetadata | None:
        model = self._model(model)
        return self.model_registry.get(model) or self._metadata_cache.get(model)

    async def fetch_model_metadata(self, model: str) -> ModelMetadata:
        model = self._model(model)
        found = await self.dispatcher.call(Kinds.METADATA, "fetch_metadata", model, lambda p, m: p.fetch_metadata(m))
        self._metadata_cache[model] = found
        return found

    async def capabilities(self) -> frozenset[Capability]:
        """What this gateway can do: every capability some provider serves (pinned-only ones included)."""
        caps: set[Capability] = set()
        chain = self.dispatcher.providers_for
        if chain(Capability.CHAT):
            caps |= {Capability.CHAT, Capability.CHAT_STREAMING}
            if any(isinstance(p, ToolCalling) and p.supports_tools for p in chain(Capability.CHAT)):
                caps.add(Capability.TOOL_USE)
        served = (
            Capability.GENERATE,
            Capability.EMBED,
            Capability.NLI,
            Capability.CLASSIFY,
            Capability.STANCE,
            Capability.TOKENIZE,
        )  # metadata is not reported: the original's capabilities have no such value
        caps |= {cap for cap in served if chain(cap)}
        if any(isinstance(p, RunsLocally) and p.local for p in self.dispatcher.all_providers()):
            caps.add(Capability.LOCAL_INFERENCE)
        return frozenset(caps)

    async def resolve_preset(self, tier: str, capability: str) -> PresetResolution | None:
        return self.model_registry.preset(tier, capability)

    async def list_presets(self) -> dict[str, frozenset[str]]:
        return self.model_registry.presets()

    def __repr__(self) -> str:
        names = ", ".join(sorted(self.dispatcher.provider_names())) or "no providers"
        return f"<EmbeddedGateway {names}>"
