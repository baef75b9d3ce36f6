"""Gateways and calls the fault tests share: real providers over real HTTP to the fault server."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import anyio
import pytest
from attrs import frozen
from faultserver import Behaviour, FaultServer
from ratatoskr import ChatOptions, EmbeddedGateway, Message, RetryPolicy
from ratatoskr.types import ChatResponse, ContentEvent, DoneEvent
from ratatoskr.wire.endpoint import Limits

#: Three attempts, tiny backoff, and a Retry-After capped at 50 ms so rate-limit faults run fast.
FAST_RETRY = RetryPolicy(max_attempts=3, initial_delay=0.01, max_delay=0.02, jitter=False, max_retry_after=0.05)
#: Short timeout for every fault test but the "must show" one.
TIMEOUT = 0.5
#: The timeout of a fault whose expected end IS the timeout (hang, drip, keep-alives): shorter, as nothing
#: can beat it, and it keeps the suite fast.
SHORT = 0.2
#: Slack on every elapsed-time bound: generous, so a loaded CI machine never makes these flaky.
SLACK = 3.0
MESSAGES = [Message.user("hi")]


def openai_provider(
    server: FaultServer, *, name: str = "openai", priority: int = 50, limits: Limits | None = None
) -> Any:
    from ratatoskr_providers_openai.provider import OpenAIProvider

    limits = limits or Limits(timeout=TIMEOUT)
    return OpenAIProvider(base_url=server.url, name=name, priority=priority, limits=limits)


def ollama_provider(server: FaultServer, *, limits: Limits | None = None) -> Any:
    from ratatoskr_providers_ollama.provider import OllamaProvider

    return OllamaProvider(base_url=server.url, limits=limits or Limits(timeout=TIMEOUT))


def gateway(*providers: Any, retry: RetryPolicy = FAST_RETRY) -> EmbeddedGateway:
    builder = EmbeddedGateway.builder().plugins(False).retry(retry)
    for provider in providers:
        builder.provider(provider, "chat")
    return builder.build()


async def chat(gw: EmbeddedGateway, model: str = "m") -> str:
    """A non-streamed chat; the answer's text."""
    answer: ChatResponse = await gw.chat(MESSAGES, options=ChatOptions(model=model))
    return answer.content or ""


async def chat_stream(gw: EmbeddedGateway, model: str = "m") -> str:
    """A streamed chat read to its end; the text it carried. Checks the stream ended with one Done."""
    texts: list[str] = []
    done = 0
    async for event in gw.chat_stream(MESSAGES, options=ChatOptions(model=model)):
        if isinstance(event, ContentEvent):
            texts.append(event.text)
        done += isinstance(event, DoneEvent)
    assert done == 1
    return "".join(texts)


async def call(gw: EmbeddedGateway, mode: str, model: str = "m") -> str:
    """:func:`chat` or :func:`chat_stream`, by the test's mode."""
    return await (chat(gw, model) if mode == "chat" else chat_stream(gw, model))


def underlying(exc: BaseException) -> Sequence[BaseException]:
    """The error itself, or the per-provider errors of an exhausted-chain error that carries ``.attempts``."""
    attempts = getattr(exc, "attempts", None)
    if not attempts:
        return [exc]
    return [getattr(a, "error", a) for a in attempts]


@frozen
class Case:
    """A fault, the error it must end in, and how many requests the server sees (the retry policy's attempts
    for a transient error, one for anything else), for each mode it applies to (``chat``, ``stream``)."""

    id: str
    fault: Behaviour
    error: type[Exception]
    attempts: int
    modes: tuple[str, ...] = ("chat", "stream")
    timeout: float = TIMEOUT

    @property
    def bound(self) -> float:
        """Each attempt may wait out the timeout; backoff and capped Retry-After add little."""
        return self.attempts * self.timeout + SLACK

    @property
    def limits(self) -> Limits:
        return Limits(timeout=self.timeout)


async def ends_in_typed_error(case: Case, mode: str, provider: Callable[[FaultServer], Any]) -> BaseException:
    """Run ``case`` against ``provider(server)`` through a gateway: it must end in ``case.error`` after
    ``case.attempts`` requests, within ``case.bound``. Returns the error the last provider attempt raised."""
    async with FaultServer(case.fault) as server, gateway(provider(server)) as gw:
        start = anyio.current_time()
        with pytest.raises(Exception) as info:  # noqa: PT011 (checked just below, unwrapped)
            await call(gw, mode)
        elapsed = anyio.current_time() - start
    error = underlying(info.value)[-1]
    assert isinstance(error, case.error), f"{case.id}: got {info.value!r}"
    assert len(server.requests) == case.attempts
    assert elapsed < case.bound
    return error


def params(cases: list[Case]) -> list[Any]:
    """One test parameter per case and mode."""
    return [pytest.param(case, mode, id=f"{case.id}-{mode}") for case in cases for mode in case.modes]
