"""The Gemini API's wire format: request bodies, complete answers, usage, finish reasons, errors.

Written from https://ai.google.dev/api/generate-content (``GenerateContentRequest``, ``Content``/``Part``,
``GenerationConfig``, ``GenerateContentResponse``, ``UsageMetadata``, ``FinishReason``),
https://ai.google.dev/gemini-api/docs/function-calling (``functionDeclarations`` with ``parametersJsonSchema``,
``toolConfig``, ``functionCall``/``functionResponse`` parts), https://ai.google.dev/gemini-api/docs/thinking
and /thought-signatures (``thinkingConfig``, ``thought`` parts, ``thoughtSignature``), and
https://ai.google.dev/api/rest/v1beta/Status for errors (``{"error": {"code", "message", "status", "details"}}``).
"""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

from ratatoskr.errors import (
    AuthenticationFailed,
    ContentFiltered,
    ContextLengthExceeded,
    InvalidInput,
    ModelNotAvailable,
    RatatoskrError,
    RateLimited,
    ResponseFormatError,
)
from ratatoskr.types.chat import (
    ChatOptions,
    ChatResponse,
    FinishReason,
    Message,
    ReasoningBlock,
    ReasoningConfig,
    ReasoningEffort,
    Role,
    ToolCall,
    ToolDefinition,
    Usage,
)
from ratatoskr.wire._retry_after import parse_retry_after
from ratatoskr.wire.failure import HttpFailure
from ratatoskr.wire.options import unmapped

__all__ = [
    "API_VERSION",
    "DEFAULT_BASE_URL",
    "EFFORT_BUDGETS",
    "NAME",
    "build_body",
    "classify_error",
    "finish_reason",
    "parse_response",
    "usage_from",
]

NAME = "google"
DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com"
API_VERSION = "v1beta"

#: ``thinkingBudget`` (tokens) for a reasoning effort on models that take a budget (Gemini 2.5).
EFFORT_BUDGETS: Mapping[ReasoningEffort, int] = {
    ReasoningEffort.NONE: 0,
    ReasoningEffort.MINIMAL: 512,
    ReasoningEffort.LOW: 1024,
    ReasoningEffort.MEDIUM: 8192,
    ReasoningEffort.HIGH: 24576,
    ReasoningEffort.XHIGH: 32768,
}
#: ``thinkingLevel`` for a reasoning effort on models that take a level (Gemini 3).
EFFORT_LEVELS: Mapping[ReasoningEffort, str] = {
    ReasoningEffort.NONE: "minimal",
    ReasoningEffort.MINIMAL: "minimal",
    ReasoningEffort.LOW: "low",
    ReasoningEffort.MEDIUM: "medium",
    ReasoningEffort.HIGH: "high",
    ReasoningEffort.XHIGH: "high",
}
_FINISH = {
    "STOP": FinishReason.STOP,
    "MAX_TOKENS": FinishReason.LENGTH,
    "SAFETY": FinishReason.CONTENT_FILTER,
    "RECITATION": FinishReason.CONTENT_FILTER,
    "BLOCKLIST": FinishReason.CONTENT_FILTER,
    "PROHIBITED_CONTENT": FinishReason.CONTENT_FILTER,
    "SPII": FinishReason.CONTENT_FILTER,
    "IMAGE_SAFETY": FinishReason.CONTENT_FILTER,
}
_TOOL_CHOICE = {"auto": "AUTO", "none": "NONE", "required": "ANY", "function": "ANY"}


# ---- requests ---------------------------------------------------------------------------------------------------


def _function_response(content: str) -> dict[str, Any]:
    """A tool result as the ``response`` object: a JSON object as it is, anything else as ``{"output": ...}``."""
    try:
        value = json.loads(content)
    except ValueError:
        value = None
    return value if isinstance(value, dict) else {"output": content}


