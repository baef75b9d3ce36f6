"""The DEMO provider: toy answers that need no model, no key and no network.

It answers only what is addressed to it: a model pinned with ``demo:`` (``ratatoskr chat -m demo:echo hi``). It
is never part of another model's fallback chain, so a typo, a missing key or an outage can never come back as a
demo answer. It is on by default for ``demo:`` pins (typing that prefix is the only way to reach it, so it cannot
be reached by accident); ``[providers.demo] enabled = false`` turns it off.

Its answers are NOT model output: chat echoes the last user message, embeddings are hash vectors (equal texts give
equal vectors, nothing more), NLI/zero-shot/stance use word overlap. It exists so that the gateway, the CLI and
tests can be tried before any real provider is installed.
"""

from __future__ import annotations

import hashlib
import math
import re
import struct
from collections.abc import AsyncGenerator, Sequence

from ratatoskr.providers import PRIORITY_DEMO
from ratatoskr.types.chat import (
    ChatEvent,
    ChatOptions,
    ChatResponse,
    ContentEvent,
    DoneEvent,
    FinishReason,
    Message,
    Role,
    ToolDefinition,
    Usage,
    UsageEvent,
)
from ratatoskr.types.generate import GenerateDone, GenerateEvent, GenerateOptions, GenerateResponse, TextEvent
from ratatoskr.types.inference import ClassifyOptions, ClassifyResult, Embedding, NliResult, StanceResult, Token
from ratatoskr.types.model import ModelStatus, ModelStatusKind

NAME = "demo"
DIMENSIONS = 64
_WORD = re.compile(r"\w+|[^\w\s]", re.UNICODE)
_NEGATIONS = frozenset({"not", "no", "never", "nobody", "nothing", "none"})


def _words(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(text)]


class DemoProvider:
    """One object serving every capability with toy logic (see the module docstring); only ``demo:`` pins."""

    name = NAME
    models: frozenset[str] | None = None
    supports_tools = False
    #: Never in a fallback chain: reached only by ``demo:MODEL``.
    explicit_only = True

    def __init__(self, priority: int = PRIORITY_DEMO) -> None:
        self.priority = priority

    # chat / generate ------------------------------------------------------------------------------------

    @staticmethod
    def _reply(messages: Sequence[Message]) -> str:
        last = next((m.content for m in reversed(messages) if m.role is Role.USER), "")
        return f"echo: {last}"

    @staticmethod
    def _usage(prompt: str, completion: str) -> Usage:
        p, c = len(_words(prompt)), len(_words(completion))
        return Usage(prompt_tokens=p, completion_tokens=c, total_tokens=p + c)

    async def chat(
        self, messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
    ) -> ChatResponse:
        reply = self._reply(messages)
        prompt = " ".join(m.content for m in messages)
        return ChatResponse(content=reply, usage=self._usage(prompt, reply), model=options.model, provider=self.name)

    async def chat_stream(
        self, messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
    ) -> AsyncGenerator[ChatEvent, None]:
        reply = self._reply(messages)
        for piece in re.findall(r"\S+\s*", reply):
            yield ContentEvent(piece)
        yield UsageEvent(self._usage(" ".join(m.content for m in messages), reply))
        yield DoneEvent(FinishReason.STOP)

    async def generate(self, prompt: str, options: GenerateOptions) -> GenerateResponse:
        text = f"echo: {prompt}"
        return GenerateResponse(text, self._usage(prompt, text), model=options.model, provider=self.name)

    async def generate_stream(self, prompt: str, options: GenerateOptions) -> AsyncGenerator[GenerateEvent, None]:
        for piece in re.findall(r"\S+\s*", f"echo: {prompt}"):
            yield TextEvent(piece)
        yield GenerateDone(FinishReason.STOP)

    # embeddings ------------------------------------------------------------------------------------------

    @staticmethod
    def hash_vector(text: str) -> list[float]:
        """A unit vector from SHA-256 of the text: deterministic, meaningless."""
        raw = b"".join(hashlib.sha256(f"{i}:{text}".encode()).digest() for i in range(DIMENSIONS // 8))
        values = [v / 2**31 for v in struct.unpack(f"<{DIMENSIONS}i", raw)]
        norm = math.sqrt(sum(v * v for v in values)) or 1.0
        return [v / norm for v in values]

    async def embed(self, text: str, model: str) -> Embedding:
        return Embedding(self.hash_vector(text), model, self.name, input_tokens=len(_WORD.findall(text)))

    async def embed_batch(self, texts: Sequence[str], model: str) -> list[Embedding]:
        return [await self.embed(t, model) for t in texts]

    # NLI, zero-shot, stance by word overlap -------------------------------------------------------------

    @staticmethod
    def _overlap_scores(premise: str, hypothesis: str) -> tuple[float, float, float]:
        p, h = set(_words(premise)), set(_words(hypothesis))
        if (p | h) & _NEGATIONS:
            return 0.1, 0.8, 0.1
        share = len(p & h) / max(len(h), 1)
        entail = 0.1 + 0.8 * share
        return entail, 0.1, round(0.9 - entail, 6)

    async def infer_nli(self, premise: str, hypothesis: str, model: str) -> NliResult:
        e, c, n = self._overlap_scores(premise, hypothesis)
        return NliResult.from_scores(e, c, n, model=model, provider=self.name)

    async def infer_nli_batch(self, pairs: Sequence[tuple[str, str]], model: str) -> list[NliResult]:
        return [await self.infer_nli(p, h, model) for p, h in pairs]

    async def classify_zero_shot(
        self, text: str, labels: Sequence[str], model: str, options: ClassifyOptions
    ) -> ClassifyResult:
        words = set(_words(text))
        raw = {label: 1.0 + len(words & set(_words(label))) for label in labels}
        total = sum(raw.values()) if not options.multi_label else None
        scores = {k: (v / total if total else min(v / 2, 1.0)) for k, v in raw.items()}
        return ClassifyResult.from_scores(scores, model=model, provider=self.name, multi_label=options.multi_label)

    async def classify_stance(self, text: str, target: str, model: str) -> StanceResult:
        words = set(_words(text))
        mentions = bool(words & set(_words(target)))
        if mentions and words & _NEGATIONS:
            scores = (0.1, 0.8, 0.1)
        elif mentions:
            scores = (0.8, 0.1, 0.1)
        else:
            scores = (0.1, 0.1, 0.8)
        return StanceResult.from_scores(*scores, target=target, model=model, provider=self.name)

    # tokens (whitespace and punctuation, with byte offsets) ---------------------------------------------

    async def tokenize(self, text: str, model: str) -> list[Token]:
        tokens: list[Token] = []
        byte_pos, char_pos = 0, 0
        for match in _WORD.finditer(text):
            byte_pos += len(text[char_pos : match.start()].encode())
            piece = match.group()
            size = len(piece.encode())
            token_id = int.from_bytes(hashlib.sha256(piece.encode()).digest()[:3], "little")
            tokens.append(Token(token_id, piece, byte_pos, byte_pos + size))
            byte_pos += size
            char_pos = match.end()
        return tokens

    async def count_tokens(self, text: str, model: str) -> int:
        return len(_WORD.findall(text))

    # introspection ------------------------------------------------------------------------------------

    async def model_status(self, model: str) -> ModelStatus:
        return ModelStatus(ModelStatusKind.AVAILABLE, "demo provider: toy answers, not a model", self.name)
