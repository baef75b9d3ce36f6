"""The provider protocols: what a plugin's provider object implements, one protocol per capability.

A provider is a small object with a ``name``, a ``priority`` (higher runs earlier in the fallback chain),
``models`` (the model names it serves, or ``None`` for "any model") and the async methods of one capability.
It raises :class:`~ratatoskr.errors.ModelNotAvailable` for a model it does not serve, which moves the request
to the next provider. The registry strips a ``provider:`` pin from the model before the call, so a provider
always sees its own model name.

Optional extras any provider may add: ``supported_parameters`` (chat/generate: the option names it takes;
``None`` means "does not say"), ``async list_models()`` and ``async model_status(model)`` (introspection),
``async aclose()`` (release clients and sessions).
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from ratatoskr.types import (
        ChatEvent,
        ChatOptions,
        ChatResponse,
        ClassifyResult,
        Embedding,
        GenerateEvent,
        GenerateOptions,
        GenerateResponse,
        Message,
        ModelInfo,
        ModelMetadata,
        ModelStatus,
        NliResult,
        StanceResult,
        Token,
        ToolDefinition,
    )

__all__ = [
    "PRIORITY_DEMO",
    "PRIORITY_LOCAL",
    "PRIORITY_REMOTE",
    "Capability",
    "ChatProvider",
    "ClassifyProvider",
    "EmbeddingProvider",
    "GenerateProvider",
    "MetadataProvider",
    "ModelLister",
    "NliProvider",
    "Provider",
    "StanceProvider",
    "TokenizerProvider",
]

#: Default priorities: local inference first, remote APIs next, the demo provider last.
PRIORITY_LOCAL = 100
PRIORITY_REMOTE = 50
PRIORITY_DEMO = -1000


class Capability(enum.StrEnum):
    """One fallback chain per capability."""

    CHAT = "chat"
    GENERATE = "generate"
    EMBED = "embed"
    NLI = "nli"
    CLASSIFY = "classify"
    STANCE = "stance"
    TOKENIZE = "tokenize"
    METADATA = "metadata"


@runtime_checkable
class Provider(Protocol):
    """What every provider has: a unique ``name``, a ``priority`` (higher runs first) and ``models`` (None = any)."""

    name: str
    priority: int
    #: Model names served, or None for any model.
    models: frozenset[str] | None


@runtime_checkable
class ChatProvider(Provider, Protocol):
    """Serves ``chat`` and ``chat_stream`` (an async generator of ``ChatEvent``)."""

    async def chat(
        self, messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
    ) -> ChatResponse: ...

    def chat_stream(
        self, messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
    ) -> AsyncIterator[ChatEvent]: ...


@runtime_checkable
class GenerateProvider(Provider, Protocol):
    """Serves plain text completion, whole or streamed."""

    async def generate(self, prompt: str, options: GenerateOptions) -> GenerateResponse: ...

    def generate_stream(self, prompt: str, options: GenerateOptions) -> AsyncIterator[GenerateEvent]: ...


@runtime_checkable
class EmbeddingProvider(Provider, Protocol):
    """Serves ``embed`` and ``embed_batch`` (one result per text, in order)."""

    async def embed(self, text: str, model: str) -> Embedding: ...

    async def embed_batch(self, texts: Sequence[str], model: str) -> list[Embedding]: ...


@runtime_checkable
class NliProvider(Provider, Protocol):
    """Serves natural language inference on (premise, hypothesis) pairs."""

    async def infer_nli(self, premise: str, hypothesis: str, model: str) -> NliResult: ...

    async def infer_nli_batch(self, pairs: Sequence[tuple[str, str]], model: str) -> list[NliResult]: ...


@runtime_checkable
class ClassifyProvider(Provider, Protocol):
    """Serves zero-shot classification."""

    async def classify_zero_shot(
        self,
        text: str,
        labels: Sequence[str],
        model: str,
        *,
        multi_label: bool = False,
        hypothesis_template: str | None = None,
    ) -> ClassifyResult: ...


@runtime_checkable
class StanceProvider(Provider, Protocol):
    """Serves stance detection (favor / against / neutral toward a target)."""

    async def classify_stance(self, text: str, target: str, model: str) -> StanceResult: ...


@runtime_checkable
class TokenizerProvider(Provider, Protocol):
    """Counts tokens and tokenizes with byte offsets (no special tokens)."""

    async def count_tokens(self, text: str, model: str) -> int: ...

    async def tokenize(self, text: str, model: str) -> list[Token]: ...


@runtime_checkable
class MetadataProvider(Provider, Protocol):
    """Fetches live model metadata (network), for ``fetch_model_metadata``."""

    async def fetch_metadata(self, model: str) -> ModelMetadata: ...


@runtime_checkable
class ModelLister(Protocol):
    """Optional introspection any provider may implement."""

    async def list_models(self) -> Sequence[ModelInfo]: ...

    async def model_status(self, model: str) -> ModelStatus: ...
