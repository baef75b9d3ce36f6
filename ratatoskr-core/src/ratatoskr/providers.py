"""The provider protocols: what a plugin's provider object implements, one protocol per capability.

A provider is a small object with a ``name``, a ``priority`` (higher runs earlier in the fallback chain),
``models`` (the model names it serves, or ``None`` for "any model") and the async methods of one capability.
It raises :class:`~ratatoskr.errors.ModelNotAvailable` for a model it does not serve, which moves the request
to the next provider. The dispatcher strips a ``provider:`` pin from the model before the call, so a provider
always sees its own model name.

Optional extras any provider may add, each a small runtime-checkable protocol the gateway tests with
``isinstance``: :class:`DeclaresParameters` (``supported_parameters``: the option names it takes, per model where
it varies), :class:`ConstrainsParameters` (``parameter_problems``: the values it cannot take),
:class:`ListsModels` and :class:`ReportsModelStatus` (introspection), :class:`Closeable` (release
clients and sessions), :class:`ToolCalling` (``supports_tools``), :class:`RunsLocally` (``local``) and
:class:`ExplicitOnly` (``explicit_only``: served only when pinned, ``name:model``, never in a fallback chain).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Sequence
from typing import TYPE_CHECKING, Any, Final, Generic, Protocol, TypeVar, runtime_checkable

from ratatoskr.types.capability import Capability

if TYPE_CHECKING:
    from ratatoskr.types.chat import ChatEvent, ChatOptions, ChatResponse, Message, SamplingOptions, ToolDefinition
    from ratatoskr.types.generate import GenerateEvent, GenerateOptions, GenerateResponse
    from ratatoskr.types.inference import ClassifyOptions, ClassifyResult, Embedding, NliResult, StanceResult, Token
    from ratatoskr.types.model import ModelInfo, ModelMetadata, ModelStatus
    from ratatoskr.types.parameter import ParameterProblem

__all__ = [
    "CHAIN_CAPABILITIES",
    "PRIORITY_DEMO",
    "PRIORITY_LOCAL",
    "PRIORITY_REMOTE",
    "Capability",
    "ChatProvider",
    "ClassifyProvider",
    "Closeable",
    "ConstrainsParameters",
    "DeclaresGenerateParameters",
    "DeclaresModelParameters",
    "DeclaresParameters",
    "EmbeddingProvider",
    "ExplicitOnly",
    "GenerateProvider",
    "Kinds",
    "ListsModels",
    "MetadataProvider",
    "NliProvider",
    "Provider",
    "ProviderKind",
    "ReportsModelStatus",
    "RunsLocally",
    "StanceProvider",
    "TokenizerProvider",
    "ToolCalling",
    "protocol_for",
]

#: Default priorities: local inference first, remote APIs next. (The demo provider is never in a chain.)
PRIORITY_LOCAL = 100
PRIORITY_REMOTE = 50
PRIORITY_DEMO = -1000


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
    ) -> AsyncGenerator[ChatEvent, None]: ...


@runtime_checkable
class GenerateProvider(Provider, Protocol):
    """Serves plain text completion, whole or streamed."""

    async def generate(self, prompt: str, options: GenerateOptions) -> GenerateResponse: ...

    def generate_stream(self, prompt: str, options: GenerateOptions) -> AsyncGenerator[GenerateEvent, None]: ...


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
    """Serves zero-shot classification: ``options`` (built and checked by the gateway) say how to score."""

    async def classify_zero_shot(
        self, text: str, labels: Sequence[str], model: str, options: ClassifyOptions
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


# ---- optional features ---------------------------------------------------------------------------------------


@runtime_checkable
class ListsModels(Protocol):
    """Lists the models it serves (``ratatoskr models``)."""

    async def list_models(self) -> Sequence[ModelInfo]: ...


@runtime_checkable
class ReportsModelStatus(Protocol):
    """Says whether a model can be used now, without using it (``ratatoskr status``)."""

    async def model_status(self, model: str) -> ModelStatus: ...


@runtime_checkable
class Closeable(Protocol):
    """Holds clients or sessions that ``aclose`` releases."""

    async def aclose(self) -> None: ...


@runtime_checkable
class DeclaresParameters(Protocol):
    """Declares the chat/generate options it takes; ``None`` means "does not say" (everything is sent).

    ``parameters_for(model)`` may narrow the set per model; the dispatcher's validation stage alone decides
    what happens to the rest (warn / error / ignore)."""

    supported_parameters: frozenset[str] | None


@runtime_checkable
class DeclaresGenerateParameters(Protocol):
    """Declares the generate options it takes where they differ from its chat ones (another endpoint)."""

    generate_parameters: frozenset[str] | None


@runtime_checkable
class DeclaresModelParameters(Protocol):
    """Declares the options it takes for one model (where they vary by model)."""

    def parameters_for(self, model: str) -> frozenset[str] | None: ...


@runtime_checkable
class ConstrainsParameters(Protocol):
    """Declares the values it cannot take of the options it takes (a range, a combination): for a request's
    options, one :class:`~ratatoskr.types.ParameterProblem` each. It only declares; the dispatcher's validation
    stage applies the policy (warn / error / ignore) and the codec encodes whatever it is then given."""

    def parameter_problems(self, options: SamplingOptions) -> Sequence[ParameterProblem]: ...


@runtime_checkable
class ToolCalling(Protocol):
    """Says whether it passes tool definitions to the model."""

    supports_tools: bool


@runtime_checkable
class RunsLocally(Protocol):
    """Says whether it runs inference on this machine (``LocalInference``)."""

    local: bool


@runtime_checkable
class ExplicitOnly(Protocol):
    """Serves only requests pinned to it (``name:model``) when ``explicit_only`` is true: never a fallback."""

    explicit_only: bool


P = TypeVar("P", bound=Provider, covariant=True)


class ProviderKind(Generic[P]):
    """A capability with the protocol its providers implement: the typed key of a fallback chain.

    ``Kinds.CHAT`` is a ``ProviderKind[ChatProvider]``, so a dispatch keyed by it hands its callback a
    ``ChatProvider`` and the type checker sees every provider call."""

    __slots__ = ("capability", "protocol")

    def __init__(self, capability: Capability, protocol: type[Any]) -> None:
        self.capability = capability
        self.protocol = protocol

    def __repr__(self) -> str:
        return f"ProviderKind({self.capability.value}, {self.protocol.__name__})"


class Kinds:
    """One :class:`ProviderKind` per capability."""

    CHAT: Final[ProviderKind[ChatProvider]] = ProviderKind(Capability.CHAT, ChatProvider)
    GENERATE: Final[ProviderKind[GenerateProvider]] = ProviderKind(Capability.GENERATE, GenerateProvider)
    EMBED: Final[ProviderKind[EmbeddingProvider]] = ProviderKind(Capability.EMBED, EmbeddingProvider)
    NLI: Final[ProviderKind[NliProvider]] = ProviderKind(Capability.NLI, NliProvider)
    CLASSIFY: Final[ProviderKind[ClassifyProvider]] = ProviderKind(Capability.CLASSIFY, ClassifyProvider)
    STANCE: Final[ProviderKind[StanceProvider]] = ProviderKind(Capability.STANCE, StanceProvider)
    TOKENIZE: Final[ProviderKind[TokenizerProvider]] = ProviderKind(Capability.TOKENIZE, TokenizerProvider)
    METADATA: Final[ProviderKind[MetadataProvider]] = ProviderKind(Capability.METADATA, MetadataProvider)


_KINDS: dict[Capability, ProviderKind[Provider]] = {
    kind.capability: kind
    for kind in (
        Kinds.CHAT,
        Kinds.GENERATE,
        Kinds.EMBED,
        Kinds.NLI,
        Kinds.CLASSIFY,
        Kinds.STANCE,
        Kinds.TOKENIZE,
        Kinds.METADATA,
    )
}


#: The capabilities with a fallback chain, a provider protocol and a plugin hook (``ratatoskr_<value>_providers``):
#: chat, generate, embed, nli, classify, stance, tokenize, metadata. The other capabilities describe models.
CHAIN_CAPABILITIES: Final[tuple[Capability, ...]] = tuple(_KINDS)


def protocol_for(capability: Capability) -> type[Provider]:
    """The provider protocol of ``capability`` (``Capability.CHAT`` → :class:`ChatProvider`)."""
    kind = _KINDS.get(capability)
    if kind is None:
        raise ValueError(f"{capability.value} has no provider protocol (it describes models, not providers)")
    return kind.protocol
