"""The ``ModelGateway`` protocol: the one interface applications talk to.

``EmbeddedGateway`` (in-process) and the daemon's ``ServiceClient`` implement it. A capability the gateway
has no provider for raises :class:`~ratatoskr.errors.NoProvider` naming it.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, Mapping, Sequence
from typing import Protocol, runtime_checkable

from ratatoskr.types.capability import Capability
from ratatoskr.types.chat import ChatEvent, ChatOptions, ChatResponse, Message, ToolDefinition
from ratatoskr.types.generate import GenerateEvent, GenerateOptions, GenerateResponse
from ratatoskr.types.inference import ClassifyResult, Embedding, NliResult, StanceResult, Token
from ratatoskr.types.model import ModelInfo, ModelMetadata, ModelStatus
from ratatoskr.types.preset import PresetResolution

__all__ = ["ModelGateway"]


@runtime_checkable
class ModelGateway(Protocol):
    """The one async interface to every capability; ``EmbeddedGateway`` and ``ServiceClient`` implement it."""

    async def chat(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolDefinition] | None = None,
        options: ChatOptions | None = None,
    ) -> ChatResponse:
        """One complete chat answer."""

    def chat_stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolDefinition] | None = None,
        options: ChatOptions | None = None,
    ) -> AsyncGenerator[ChatEvent, None]:
        """Stream chat events; ``UsageEvent`` at most once and ``DoneEvent`` exactly once, last."""

    async def generate(self, prompt: str, options: GenerateOptions) -> GenerateResponse:
        """Plain text completion of ``prompt``."""

    def generate_stream(self, prompt: str, options: GenerateOptions) -> AsyncGenerator[GenerateEvent, None]:
        """Stream a text completion; ``GenerateDone`` exactly once, last."""

    async def embed(self, text: str, model: str) -> Embedding:
        """Embed one text."""

    async def embed_batch(self, texts: Sequence[str], model: str) -> list[Embedding]:
        """Embed many texts; results in input order."""

    async def infer_nli(self, premise: str, hypothesis: str, model: str) -> NliResult:
        """Natural language inference on one premise/hypothesis pair."""

    async def infer_nli_batch(self, pairs: Sequence[tuple[str, str]], model: str) -> list[NliResult]:
        """NLI on many pairs; results in input order."""

    async def classify_zero_shot(
        self,
        text: str,
        labels: Sequence[str],
        model: str,
        *,
        multi_label: bool = False,
        hypothesis_template: str | None = None,
    ) -> ClassifyResult:
        """Score ``text`` against candidate ``labels``."""

    async def classify_stance(self, text: str, target: str, model: str) -> StanceResult:
        """Favor / against / neutral stance of ``text`` toward ``target``."""

    async def count_tokens(self, text: str, model: str) -> int:
        """Number of tokens of ``text`` under the model's tokenizer (no special tokens)."""

    async def tokenize(self, text: str, model: str) -> list[Token]:
        """Tokens with ids and byte offsets."""

    async def list_models(self) -> list[ModelInfo]:
        """Models the configured providers serve."""

    async def model_status(self, model: str) -> ModelStatus:
        """Whether ``model`` can be used now."""

    async def model_metadata(self, model: str) -> ModelMetadata | None:
        """Metadata from the registry or the cache; no network."""

    async def fetch_model_metadata(self, model: str) -> ModelMetadata:
        """Metadata fetched from a provider (network), then cached."""

    async def capabilities(self) -> frozenset[Capability]:
        """What this gateway can do with its configured providers."""

    async def resolve_preset(self, tier: str, capability: str) -> PresetResolution | None:
        """The model (and defaults) a ``ratatoskr:<tier>/<capability>`` preset names."""

    async def list_presets(self) -> Mapping[str, frozenset[str]]:
        """Tier → capabilities that have a preset."""

    async def aclose(self) -> None:
        """Release providers' clients and sessions."""
