"""Reading providers' error bodies: the message, the code, and what kind of failure the text describes."""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = [
    "ANTHROPIC_ERROR_STATUS",
    "context_limit",
    "error_details",
    "looks_like_content_filter",
    "looks_like_context_overflow",
    "looks_like_unknown_model",
]

#: Anthropic's error ``type`` → the HTTP status it comes with (https://docs.anthropic.com/en/api/errors).
ANTHROPIC_ERROR_STATUS: dict[str, int] = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "billing_error": 402,
    "permission_error": 403,
    "not_found_error": 404,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "overloaded_error": 529,
}

_CONTEXT = re.compile(
    r"context[_ ]length|context window|maximum context|prompt is too long|too many tokens|"
    r"exceeds? the (?:model's )?(?:maximum|max|context)|input is too long|input length|reduce the length",
    re.IGNORECASE,
)
_CONTENT = re.compile(
    r"content[_ ](?:policy|filter|management)|safety system|flagged|moderation|responsible ai", re.IGNORECASE
)
_UNKNOWN_MODEL = re.compile(r"not a valid model|model[_ ]not[_ ]found|no such model|unknown model", re.IGNORECASE)
_LIMIT = re.compile(r"(?:maximum context length|context (?:length|window)|limit) (?:is|of) (\d[\d,]*)", re.IGNORECASE)
_MAX_SHOWN = 500


def _join(value: Any) -> str:
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


def error_details(body: bytes | str) -> tuple[str, Any, dict[str, Any]]:
    """``(message, code, extra)`` from an error body.

    Understands OpenAI/OpenRouter ``{"error": {"message", "code"|"type", "metadata"}}``, Anthropic
    ``{"type": "error", "error": {"type", "message"}}``, HuggingFace and Ollama ``{"error": "..."}``, and
    ``{"message": ...}``/``{"detail": ...}``; anything else is shown as (shortened) text.
    """
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else body
    try:
        obj = json.loads(text) if text.strip() else None
    except ValueError:
        obj = None
    if not isinstance(obj, dict):
        shown = text.strip()[:_MAX_SHOWN]
        return (shown or "(empty body)"), None, {}
    error = obj.get("error", obj)
    if isinstance(error, dict):
        message = error.get("message") or error.get("detail") or error.get("msg") or json.dumps(error)[:_MAX_SHOWN]
        code = error.get("code") if error.get("code") is not None else error.get("type")
        extra = {**obj, **error}
        metadata = error.get("metadata")
        if isinstance(metadata, dict):
            extra.update(metadata)
            # OpenRouter passes the upstream provider's own error text in metadata.raw
            raw = metadata.get("raw")
            if isinstance(raw, str) and raw and raw not in str(message):
                message = f"{message} ({raw[:_MAX_SHOWN]})"
        return _join(message), code, extra
    if error is not None and error is not obj:
        return _join(error), obj.get("code") or obj.get("error_type"), obj
    return json.dumps(obj)[:_MAX_SHOWN], None, obj


def looks_like_context_overflow(message: str, code: Any) -> bool:
    return code in ("context_length_exceeded", "string_above_max_length") or bool(_CONTEXT.search(message))


def looks_like_content_filter(message: str, code: Any, extra: dict[str, Any]) -> bool:
    if code in ("content_filter", "content_policy_violation", "moderation"):
        return True
    return "flagged_input" in extra or "reasons" in extra or bool(_CONTENT.search(message))


def looks_like_unknown_model(message: str, code: Any) -> bool:
    return code in ("model_not_found",) or bool(_UNKNOWN_MODEL.search(message))


def context_limit(message: str) -> int | None:
    match = _LIMIT.search(message)
    return int(match.group(1).replace(",", "")) if match else None
