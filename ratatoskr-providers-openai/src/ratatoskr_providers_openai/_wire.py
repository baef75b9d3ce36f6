"""The legacy completions endpoint and the embeddings endpoint of the OpenAI API, as JSON ↔ our types.

Completions: https://platform.openai.com/docs/api-reference/completions/create;
embeddings: https://platform.openai.com/docs/api-reference/embeddings/create.
"""

from __future__ import annotations

from typing import Any

from ratatoskr.errors import ResponseFormatError
from ratatoskr.types import GENERATE_PARAMETERS, Embedding, FinishReason, GenerateOptions, GenerateResponse
from ratatoskr.wire.openai_chat import PASSTHROUGH, finish_reason, usage_from

__all__ = ["completions_request", "completions_response", "completions_text", "embeddings_request", "embeddings_values"]

#: The generate parameters /completions carries under their own name (from GenerateOptions' fields).
_DIRECT = tuple(sorted(GENERATE_PARAMETERS & (PASSTHROUGH | {"max_tokens"})))


def completions_request(
    prompt: str, options: GenerateOptions, *, stream: bool, provider: str, stream_usage: bool = True
) -> dict[str, Any]:
    """The body of ``POST /completions``. Every option given is encoded (validation is the dispatcher's); the
    endpoint has no reasoning field, so ``reasoning`` goes as ``reasoning_effort`` (servers that know it use it,
    the others refuse the request, which then says so)."""
    body: dict[str, Any] = {"model": options.model, "prompt": prompt}
    if options.reasoning is not None and options.reasoning.effort is not None:
        body["reasoning_effort"] = options.reasoning.effort.value
    for field_name in _DIRECT:
        value = getattr(options, field_name)
        if value is not None:
            body[field_name] = value
    if options.stop is not None:
        body["stop"] = list(options.stop)
    if stream:
        body["stream"] = True
        if stream_usage:
            body["stream_options"] = {"include_usage": True}
    if options.raw_provider_options:
        body.update(options.raw_provider_options)
    return body


def completions_text(body: Any, provider: str) -> tuple[str, FinishReason | None]:
    choices = body.get("choices") if isinstance(body, dict) else None
    if not choices:
        return "", None
    choice = choices[0]
    return choice.get("text") or "", finish_reason(choice.get("finish_reason"))


def completions_response(body: Any, *, provider: str) -> GenerateResponse:
    if not isinstance(body, dict) or not body.get("choices"):
        raise ResponseFormatError(f"{provider}: completion has no choices: {str(body)[:200]}", provider=provider)
    text, reason = completions_text(body, provider)
    return GenerateResponse(
        text, usage_from(body.get("usage")), reason or FinishReason.STOP, body.get("model"), provider
    )


def embeddings_request(texts: list[str], model: str, dimensions: int | None) -> dict[str, Any]:
    body: dict[str, Any] = {"model": model, "input": texts, "encoding_format": "float"}
    if dimensions is not None:
        body["dimensions"] = dimensions
    return body


def embeddings_values(body: Any, *, expected: int, model: str, provider: str) -> list[Embedding]:
    """The vectors in input order (the API says each item's ``index``; order is not promised), with the input's
    token count when the request had one input (``usage.prompt_tokens`` counts the whole request)."""
    data = body.get("data") if isinstance(body, dict) else None
    if not isinstance(data, list) or len(data) != expected:
        count = len(data) if isinstance(data, list) else "no"
        raise ResponseFormatError(
            f"{provider}: /embeddings returned {count} vectors for {expected} inputs", provider=provider
        )
    usage = body.get("usage")
    prompt_tokens = usage.get("prompt_tokens") if isinstance(usage, dict) else None
    # The API counts the whole request: that is one input's count only when there was one input.
    tokens = prompt_tokens if expected == 1 and isinstance(prompt_tokens, int) and prompt_tokens >= 0 else None
    try:
        ordered = sorted(data, key=lambda item: item["index"])
        served = body.get("model") or model
        return [Embedding(item["embedding"], served, provider, input_tokens=tokens) for item in ordered]
    except (KeyError, TypeError) as exc:
        raise ResponseFormatError(f"{provider}: malformed /embeddings item: {exc!r}", provider=provider) from exc
