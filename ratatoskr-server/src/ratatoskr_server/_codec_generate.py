"""Generate options, responses and stream events, and preset parameters ⇄ ``ratatoskr.v1`` messages."""

from __future__ import annotations

from ratatoskr.types import (
    GenerateDone,
    GenerateEvent,
    GenerateOptions,
    GenerateResponse,
    PresetParameters,
    TextEvent,
)

from ratatoskr_server._codec_base import (
    FINISH_TO_PB,
    _maybe,
    _opt,
    _opt_f32,
    _part,
    _raw,
    _raw_from,
    finish_from_pb,
    reasoning_from_pb,
    reasoning_to_pb,
    response_format_from_pb,
    response_format_to_pb,
    tool_choice_from_pb,
    tool_choice_to_pb,
    usage_from_pb,
    usage_to_pb,
)
from ratatoskr_server._generated import ratatoskr_pb2 as pb


def generate_options_to_pb(o: GenerateOptions) -> pb.GenerateOptions:
    return pb.GenerateOptions(
        model=o.model,
        max_tokens=o.max_tokens,
        temperature=o.temperature,
        top_p=o.top_p,
        stop_sequences=o.stop or (),
        top_k=o.top_k,
        frequency_penalty=o.frequency_penalty,
        presence_penalty=o.presence_penalty,
        seed=o.seed,
        reasoning=_maybe(o.reasoning, reasoning_to_pb),
        raw_provider_options=_raw(o.raw_provider_options),
    )


def generate_options_from_pb(m: pb.GenerateOptions) -> GenerateOptions:
    return GenerateOptions(
        model=m.model,
        max_tokens=_opt(m, "max_tokens"),
        temperature=_opt_f32(m, "temperature"),
        top_p=_opt_f32(m, "top_p"),
        top_k=_opt(m, "top_k"),
        stop=list(m.stop_sequences) or None,
        frequency_penalty=_opt_f32(m, "frequency_penalty"),
        presence_penalty=_opt_f32(m, "presence_penalty"),
        seed=_opt(m, "seed"),
        reasoning=_part(m, "reasoning", reasoning_from_pb),
        raw_provider_options=_raw_from(m),
    )


def generate_request(prompt: str, options: GenerateOptions | None) -> pb.GenerateRequest:
    return pb.GenerateRequest(prompt=prompt, options=_maybe(options, generate_options_to_pb))


def generate_args(request: pb.GenerateRequest) -> tuple[str, GenerateOptions | None]:
    return request.prompt, _part(request, "options", generate_options_from_pb)


def preset_parameters_to_pb(p: PresetParameters) -> pb.ProtoPresetParameters:
    return pb.ProtoPresetParameters(
        temperature=p.temperature,
        top_p=p.top_p,
        top_k=p.top_k,
        max_tokens=p.max_tokens,
        frequency_penalty=p.frequency_penalty,
        presence_penalty=p.presence_penalty,
        seed=p.seed,
        stop=p.stop or (),
        reasoning=_maybe(p.reasoning, reasoning_to_pb),
        tool_choice=_maybe(p.tool_choice, tool_choice_to_pb),
        parallel_tool_calls=p.parallel_tool_calls,
        response_format=_maybe(p.response_format, response_format_to_pb),
        cache_prompt=p.cache_prompt,
        raw_provider_options=_raw(p.raw_provider_options),
    )


def preset_parameters_from_pb(m: pb.ProtoPresetParameters) -> PresetParameters:
    return PresetParameters(
        temperature=_opt_f32(m, "temperature"),
        top_p=_opt_f32(m, "top_p"),
        top_k=_opt(m, "top_k"),
        max_tokens=_opt(m, "max_tokens"),
        frequency_penalty=_opt_f32(m, "frequency_penalty"),
        presence_penalty=_opt_f32(m, "presence_penalty"),
        seed=_opt(m, "seed"),
        stop=tuple(m.stop) or None,
        reasoning=_part(m, "reasoning", reasoning_from_pb),
        tool_choice=_part(m, "tool_choice", tool_choice_from_pb),
        parallel_tool_calls=_opt(m, "parallel_tool_calls"),
        response_format=_part(m, "response_format", response_format_from_pb),
        cache_prompt=_opt(m, "cache_prompt"),
        raw_provider_options=_raw_from(m),
    )


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