def _arguments(call: ToolCall) -> dict[str, Any]:
    try:
        args = json.loads(call.arguments or "{}")
    except ValueError as exc:
        raise InvalidInput(f"tool call {call.id} has arguments that are not JSON: {exc}") from exc
    if not isinstance(args, dict):
        raise InvalidInput(f"tool call {call.id} arguments must be a JSON object")
    return args


def _model_parts(message: Message) -> list[dict[str, Any]]:
    """An assistant turn; its Gemini thought signature goes back on the part that carried it (the first function
    call when there are calls, else the last part), as the thought-signatures guide requires."""
    parts: list[dict[str, Any]] = []
    if message.content:
        parts.append({"text": message.content})
    calls: list[dict[str, Any]] = [
        {"functionCall": {"id": c.id, "name": c.name, "args": _arguments(c)}} for c in message.tool_calls
    ]
    parts += calls
    signatures = [b.signature for b in message.reasoning if b.signature and b.provider in (None, NAME)]
    if signatures and parts:
        target = calls[0] if calls else parts[-1]
        target["thoughtSignature"] = signatures[0]
    return parts or [{"text": ""}]


def build_contents(messages: Sequence[Message]) -> tuple[list[dict[str, Any]], list[str]]:
    """``contents`` (consecutive turns of one role merged) and the system texts, in order."""
    contents: list[dict[str, Any]] = []
    system: list[str] = []
    names: dict[str, str] = {}
    for message in messages:
        if message.role is Role.SYSTEM:
            system.append(message.content)
            continue
        if message.role is Role.ASSISTANT:
            role, parts = "model", _model_parts(message)
            names.update({c.id: c.name for c in message.tool_calls})
        elif message.role is Role.TOOL:
            call_id = message.tool_call_id or ""
            name = names.get(call_id) or message.name
            if not name:
                raise InvalidInput(f"tool result {call_id!r} answers no earlier tool call (Gemini needs its name)")
            response = {"id": call_id, "name": name, "response": _function_response(message.content)}
            role, parts = "user", [{"functionResponse": response}]
        else:
            role, parts = "user", [{"text": message.content}]
        if contents and contents[-1]["role"] == role:
            contents[-1]["parts"].extend(parts)
        else:
            contents.append({"role": role, "parts": parts})
    return contents, system


def thinking_config(reasoning: ReasoningConfig, model: str) -> dict[str, Any]:
    """``thinkingConfig``: a token budget (``max_tokens``, or the effort on Gemini 2.x) or a level (Gemini 3)."""
    config: dict[str, Any] = {"includeThoughts": not reasoning.exclude_from_output}
    if reasoning.max_tokens is not None:
        config["thinkingBudget"] = reasoning.max_tokens
    elif reasoning.effort is not None:
        if model.removeprefix("models/").startswith("gemini-3"):
            config["thinkingLevel"] = EFFORT_LEVELS[reasoning.effort]
        else:
            config["thinkingBudget"] = EFFORT_BUDGETS[reasoning.effort]
    return config


#: The options Gemini's API has a place for.
_ENCODED = frozenset(
    {"temperature", "top_p", "top_k", "max_tokens", "seed", "presence_penalty", "frequency_penalty", "stop"}
    | {"response_format", "reasoning", "tool_choice"}
)


def _generation_config(options: ChatOptions) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for ours, theirs in (
        ("temperature", "temperature"),
        ("top_p", "topP"),
        ("top_k", "topK"),
        ("max_tokens", "maxOutputTokens"),
        ("seed", "seed"),
        ("presence_penalty", "presencePenalty"),
        ("frequency_penalty", "frequencyPenalty"),
    ):
        value = getattr(options, ours)
        if value is not None:
            config[theirs] = value
    if options.stop:
        config["stopSequences"] = list(options.stop)
    fmt = options.response_format
    if fmt is not None and fmt.type in ("json_object", "json_schema"):
        config["responseMimeType"] = "application/json"
        if fmt.schema is not None:
            config["responseJsonSchema"] = fmt.schema
    if options.reasoning is not None:
        config["thinkingConfig"] = thinking_config(options.reasoning, options.model)
    return config


