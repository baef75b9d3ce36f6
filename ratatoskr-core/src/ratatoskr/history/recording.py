"""``RecordingGateway``: any ``ModelGateway`` whose chat and generate calls are written to a :class:`History`.

The library records nothing by itself; an application that wants a history wraps its gateway::

    gateway = RecordingGateway(EmbeddedGateway.from_settings(), History.default())

The ``ratatoskr`` CLI does exactly this for ``chat`` and ``generate`` (unless ``ratatoskr logs off``). Every other
method is passed through untouched. A call that fails is recorded with its error, then the error propagates; a call
that is cancelled is not recorded. A history that cannot be written is a warning, never a failed call.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import AsyncGenerator, Sequence
from typing import TYPE_CHECKING, Any

import anyio

from ratatoskr.errors import ConfigurationError
from ratatoskr.history.store import History, LogEntry, new_id

if TYPE_CHECKING:
    from ratatoskr.protocol import ModelGateway
    from ratatoskr.types.chat import ChatEvent, ChatOptions, ChatResponse, Message, ToolDefinition
    from ratatoskr.types.generate import GenerateEvent, GenerateOptions, GenerateResponse

__all__ = ["RecordingGateway"]


class RecordingGateway:
    """Wraps ``gateway``; each ``chat``/``chat_stream``/``generate``/``generate_stream`` call becomes one entry of
    ``history`` under ``conversation_id`` (a new one when not given: one wrapper, one conversation)."""

    def __init__(self, gateway: ModelGateway, history: History, *, conversation_id: str | None = None) -> None:
        self.gateway = gateway
        self.history = history
        self.conversation_id = conversation_id or new_id()

    def __getattr__(self, name: str) -> Any:  # every other capability, untouched
        return getattr(self.gateway, name)

    async def aclose(self) -> None:
        """Close the wrapped gateway."""
        await self.gateway.aclose()

    async def __aenter__(self) -> RecordingGateway:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # ---- chat ------------------------------------------------------------------------------------------------

    async def chat(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolDefinition] | None = None,
        options: ChatOptions | None = None,
    ) -> ChatResponse:
        """``gateway.chat``, recorded."""
        started = time.perf_counter()
        try:
            response = await self.gateway.chat(messages, tools, options)
        except Exception as exc:
            await self._save(_chat_entry(self.conversation_id, messages, tools, options, started, error=exc))
            raise
        await self._save(_chat_entry(self.conversation_id, messages, tools, options, started, response=response))
        return response

    async def chat_stream(
        self,
        messages: Sequence[Message],
        tools: Sequence[ToolDefinition] | None = None,
        options: ChatOptions | None = None,
    ) -> AsyncGenerator[ChatEvent, None]:
        """``gateway.chat_stream``, recorded when the stream ends (its events collected into one answer)."""
        from ratatoskr.streams import ChatAccumulator

        started = time.perf_counter()
        accumulator = ChatAccumulator()
        events = self.gateway.chat_stream(messages, tools, options)
        try:
            async for event in events:
                accumulator.add(event)
                yield event
        except Exception as exc:
            await self._save(_chat_entry(self.conversation_id, messages, tools, options, started, error=exc))
            raise
        finally:
            await events.aclose()
        response = accumulator.response()
        await self._save(_chat_entry(self.conversation_id, messages, tools, options, started, response=response))

    # ---- generate --------------------------------------------------------------------------------------------

    async def generate(self, prompt: str, options: GenerateOptions) -> GenerateResponse:
        """``gateway.generate``, recorded."""
        started = time.perf_counter()
        try:
            response = await self.gateway.generate(prompt, options)
        except Exception as exc:
            await self._save(_generate_entry(self.conversation_id, prompt, options, started, error=exc))
            raise
        await self._save(_generate_entry(self.conversation_id, prompt, options, started, response=response))
        return response

    async def generate_stream(self, prompt: str, options: GenerateOptions) -> AsyncGenerator[GenerateEvent, None]:
        """``gateway.generate_stream``, recorded when the stream ends."""
        from ratatoskr.types.chat import FinishReason
        from ratatoskr.types.generate import GenerateDone, GenerateResponse, TextEvent

        started = time.perf_counter()
        parts: list[str] = []
        done: GenerateDone | None = None
        events = self.gateway.generate_stream(prompt, options)
        try:
            async for event in events:
                if isinstance(event, TextEvent):
                    parts.append(event.text)
                elif isinstance(event, GenerateDone):
                    done = event
                yield event
        except Exception as exc:
            await self._save(_generate_entry(self.conversation_id, prompt, options, started, error=exc))
            raise
        finally:
            await events.aclose()
        response = GenerateResponse(
            "".join(parts),
            usage=None if done is None else done.usage,
            model=None if done is None else done.model,
            provider=None if done is None else done.provider,
            finish_reason=FinishReason.STOP if done is None or done.finish_reason is None else done.finish_reason,
        )
        await self._save(_generate_entry(self.conversation_id, prompt, options, started, response=response))

    async def _save(self, entry: LogEntry) -> None:
        try:
            await anyio.to_thread.run_sync(self.history.record, entry)
        except ConfigurationError as exc:
            warnings.warn(f"this call was not recorded in the history: {exc}", RuntimeWarning, stacklevel=2)


def _json(value: Any) -> Any:
    from ratatoskr.serde import unstructure

    return unstructure(value)


_SECRET_WORDS = ("key", "secret", "token", "authorization", "password")


def _redacted(options: dict[str, Any]) -> dict[str, Any]:
    """Options as recorded: anything in ``raw_provider_options`` that looks like a credential is left out."""
    raw = options.get("raw_provider_options")
    if not isinstance(raw, dict):
        return options
    clean = {k: "[redacted]" if any(w in k.lower() for w in _SECRET_WORDS) else v for k, v in raw.items()}
    return {**options, "raw_provider_options": clean}


def _common(
    response: ChatResponse | GenerateResponse | None, error: BaseException | None, started: float
) -> dict[str, Any]:
    usage = None if response is None else response.usage
    cost = None if usage is None or usage.cost is None else usage.cost.total  # USD, from the registry's prices
    return {
        "latency_ms": round((time.perf_counter() - started) * 1000, 1),
        "model": None if response is None else response.model,
        "provider": None if response is None else response.provider,
        "usage": None if usage is None else _json(usage),
        "cost": cost,
        "finish_reason": None if response is None else response.finish_reason.value,
        "error": None if error is None else f"{type(error).__name__}: {error}",
    }


def _chat_entry(
    conversation_id: str,
    messages: Sequence[Message],
    tools: Sequence[ToolDefinition] | None,
    options: ChatOptions | None,
    started: float,
    *,
    response: ChatResponse | None = None,
    error: BaseException | None = None,
) -> LogEntry:
    users = [m.content for m in messages if m.role.value == "user"]
    systems = [m.content for m in messages if m.role.value == "system"]
    recorded_options = _redacted(_json(options)) if options is not None else {}
    if tools:
        recorded_options = {**recorded_options, "tools": [_json(tool) for tool in tools]}
    return LogEntry(
        conversation_id=conversation_id,
        kind="chat",
        prompt=users[-1] if users else "",
        system="\n\n".join(systems) or None,
        messages=[_json(message) for message in messages],
        options=recorded_options,
        model_requested=options.model if options is not None else None,
        response=None if response is None else response.content,
        reasoning=None if response is None else response.reasoning,
        tool_calls=[] if response is None else [_json(call) for call in response.tool_calls],
        reply=None if response is None else _json(response.to_message()),
        **_common(response, error, started),
    )


def _generate_entry(
    conversation_id: str,
    prompt: str,
    options: GenerateOptions,
    started: float,
    *,
    response: GenerateResponse | None = None,
    error: BaseException | None = None,
) -> LogEntry:
    return LogEntry(
        conversation_id=conversation_id,
        kind="generate",
        prompt=prompt,
        messages=[],
        options=_redacted(_json(options)),
        model_requested=options.model,
        response=None if response is None else response.text,
        **_common(response, error, started),
    )
