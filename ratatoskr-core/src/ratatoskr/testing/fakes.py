"""Fake providers with queued replies and injected failures, and a record of every call."""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator, Iterable, Sequence
from typing import Any

import attrs

from ratatoskr.errors import ModelNotAvailable, RatatoskrError
from ratatoskr.types.chat import ChatEvent, ChatOptions, ChatResponse, ContentEvent, DoneEvent, Message, ToolDefinition
from ratatoskr.types.inference import Embedding, NliResult

__all__ = ["Fail", "FakeChatProvider", "FakeEmbeddingProvider", "FakeNliProvider"]


@attrs.frozen
class Fail:
    """A queued failure: the next call raises ``error`` (``times`` calls in a row)."""

    error: RatatoskrError
    times: int = 1


class _Fake:
    def __init__(
        self,
        name: str,
        *,
        priority: int = 0,
        models: Iterable[str] | None = None,
        supported_parameters: Iterable[str] | None = None,
    ) -> None:
        self.name = name
        self.priority = priority
        self.models = frozenset(models) if models is not None else None
        self.supported_parameters = frozenset(supported_parameters) if supported_parameters is not None else None
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self._queue: deque[Any] = deque()
        self.closed = False

    def queue(self, *items: Any) -> _Fake:
        """Queue replies (results, lists of stream events) and :class:`Fail` entries, used in order."""
        for item in items:
            if isinstance(item, Fail):
                self._queue.extend([Fail(item.error)] * item.times)
            else:
                self._queue.append(item)
        return self

    def _next(self, method: str, args: tuple[Any, ...], model: str, default: Any) -> Any:
        self.calls.append((method, args))
        if self.models is not None and model not in self.models:
            raise ModelNotAvailable(model, provider=self.name)
        item = self._queue.popleft() if self._queue else default
        if isinstance(item, Fail):
            raise item.error
        return item

    async def aclose(self) -> None:
        self.closed = True


class FakeChatProvider(_Fake):
    """Replies with queued ``ChatResponse``/strings; streams queued event lists (default: echo the last message)."""

    supports_tools = True

    async def chat(
        self, messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
    ) -> ChatResponse:
        reply: ChatResponse | str = self._next(
            "chat", (messages, tools, options), options.model, ChatResponse(content=messages[-1].content)
        )
        if isinstance(reply, str):
            reply = ChatResponse(content=reply)
        return attrs.evolve(reply, model=reply.model or options.model)

    async def chat_stream(
        self, messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
    ) -> AsyncIterator[ChatEvent]:
        events = self._next(
            "chat_stream", (messages, tools, options), options.model, [ContentEvent(messages[-1].content), DoneEvent()]
        )
        for event in events:
            if isinstance(event, Fail):
                raise event.error
            yield event


class FakeEmbeddingProvider(_Fake):
    """Embeds each text as ``[len(text), fake_id]`` unless replies are queued."""

    def __init__(self, name: str, *, fake_id: float = 0.0, **kw: Any) -> None:
        super().__init__(name, **kw)
        self.fake_id = fake_id

    def _vector(self, text: str, model: str) -> Embedding:
        return Embedding([float(len(text)), self.fake_id], model)

    async def embed(self, text: str, model: str) -> Embedding:
        return self._next("embed", (text, model), model, None) or self._vector(text, model)

    async def embed_batch(self, texts: Sequence[str], model: str) -> list[Embedding]:
        found = self._next("embed_batch", (list(texts), model), model, None)
        return found if found is not None else [self._vector(t, model) for t in texts]


class FakeNliProvider(_Fake):
    """Entailment when the hypothesis is a substring of the premise, else neutral, unless replies are queued."""

    def _score(self, premise: str, hypothesis: str, model: str) -> NliResult:
        if hypothesis.lower() in premise.lower():
            return NliResult.from_scores(0.9, 0.05, 0.05, model=model)
        return NliResult.from_scores(0.1, 0.1, 0.8, model=model)

    async def infer_nli(self, premise: str, hypothesis: str, model: str) -> NliResult:
        return self._next("infer_nli", (premise, hypothesis, model), model, None) or self._score(
            premise, hypothesis, model
        )

    async def infer_nli_batch(self, pairs: Sequence[tuple[str, str]], model: str) -> list[NliResult]:
        found = self._next("infer_nli_batch", (list(pairs), model), model, None)
        return found if found is not None else [self._score(p, h, model) for p, h in pairs]
