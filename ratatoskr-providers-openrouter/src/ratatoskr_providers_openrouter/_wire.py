"""OpenRouter's model list (``GET /api/v1/models``, https://openrouter.ai/docs/models) to our metadata types."""

from __future__ import annotations

from typing import Any

from ratatoskr.types.capability import Capability
from ratatoskr.types.model import ModelInfo, ModelMetadata, PricingInfo
from ratatoskr.types.parameter import ParameterAvailability, ParameterName, ParameterRange

__all__ = ["model_info", "model_metadata", "parameters_from", "price_per_mtok"]

#: OpenRouter's supported_parameters vocabulary → our parameter names.
_PARAMETER_ALIASES: dict[str, str] = {
    "temperature": "temperature",
    "top_p": "top_p",
    "top_k": "top_k",
    "max_tokens": "max_tokens",
    "frequency_penalty": "frequency_penalty",
    "presence_penalty": "presence_penalty",
    "seed": "seed",
    "stop": "stop",
    "reasoning": "reasoning",
    "include_reasoning": "reasoning",
    "response_format": "response_format",
    "structured_outputs": "response_format",
    "tool_choice": "tool_choice",
    "parallel_tool_calls": "parallel_tool_calls",
}
_RANGES: dict[str, ParameterRange] = {
    "temperature": ParameterRange(0.0, 2.0),
    "top_p": ParameterRange(0.0, 1.0),
    "top_k": ParameterRange(0.0, None),
    "frequency_penalty": ParameterRange(-2.0, 2.0),
    "presence_penalty": ParameterRange(-2.0, 2.0),
}
#: The ones a model's list can rule out (OpenRouter does not list cache_prompt: it is not ruled out).
_LISTED = frozenset(_PARAMETER_ALIASES.values())


def price_per_mtok(value: Any) -> float | None:
    """Per-token USD string (``"0.0000025"``) → USD per million tokens; ``"-1"`` (variable) → ``None``."""
    try:
        per_token = float(value)
    except (TypeError, ValueError):
        return None
    return None if per_token < 0 else round(per_token * 1_000_000, 6)


def parameters_from(supported: Any, defaults: Any = None) -> dict[ParameterName, ParameterAvailability]:
    names = {_PARAMETER_ALIASES[p] for p in supported or () if p in _PARAMETER_ALIASES}
    out: dict[ParameterName, ParameterAvailability] = {}
    for name in sorted(_LISTED):
        if name not in names:
            out[ParameterName(name)] = ParameterAvailability.unsupported()
            continue
        span = _RANGES.get(name)
        default = (defaults or {}).get(name) if isinstance(defaults, dict) else None
        if span is not None:
            out[ParameterName(name)] = ParameterAvailability.mutable(ParameterRange(span.min, span.max, default))
        else:
            out[ParameterName(name)] = ParameterAvailability.mutable()
    return out


def _capabilities(item: dict[str, Any]) -> tuple[Capability, ...]:
    architecture = item.get("architecture") or {}
    outputs = architecture.get("output_modalities") or ["text"]
    caps: list[Capability] = []
    if "text" in outputs:
        caps += [Capability.CHAT, Capability.CHAT_STREAMING, Capability.GENERATE]
    if "tools" in (item.get("supported_parameters") or ()):
        caps.append(Capability.TOOL_USE)
    if "embeddings" in outputs:
        caps.append(Capability.EMBED)
    return tuple(caps)


def model_info(item: dict[str, Any], provider: str) -> ModelInfo:
    top = item.get("top_provider") or {}
    return ModelInfo(item["id"], provider, _capabilities(item), item.get("context_length") or top.get("context_length"))


def model_metadata(item: dict[str, Any], provider: str) -> ModelMetadata:
    pricing = item.get("pricing") or {}
    prompt, completion = price_per_mtok(pricing.get("prompt")), price_per_mtok(pricing.get("completion"))
    top = item.get("top_provider") or {}
    return ModelMetadata(
        info=model_info(item, provider),
        parameters=parameters_from(item.get("supported_parameters"), item.get("default_parameters")),
        pricing=PricingInfo(prompt, completion) if prompt is not None or completion is not None else None,
        max_output_tokens=top.get("max_completion_tokens"),
    )
