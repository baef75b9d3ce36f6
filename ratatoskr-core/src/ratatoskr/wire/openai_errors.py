"""The error classifier of the OpenAI wire format, shared by every OpenAI-compatible server.

OpenAI's error object is ``{"error": {"message", "type", "param", "code"}}``; its codes say what went wrong
(``context_length_exceeded``, ``content_policy_violation``, ``model_not_found``). The servers that copy the
API (vLLM, llama.cpp, LM Studio, LocalAI, …) often send no code, only a message in their own words: the
patterns below are theirs. A provider built on :class:`~ratatoskr.wire.openai_client.OpenAICompatibleClient`
extends :func:`classify_openai_error` with what its own service adds (OpenRouter: moderation metadata).
"""

from __future__ import annotations

import re

from ratatoskr.errors import ContentFiltered, ContextLengthExceeded, ModelNotFound, RatatoskrError
from ratatoskr.wire.failure import HttpFailure

__all__ = ["classify_openai_error", "context_limit"]

_CONTEXT_CODES = frozenset({"context_length_exceeded", "string_above_max_length"})
_FILTER_CODES = frozenset({"content_filter", "content_policy_violation", "moderation"})
#: OpenAI ("maximum context length is N tokens"), vLLM (same), llama.cpp ("exceeds the available context
#: size"), LM Studio / LocalAI ("context window", "context length").
_CONTEXT = re.compile(
    r"context[_ ]length|context window|maximum context|context size|exceeds? the (?:model's )?(?:maximum|max|"
    r"context|available context)|reduce the length",
    re.IGNORECASE,
)
#: Azure OpenAI and OpenAI moderation wording.
_FILTER = re.compile(r"content[_ ](?:policy|filter|management)|safety system|responsible ai", re.IGNORECASE)
_LIMIT = re.compile(r"(?:maximum context length|context (?:length|window|size)) (?:is|of) (\d[\d,]*)", re.IGNORECASE)


def context_limit(message: str) -> int | None:
    """The context size a message states (``"maximum context length is 128,000 tokens"`` → 128000)."""
    match = _LIMIT.search(message)
    return int(match.group(1).replace(",", "")) if match else None


def classify_openai_error(failure: HttpFailure) -> RatatoskrError | None:
    """Context overflow, content filter and unknown model, from the code or the message of a 400/403/404/413
    (or an error object inside a stream with such a code); ``None``: the generic status mapping decides."""
    if failure.status not in (400, 403, 404, 413):
        return None
    code, message = failure.code, failure.message
    provider, status = failure.provider, failure.status
    if status in (400, 413) and (code in _CONTEXT_CODES or _CONTEXT.search(message)):
        return ContextLengthExceeded(failure.text, limit=context_limit(message), provider=provider, status=status)
    if status in (400, 403) and (code in _FILTER_CODES or _FILTER.search(message)):
        return ContentFiltered(failure.text, provider=provider, status=status)
    if code == "model_not_found":
        return ModelNotFound(failure.model or "?", provider=failure.provider, detail=message)
    return None