def build_body(
    messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
) -> dict[str, Any]:
    """The ``generateContent`` / ``streamGenerateContent`` request body."""
    contents, system = build_contents(messages)
    if not contents:
        raise InvalidInput("Gemini needs at least one user or assistant message besides the system instruction")
    body: dict[str, Any] = {"contents": contents}
    if system:
        body["systemInstruction"] = {"parts": [{"text": text} for text in system]}
    if tools:
        declarations = [
            {"name": t.name, "description": t.description, "parametersJsonSchema": t.parameters} for t in tools
        ]
        body["tools"] = [{"functionDeclarations": declarations}]
    choice = options.tool_choice
    if choice is not None:
        calling: dict[str, Any] = {"mode": _TOOL_CHOICE[choice.mode]}
        if choice.mode == "function" and choice.function:
            calling["allowedFunctionNames"] = [choice.function]
        body["toolConfig"] = {"functionCallingConfig": calling}
    config = _generation_config(options)
    if config:
        body["generationConfig"] = config
    # Sent only with validation = "ignore" (Gemini has no field for them): under their own name, never dropped.
    body.update(unmapped(options, _ENCODED))
    if options.raw_provider_options:
        body.update(options.raw_provider_options)
    return body


# ---- answers ----------------------------------------------------------------------------------------------------


def _int(value: Any) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else 0


def usage_from(raw: Mapping[str, Any]) -> Usage:
    """``usageMetadata`` → ours. ``candidatesTokenCount`` leaves the thoughts out; our completion counts them (and
    reports them as reasoning); ``promptTokenCount`` includes the cached tokens, as ours does."""
    prompt = _int(raw.get("promptTokenCount")) + _int(raw.get("toolUsePromptTokenCount"))
    thoughts = _int(raw.get("thoughtsTokenCount"))
    completion = _int(raw.get("candidatesTokenCount")) + thoughts
    return Usage(
        prompt_tokens=prompt,
        completion_tokens=completion,
        total_tokens=_int(raw.get("totalTokenCount")) or prompt + completion,
        reasoning_tokens=thoughts if "thoughtsTokenCount" in raw else None,
        cached_tokens=_int(raw.get("cachedContentTokenCount")) if "cachedContentTokenCount" in raw else None,
    )


def finish_reason(raw: Any, has_calls: bool) -> FinishReason:
    """Gemini says ``STOP`` after function calls too; a call makes it ``tool_calls``."""
    reason = _FINISH.get(raw, FinishReason.STOP) if isinstance(raw, str) else FinishReason.STOP
    return FinishReason.TOOL_CALLS if has_calls and reason is FinishReason.STOP else reason


def check_blocked(obj: Mapping[str, Any]) -> None:
    """A prompt blocked before any answer (``promptFeedback.blockReason``) is a :class:`ContentFiltered` error."""
    feedback = obj.get("promptFeedback")
    reason = feedback.get("blockReason") if isinstance(feedback, dict) else None
    if reason and not obj.get("candidates"):
        raise ContentFiltered(f"google: the prompt was blocked ({reason})", provider=NAME)


def new_call_id() -> str:
    """An id for a function call Gemini sent without one (the API makes ``id`` optional)."""
    return f"call_{uuid.uuid4().hex[:24]}"


def candidate(obj: Mapping[str, Any]) -> Mapping[str, Any]:
    """The first candidate (we never ask for more), or ``{}``."""
    candidates = obj.get("candidates")
    first = candidates[0] if isinstance(candidates, list) and candidates else {}
    return first if isinstance(first, dict) else {}


