"""The models list (https://ai.google.dev/api/models: ``GET /v1beta/models``, ``GET /v1beta/models/{model}``) as
:class:`~ratatoskr.types.ModelInfo` and :class:`~ratatoskr.types.ModelMetadata`. The API has no prices."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ratatoskr.types.capability import Capability
from ratatoskr.types.model import ModelInfo, ModelMetadata
from ratatoskr.types.parameter import ParameterAvailability, ParameterName, ParameterRange

from ratatoskr_providers_google._wire import NAME

__all__ = ["model_id", "model_info", "model_metadata"]

_CHAT = (
    Capability.CHAT,
    Capability.CHAT_STREAMING,
    Capability.GENERATE,
    Capability.TOOL_USE,
)
_OPAQUE = ("stop", "seed", "presence_penalty", "frequency_penalty", "response_format", "tool_choice")


def model_id(name: str) -> str:
    """``models/gemini-2.5-flash`` → ``gemini-2.5-flash``."""
    return name.removeprefix("models/")


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def model_info(raw: Mapping[str, Any]) -> ModelInfo:
    methods = set(raw.get("supportedGenerationMethods") or ())
    caps: list[Capability] = []
    if "generateContent" in methods:
        caps += _CHAT
    if methods & {"embedContent", "batchEmbedContents"}:
        caps.append(Capability.EMBED)
    if "countTokens" in methods:
        caps.append(Capability.TOKENIZE)
    window = raw.get("inputTokenLimit")
    return ModelInfo(
        model_id(str(raw.get("name", ""))),
        NAME,
        tuple(caps),
        context_window=window if isinstance(window, int) else None,
    )


def model_metadata(raw: Mapping[str, Any]) -> ModelMetadata:
    """A Model object → metadata: limits, and the sampling parameters with the ranges and defaults it states."""
    info = model_info(raw)
    most = raw.get("outputTokenLimit") if isinstance(raw.get("outputTokenLimit"), int) else None
    params: dict[ParameterName, ParameterAvailability] = {}
    if Capability.CHAT in info.capabilities:
        top = _number(raw.get("maxTemperature")) or 2.0
        params[ParameterName("temperature")] = ParameterAvailability.mutable(
            ParameterRange(0.0, top, _number(raw.get("temperature")))
        )
        params[ParameterName("top_p")] = ParameterAvailability.mutable(
            ParameterRange(0.0, 1.0, _number(raw.get("topP")))
        )
        if raw.get("topK") is not None:
            params[ParameterName("top_k")] = ParameterAvailability.mutable(
                ParameterRange(1.0, None, _number(raw["topK"]))
            )
        params[ParameterName("max_tokens")] = ParameterAvailability.mutable(
            ParameterRange(1.0, float(most) if most else None)
        )
        for name in _OPAQUE:
            params[ParameterName(name)] = ParameterAvailability.opaque()
        params[ParameterName("reasoning")] = (
            ParameterAvailability.opaque() if raw.get("thinking") else ParameterAvailability.unsupported()
        )
    return ModelMetadata(info, params, None, most)
