"""Analysis, model and preset types ⇄ the original's typed protobuf messages (chat and generate: ``_codec_chat``).

Decoding raises ``ValueError``, ``TypeError`` or ``InvalidInput``; each side maps those at its own boundary
(:func:`decoding`): a bad request is ``InvalidInput`` on the daemon, a bad response is ``ResponseFormatError`` on
the client. Unknown NLI and stance labels decode as neutral, an unknown model status as unavailable (reason
"Unknown"), a parameter availability without its kind as opaque, as the original does.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from functools import partial
from typing import Any

from ratatoskr.errors import RatatoskrError
from ratatoskr.types.capability import Capability
from ratatoskr.types.inference import ClassifyResult, Embedding, NliLabel, NliResult, StanceLabel, StanceResult, Token
from ratatoskr.types.model import ModelInfo, ModelMetadata, ModelStatus, ModelStatusKind, PricingInfo
from ratatoskr.types.parameter import ParameterAvailability, ParameterName, ParameterRange
from ratatoskr.types.preset import PresetResolution

from ratatoskr_server._codec_base import _maybe, enum_tables, fields_to_pb
from ratatoskr_server._codec_chat import _opt, preset_parameters_from_pb, preset_parameters_to_pb
from ratatoskr_server._generated import ratatoskr_pb2 as pb

#: What a malformed payload raises while it is decoded or encoded.
DECODE_ERRORS = (ValueError, TypeError, KeyError, AttributeError, OverflowError)

NLI_TO_PB, NLI_FROM_PB = enum_tables(NliLabel, "NLI_LABEL_")
STANCE_TO_PB, STANCE_FROM_PB = enum_tables(StanceLabel, "STANCE_LABEL_")
#: Capability → the proto's ModelCapability: it spells tokenize TOKEN_COUNTING (the original's name) and has no
#: metadata value (a model's metadata capability is not sent).
CAPABILITY_TO_PB: dict[Capability, Any] = {
    cap: getattr(pb, "MODEL_CAPABILITY_" + ("TOKEN_COUNTING" if cap is Capability.TOKENIZE else cap.name))
    for cap in Capability
    if cap is not Capability.METADATA
}
CAPABILITY_FROM_PB: dict[int, Capability] = {value: cap for cap, value in CAPABILITY_TO_PB.items()}
STATUS_TO_PB, STATUS_FROM_PB = enum_tables(ModelStatusKind, "MODEL_STATUS_")


@contextmanager
def decoding(error: type[RatatoskrError], what: str, **kw: Any) -> Iterator[None]:
    """Turn any decoding failure inside the block into ``error`` naming ``what`` (the one mapping point)."""
    try:
        yield
    except error:
        raise
    except (*DECODE_ERRORS, RatatoskrError) as exc:
        raise error(f"malformed {what}: {exc}", **kw) from exc


# ---- analysis -----------------------------------------------------------------------------------------------


def embed_response(e: Embedding) -> pb.EmbedResponse:
    return fields_to_pb(pb.EmbedResponse, e, dimensions=len(e.values))


def embedding(e: Embedding) -> pb.Embedding:
    return fields_to_pb(pb.Embedding, e, dimensions=len(e.values))


def embedding_from_pb(m: pb.Embedding | pb.EmbedResponse) -> Embedding:
    return Embedding(tuple(m.values), m.model, _opt(m, "provider"), m.truncated, _opt(m, "input_tokens"))


def nli(r: NliResult) -> pb.NliResponse:
    return fields_to_pb(pb.NliResponse, r, label=NLI_TO_PB[r.label])


def nli_from_pb(m: pb.NliResponse) -> NliResult:
    label = NLI_FROM_PB.get(m.label, NliLabel.NEUTRAL)
    return NliResult(
        m.entailment, m.contradiction, m.neutral, label, _opt(m, "model"), _opt(m, "provider"), m.truncated
    )


def classify(r: ClassifyResult) -> pb.ClassifyResponse:
    return fields_to_pb(pb.ClassifyResponse, r, label_order=list(r.scores))


def classify_from_pb(m: pb.ClassifyResponse) -> ClassifyResult:
    order = [label for label in m.label_order if label in m.scores]
    order += [label for label in m.scores if label not in set(order)]  # a client that sent no order
    scores = {label: m.scores[label] for label in order}
    return ClassifyResult(scores, m.top_label, m.confidence, _opt(m, "model"), _opt(m, "provider"), m.multi_label)


def stance(r: StanceResult) -> pb.StanceResponse:
    return fields_to_pb(pb.StanceResponse, r, label=STANCE_TO_PB[r.label])


def stance_from_pb(m: pb.StanceResponse) -> StanceResult:
    label = STANCE_FROM_PB.get(m.label, StanceLabel.NEUTRAL)
    return StanceResult(m.favor, m.against, m.neutral, label, m.target, _opt(m, "model"), _opt(m, "provider"))


def tokens(items: Sequence[Token]) -> pb.TokenizeResponse:
    return pb.TokenizeResponse(tokens=[pb.Token(id=t.id, text=t.text, start=t.start, end=t.end) for t in items])


def tokens_from_pb(m: pb.TokenizeResponse) -> list[Token]:
    return [Token(t.id, t.text, t.start, t.end) for t in m.tokens]


# ---- models -------------------------------------------------------------------------------------------------


def capabilities_to_pb(caps: Sequence[Capability] | frozenset[Capability]) -> list[Any]:
    return [CAPABILITY_TO_PB[cap] for cap in map(Capability, caps) if cap in CAPABILITY_TO_PB]


def capabilities_from_list(values: Sequence[int]) -> tuple[Capability, ...]:
    """Known capabilities in order; an unknown number (a newer daemon's) is skipped."""
    return tuple(CAPABILITY_FROM_PB[v] for v in values if v in CAPABILITY_FROM_PB)


def model_info(info: ModelInfo) -> pb.ModelInfo:
    return fields_to_pb(pb.ModelInfo, info, capabilities=capabilities_to_pb(info.capabilities))


def model_info_from_pb(m: pb.ModelInfo) -> ModelInfo:
    return ModelInfo(
        m.id, m.provider, capabilities_from_list(m.capabilities), _opt(m, "context_window"), _opt(m, "dimensions")
    )


def model_status(status: ModelStatus) -> pb.ModelStatusResponse:
    return pb.ModelStatusResponse(status=STATUS_TO_PB[status.kind], reason=status.reason, provider=status.provider)


def model_status_from_pb(m: pb.ModelStatusResponse) -> ModelStatus:
    kind = STATUS_FROM_PB.get(m.status)
    if kind is None:
        return ModelStatus(ModelStatusKind.UNAVAILABLE, _opt(m, "reason") or "Unknown", _opt(m, "provider"))
    return ModelStatus(kind, _opt(m, "reason"), _opt(m, "provider"))


def _availability(a: ParameterAvailability) -> pb.ProtoParameterAvailability:
    if a.availability == "mutable":
        r = a.range or ParameterRange()
        return pb.ProtoParameterAvailability(
            mutable_range=pb.ProtoParameterRange(min=r.min, max=r.max, default_value=r.default)
        )
    if a.availability == "read_only":
        return pb.ProtoParameterAvailability(read_only_json=json.dumps(a.value, ensure_ascii=False))
    if a.availability == "unsupported":
        return pb.ProtoParameterAvailability(unsupported=True)
    return pb.ProtoParameterAvailability(opaque=True)


def _availability_from_pb(m: pb.ProtoParameterAvailability) -> ParameterAvailability:
    which = m.WhichOneof("kind")
    if which == "mutable_range":
        r = m.mutable_range
        return ParameterAvailability.mutable(ParameterRange(_opt(r, "min"), _opt(r, "max"), _opt(r, "default_value")))
    if which == "read_only_json":
        return ParameterAvailability.read_only(json.loads(m.read_only_json))
    if which == "unsupported":
        return ParameterAvailability.unsupported()
    return ParameterAvailability.opaque()  # a missing kind is opaque, as in the original


def metadata_to_pb(md: ModelMetadata) -> pb.ProtoModelMetadata:
    return pb.ProtoModelMetadata(
        info=model_info(md.info),
        parameters=[pb.ParameterEntry(name=k, availability=_availability(v)) for k, v in md.parameters.items()],
        pricing=_maybe(md.pricing, partial(fields_to_pb, pb.ProtoPricingInfo)),
        max_output_tokens=md.max_output_tokens,
    )


def metadata_from_pb_message(m: pb.ProtoModelMetadata) -> ModelMetadata:
    pricing = None
    if m.HasField("pricing"):
        pricing = PricingInfo(
            *(_opt(m.pricing, f"{part}_cost_per_mtok") for part in ("prompt", "completion", "cached", "reasoning"))
        )
    return ModelMetadata(
        info=model_info_from_pb(m.info),
        parameters={ParameterName(p.name): _availability_from_pb(p.availability) for p in m.parameters},
        pricing=pricing,
        max_output_tokens=_opt(m, "max_output_tokens"),
    )


def metadata(found: ModelMetadata | None) -> pb.ModelMetadataResponse:
    if found is None:
        return pb.ModelMetadataResponse(found=False)
    return pb.ModelMetadataResponse(found=True, metadata=metadata_to_pb(found))


def metadata_from_pb(m: pb.ModelMetadataResponse) -> ModelMetadata | None:
    return metadata_from_pb_message(m.metadata) if m.found and m.HasField("metadata") else None


def capabilities(caps: frozenset[Capability]) -> pb.CapabilitiesResponse:
    return pb.CapabilitiesResponse(capabilities=sorted(capabilities_to_pb(caps)))


def capabilities_from_pb(m: pb.CapabilitiesResponse) -> frozenset[Capability]:
    return frozenset(capabilities_from_list(m.capabilities))


# ---- presets ------------------------------------------------------------------------------------------------


def preset(found: PresetResolution | None) -> pb.ResolvePresetResponse:
    if found is None:
        return pb.ResolvePresetResponse(found=False)
    parameters = None if found.parameters is None else preset_parameters_to_pb(found.parameters)
    return pb.ResolvePresetResponse(found=True, model_id=found.model, parameters=parameters)


def preset_from_pb(m: pb.ResolvePresetResponse) -> PresetResolution | None:
    if not m.found:
        return None
    parameters = preset_parameters_from_pb(m.parameters) if m.HasField("parameters") else None
    return PresetResolution(m.model_id, parameters)


def presets(table: Mapping[str, frozenset[str]]) -> pb.ListPresetsResponse:
    return pb.ListPresetsResponse(
        tiers=[pb.PresetTierEntry(tier=tier, capabilities=sorted(caps)) for tier, caps in sorted(table.items())]
    )


def presets_from_pb(m: pb.ListPresetsResponse) -> dict[str, frozenset[str]]:
    return {t.tier: frozenset(t.capabilities) for t in m.tiers}