def parts_of(cand: Mapping[str, Any]) -> list[dict[str, Any]]:
    content = cand.get("content")
    parts = content.get("parts") if isinstance(content, dict) else None
    return [p for p in parts or [] if isinstance(p, dict)]


def tool_call_from(call: Mapping[str, Any]) -> ToolCall:
    """A ``functionCall`` part (Gemini sends each call whole, ``args`` as an object) → :class:`ToolCall`."""
    args = json.dumps(call.get("args") or {}, ensure_ascii=False)
    return ToolCall(str(call.get("id") or new_call_id()), str(call.get("name", "")), args)


def parse_response(obj: Any, *, model: str) -> ChatResponse:
    """A complete ``GenerateContentResponse`` → :class:`ChatResponse`."""
    if not isinstance(obj, dict):
        raise ResponseFormatError(f"Gemini answer is not a JSON object: {str(obj)[:200]}", provider=NAME)
    check_blocked(obj)
    cand = candidate(obj)
    content, reasoning, calls, blocks = [], [], [], []
    for part in parts_of(cand):
        signature = part.get("thoughtSignature")
        text = part.get("text")
        if part.get("thought"):
            reasoning.append(text or "")
            blocks.append(ReasoningBlock(text or "", signature=signature, provider=NAME))
            continue
        if isinstance(text, str):
            content.append(text)
        elif isinstance(part.get("functionCall"), dict):
            calls.append(tool_call_from(part["functionCall"]))
        if signature:
            blocks.append(ReasoningBlock("", signature=signature, provider=NAME))
    usage = obj.get("usageMetadata")
    return ChatResponse(
        content="".join(content),
        reasoning="".join(reasoning) or None,
        tool_calls=tuple(calls),
        usage=usage_from(usage) if isinstance(usage, dict) else None,
        finish_reason=finish_reason(cand.get("finishReason"), bool(calls)),
        model=str(obj.get("modelVersion") or model),
        provider=NAME,
        reasoning_blocks=tuple(blocks),
    )


# ---- errors -----------------------------------------------------------------------------------------------------

_TOO_LONG = re.compile(r"input token count.*exceeds the maximum.*?(\d+)|exceeds the maximum number of tokens", re.I)
_RETRY_DELAY = re.compile(r"^(\d+(?:\.\d+)?)s$")


def _retry_delay(details: Sequence[Any]) -> float | None:
    for item in details:
        if isinstance(item, dict) and str(item.get("@type", "")).endswith("google.rpc.RetryInfo"):
            match = _RETRY_DELAY.match(str(item.get("retryDelay", "")))
            if match:
                return float(match.group(1))
    return None


def classify_error(failure: HttpFailure) -> RatatoskrError | None:
    """Gemini's errors: an invalid key is a 400 with reason ``API_KEY_INVALID``; an unknown model a 404 (the chain
    moves on); a 429 carries its wait in ``RetryInfo``; "exceeds the maximum number of tokens" is a context
    overflow. Everything else goes by its status."""
    detail = failure.detail
    raw_details = detail.get("details")
    details: list[Any] = raw_details if isinstance(raw_details, list) else []
    reasons = {d.get("reason") for d in details if isinstance(d, dict)}
    status = failure.status
    if "API_KEY_INVALID" in reasons or (status == 400 and "api key not valid" in failure.message.lower()):
        return AuthenticationFailed(failure.text, provider=NAME, status=status)
    if status == 404 and failure.model and not failure.in_stream:
        return ModelNotAvailable(failure.model, provider=NAME, reason=f"Gemini does not know it ({failure.message})")
    if status in (400, 413) and (match := _TOO_LONG.search(failure.message)):
        limit = int(match.group(1)) if match.group(1) else None
        return ContextLengthExceeded(failure.text, limit=limit, provider=NAME, status=status)
    if status == 429:
        wait = parse_retry_after(failure.headers)
        return RateLimited(failure.text, retry_after=wait if wait is not None else _retry_delay(details), provider=NAME)
    return None
