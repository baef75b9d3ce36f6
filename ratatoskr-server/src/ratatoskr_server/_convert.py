"""Ratatoskr types ⇄ protobuf messages, used by both the daemon and ``ServiceClient``.

Chat/generate shapes, model metadata and preset resolutions go as JSON written and read by ``ratatoskr.serde``
(see the header of ``ratatoskr.proto`` for why); flat records are typed fields. Decoding raises ``ValueError``,
``TypeError`` or ``InvalidInput``; each side maps those at its own boundary (:func:`decoding`): a bad request is
``InvalidInput`` on the daemon, a bad response is ``ResponseFormatError`` on the client.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, TypeVar

from ratatoskr import serde
from ratatoskr.errors import RatatoskrError
from ratatoskr.types import (
    ChatEvent,
    ChatOptions,
    ChatResponse,
    ClassifyResult,
    Embedding,
    GenerateEvent,
    GenerateOptions,
    GenerateResponse,
    Message,
    ModelCapability,
    ModelInfo,
    ModelMetadata,
    ModelStatus,
    NliResult,
    PresetResolution,
    StanceResult,
    Token,
    ToolDefinition,
)

from ratatoskr_server._generated import ratatoskr_pb2 as pb

T = TypeVar("T")

#: What a malformed payload raises while it is decoded.
DECODE_ERRORS = (ValueError, TypeError, KeyError, AttributeError)


@contextmanager
def decoding(error: type[RatatoskrError], what: str, **kw: Any) -> Iterator[None]:
    """Turn any decoding failure inside the block into ``error`` naming ``what`` (the one mapping point)."""
    try:
        yield
    except error:
        raise
    except (*DECODE_ERRORS, RatatoskrError) as exc:
        raise error(f"malformed {what}: {exc}", **kw) from exc


# ---- JSON payloads ----------------------------------------------------------------------------------------


def dumps(obj: Any) -> str:
    return json.dumps(serde.unstructure(obj), ensure_ascii=False, separators=(",", ":"))


def loads(text: str, cls: type[T]) -> T:
    result: T = serde.structure(json.loads(text), cls)
    return result


def _load_list(text: str, cls: type[T], what: str) -> list[T]:
    value = json.loads(text)
    if not isinstance(value, list):
        raise TypeError(f"{what} must be a JSON array, got {type(value).__name__}")
    return [serde.structure(item, cls) for item in value]


def chat_request(
    messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions | None
) -> pb.ChatRequest:
    return pb.ChatRequest(
        messages_json=json.dumps([serde.unstructure(m) for m in messages], ensure_ascii=False),
        tools_json="" if tools is None else json.dumps([serde.unstructure(t) for t in tools], ensure_ascii=False),
        options_json="" if options is None else dumps(options),
    )


def chat_args(
    request: pb.ChatRequest,
) -> tuple[list[Message], list[ToolDefinition] | None, ChatOptions | None]:
    messages = _load_list(request.messages_json or "[]", Message, "messages_json")
    tools = _load_list(request.tools_json, ToolDefinition, "tools_json") if request.tools_json else None
    options = loads(request.options_json, ChatOptions) if request.options_json else None
    return messages, tools, options


def generate_request(prompt: str, options: GenerateOptions | None) -> pb.GenerateRequest:
    return pb.GenerateRequest(prompt=prompt, options_json="" if options is None else dumps(options))


def _generate_options(text: str) -> GenerateOptions:
    value = json.loads(text)
    if not isinstance(value, dict):
        raise TypeError(f"options_json must be a JSON object, got {type(value).__name__}")
    options: GenerateOptions = serde.structure(value, GenerateOptions)
    return options


def generate_args(request: pb.GenerateRequest) -> tuple[str, GenerateOptions | None]:
    return request.prompt, _generate_options(request.options_json) if request.options_json else None


def chat_response(response: ChatResponse) -> pb.ChatResponse:
    return pb.ChatResponse(response_json=dumps(response))


def generate_response(response: GenerateResponse) -> pb.GenerateResponse:
    return pb.GenerateResponse(response_json=dumps(response))


def _event_fields(event: Any) -> dict[str, str]:
    value = serde.event_to_json(event)
    data = json.dumps(value["data"], ensure_ascii=False) if "data" in value else ""
    return {"type": value["type"], "data_json": data}


def chat_event(event: ChatEvent) -> pb.ChatEvent:
    return pb.ChatEvent(**_event_fields(event))


def generate_event(event: GenerateEvent) -> pb.GenerateEvent:
    return pb.GenerateEvent(**_event_fields(event))


def event_from_pb(message: pb.ChatEvent | pb.GenerateEvent, *, generate: bool = False) -> Any:
    value: dict[str, Any] = {"type": message.type}
    if message.data_json:
        value["data"] = json.loads(message.data_json)
    return serde.event_from_json(value, generate=generate)


# ---- typed records ----------------------------------------------------------------------------------------


def _opt(message: Any, name: str) -> Any:
    return getattr(message, name) if message.HasField(name) else None


def embedding(e: Embedding) -> pb.Embedding:
    return pb.Embedding(values=e.values, model=e.model, provider=e.provider, truncated=e.truncated)


def embedding_from_pb(m: pb.Embedding) -> Embedding:
    return Embedding(tuple(m.values), m.model, _opt(m, "provider"), m.truncated)


def nli(r: NliResult) -> pb.NliResult:
    return pb.NliResult(
        entailment=r.entailment,
        contradiction=r.contradiction,
        neutral=r.neutral,
        label=r.label.value,
        model=r.model,
        provider=r.provider,
        truncated=r.truncated,
    )


def nli_from_pb(m: pb.NliResult) -> NliResult:
    return NliResult(
        m.entailment, m.contradiction, m.neutral, m.label, _opt(m, "model"), _opt(m, "provider"), m.truncated
    )


def classify(r: ClassifyResult) -> pb.ClassifyResult:
    return pb.ClassifyResult(
        scores=[pb.LabelScore(label=k, score=v) for k, v in r.scores.items()],
        top_label=r.top_label,
        confidence=r.confidence,
        model=r.model,
        provider=r.provider,
        multi_label=r.multi_label,
    )


def classify_from_pb(m: pb.ClassifyResult) -> ClassifyResult:
    scores = {s.label: s.score for s in m.scores}
    return ClassifyResult(scores, m.top_label, m.confidence, _opt(m, "model"), _opt(m, "provider"), m.multi_label)


def stance(r: StanceResult) -> pb.StanceResult:
    return pb.StanceResult(
        favor=r.favor,
        against=r.against,
        neutral=r.neutral,
        label=r.label.value,
        target=r.target,
        model=r.model,
        provider=r.provider,
    )


def stance_from_pb(m: pb.StanceResult) -> StanceResult:
    return StanceResult(m.favor, m.against, m.neutral, m.label, m.target, _opt(m, "model"), _opt(m, "provider"))


def tokens(items: Sequence[Token]) -> pb.TokenizeResponse:
    return pb.TokenizeResponse(tokens=[pb.Token(id=t.id, text=t.text, start=t.start, end=t.end) for t in items])


def tokens_from_pb(m: pb.TokenizeResponse) -> list[Token]:
    return [Token(t.id, t.text, t.start, t.end) for t in m.tokens]


def model_info(info: ModelInfo) -> pb.ModelInfo:
    return pb.ModelInfo(
        id=info.id,
        provider=info.provider,
        capabilities=[c.value for c in info.capabilities],
        context_window=info.context_window,
        dimensions=info.dimensions,
    )


def model_info_from_pb(m: pb.ModelInfo) -> ModelInfo:
    return ModelInfo(
        m.id,
        m.provider,
        tuple(ModelCapability(c) for c in m.capabilities),
        _opt(m, "context_window"),
        _opt(m, "dimensions"),
    )


def model_status(status: ModelStatus) -> pb.ModelStatusResponse:
    return pb.ModelStatusResponse(kind=status.kind.value, reason=status.reason, provider=status.provider)


def model_status_from_pb(m: pb.ModelStatusResponse) -> ModelStatus:
    return ModelStatus(m.kind, _opt(m, "reason"), _opt(m, "provider"))


def metadata(found: ModelMetadata | None) -> pb.ModelMetadataResponse:
    if found is None:
        return pb.ModelMetadataResponse(found=False)
    return pb.ModelMetadataResponse(found=True, metadata_json=dumps(found))


def metadata_from_pb(m: pb.ModelMetadataResponse) -> ModelMetadata | None:
    return loads(m.metadata_json, ModelMetadata) if m.found else None


def capabilities(caps: frozenset[ModelCapability]) -> pb.CapabilitiesResponse:
    return pb.CapabilitiesResponse(capabilities=sorted(c.value for c in caps))


def capabilities_from_pb(m: pb.CapabilitiesResponse) -> frozenset[ModelCapability]:
    return frozenset(ModelCapability(c) for c in m.capabilities)


def preset(found: PresetResolution | None) -> pb.ResolvePresetResponse:
    if found is None:
        return pb.ResolvePresetResponse(found=False)
    return pb.ResolvePresetResponse(found=True, resolution_json=dumps(found))


def preset_from_pb(m: pb.ResolvePresetResponse) -> PresetResolution | None:
    return loads(m.resolution_json, PresetResolution) if m.found else None


def presets(table: Mapping[str, frozenset[str]]) -> pb.ListPresetsResponse:
    return pb.ListPresetsResponse(
        tiers=[pb.PresetTier(tier=tier, capabilities=sorted(caps)) for tier, caps in sorted(table.items())]
    )


def presets_from_pb(m: pb.ListPresetsResponse) -> dict[str, frozenset[str]]:
    return {t.tier: frozenset(t.capabilities) for t in m.tiers}
