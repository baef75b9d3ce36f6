"""Text generation expressed through chat, for providers whose API has no separate completion endpoint.

The prompt becomes one user message; every generate option is carried over to the chat options (the dispatcher has
already checked them against the provider's ``supported_parameters``), and the stream keeps content, usage and the
finish reason.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing
from typing import TYPE_CHECKING

import attrs

from ratatoskr.types.chat import ChatOptions, ContentEvent, DoneEvent, Message, SamplingOptions, Usage, UsageEvent
from ratatoskr.types.generate import GenerateDone, GenerateEvent, GenerateOptions, GenerateResponse, TextEvent

if TYPE_CHECKING:
    from ratatoskr.providers import ChatProvider

__all__ = ["chat_options_for", "generate_stream_via_chat", "generate_via_chat"]


def chat_options_for(options: GenerateOptions) -> ChatOptions:
    """The chat options that ask for the same completion as ``options`` (every shared field carried over)."""
    shared = {a.name: getattr(options, a.name) for a in attrs.fields(SamplingOptions)}
    if shared["raw_provider_options"]:
        shared["raw_provider_options"] = dict(shared["raw_provider_options"])
    return ChatOptions(**shared)


async def generate_via_chat(provider: ChatProvider, prompt: str, options: GenerateOptions) -> GenerateResponse:
    answer = await provider.chat([Message.user(prompt)], None, chat_options_for(options))
    return GenerateResponse(answer.content, answer.usage, answer.finish_reason, answer.model, provider.name)


async def generate_stream_via_chat(
    provider: ChatProvider, prompt: str, options: GenerateOptions
) -> AsyncGenerator[GenerateEvent, None]:
    usage: Usage | None = None
    done: DoneEvent | None = None
    async with aclosing(provider.chat_stream([Message.user(prompt)], None, chat_options_for(options))) as events:
        async for event in events:
            if isinstance(event, ContentEvent):
                yield TextEvent(event.text)
            elif isinstance(event, UsageEvent):
                usage = event.usage
            elif isinstance(event, DoneEvent):
                done = event
                break
    finish = done.finish_reason if done else None
    yield GenerateDone(finish, usage, (done.model if done else None) or options.model, provider.name)
