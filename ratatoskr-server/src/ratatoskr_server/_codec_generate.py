"""Generate options, responses and stream events, and preset parameters ⇄ ``ratatoskr.v1`` messages."""

from __future__ import annotations

from ratatoskr.types.generate import GenerateDone, GenerateEvent, GenerateOptions, GenerateResponse, TextEvent
from ratatoskr.types.preset import PresetParameters

from ratatoskr_server._codec_base import (
    FINISH_TO_PB,
    _maybe,
    _opt,
    _part,
    chat_parts_from_pb,
    chat_parts_to_pb,
    finish_from_pb,
    sampling_from_pb,
    sampling_to_pb,
    usage_from_pb,
    usage_to_pb,
)
from ratatoskr_server._generated import ratatoskr_pb2 as pb


def generate_options_to_pb(o: GenerateOptions) -> pb.GenerateOptions:
    return pb.GenerateOptions(model=o.model, stop_sequences=o.stop or (), **sampling_to_pb(o))


def generate_options_from_pb(m: pb.GenerateOptions) -> GenerateOptions:
    return GenerateOptions(model=m.model, stop=list(m.stop_sequences) or None, **sampling_from_pb(m))


def generate_request(prompt: str, options: GenerateOptions | None) -> pb.GenerateRequest:
    return pb.GenerateRequest(prompt=prompt, options=_maybe(options, generate_options_to_pb))


def generate_args(request: pb.GenerateRequest) -> tuple[str, GenerateOptions | None]:
    return request.prompt, _part(request, "options", generate_options_from_pb)


def preset_parameters_to_pb(p: PresetParameters) -> pb.ProtoPresetParameters:
    return pb.ProtoPresetParameters(stop=p.stop or (), **sampling_to_pb(p), **chat_parts_to_pb(p))


def preset_parameters_from_pb(m: pb.ProtoPresetParameters) -> PresetParameters:
    return PresetParameters(stop=tuple(m.stop) or None, **sampling_from_pb(m), **chat_parts_from_pb(m))


def generate_response(r: GenerateResponse) -> pb.GenerateResponse:
    return pb.GenerateResponse(
        text=r.text,
        usage=_maybe(r.usage, usage_to_pb),
        model=r.model,
        finish_reason=FINISH_TO_PB[r.finish_reason],
        provider=r.provider,
    )


def generate_response_from_pb(m: pb.GenerateResponse) -> GenerateResponse:
    return GenerateResponse(
        m.text, _part(m, "usage", usage_from_pb), finish_from_pb(m.finish_reason), _opt(m, "model"), _opt(m, "provider")
    )


def generate_event(event: GenerateEvent) -> pb.GenerateEvent:
    if isinstance(event, TextEvent):
        return pb.GenerateEvent(text=event.text)
    finish = None if event.finish_reason is None else FINISH_TO_PB[event.finish_reason]
    return pb.GenerateEvent(
        done=True,
        finish_reason=finish,
        usage=_maybe(event.usage, usage_to_pb),
        model=event.model,
        provider=event.provider,
    )


def generate_event_from_pb(m: pb.GenerateEvent) -> GenerateEvent:
    if m.WhichOneof("event") == "text":
        return TextEvent(m.text)
    finish = finish_from_pb(m.finish_reason) if m.HasField("finish_reason") else None
    return GenerateDone(finish, _part(m, "usage", usage_from_pb), _opt(m, "model"), _opt(m, "provider"))
