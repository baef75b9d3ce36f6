"""Errors cross the wire as the same class with the same fields; bad input and dropped clients do not hurt ratd."""

from __future__ import annotations

from typing import Any

import anyio
import anyio.to_thread
import grpc
import pytest
from ratatoskr import errors as E
from ratatoskr.gateway import EmbeddedGateway
from ratatoskr.types import ChatOptions, Message
from ratatoskr_server import ServiceClient
from ratatoskr_server._generated import ratatoskr_pb2 as pb
from ratatoskr_server._generated import ratatoskr_pb2_grpc as pb_grpc
from ratatoskr_server.errors import from_rpc_error, status_code, to_status
from ratatoskr_server.server import ServerThread

NAMES = [
    "ModelNotAvailable",
    "RateLimited",
    "InvalidInput",
    "UnsupportedParameter",
    "NoProvider",
    "AuthenticationFailed",
    "PaymentRequired",
    "PermissionDenied",
    "ContentFiltered",
    "ContextLengthExceeded",
    "RequestTooLarge",
    "ModelNotFound",
    "PresetNotFound",
    "CapabilityNotSupported",
    "ConfigurationError",
    "ApiError",
    "Overloaded",
    "TransportError",
    "RequestTimeout",
    "StreamError",
    "ResponseFormatError",
    "EmptyResponse",
]

#: The original daemon's codes, which its clients map back (UNAVAILABLE is ModelNotAvailable there, INTERNAL is
#: a transient Http error).
CODES = {
    "ModelNotAvailable": grpc.StatusCode.UNAVAILABLE,
    "ModelNotFound": grpc.StatusCode.NOT_FOUND,
    "ContentFiltered": grpc.StatusCode.PERMISSION_DENIED,
    "Overloaded": grpc.StatusCode.RESOURCE_EXHAUSTED,
    "TransportError": grpc.StatusCode.INTERNAL,
    "StreamError": grpc.StatusCode.INTERNAL,
    "EmptyResponse": grpc.StatusCode.INTERNAL,
    "RateLimited": grpc.StatusCode.RESOURCE_EXHAUSTED,
    "InvalidInput": grpc.StatusCode.INVALID_ARGUMENT,
    "UnsupportedParameter": grpc.StatusCode.INVALID_ARGUMENT,
    "NoProvider": grpc.StatusCode.FAILED_PRECONDITION,
    "AuthenticationFailed": grpc.StatusCode.UNAUTHENTICATED,
    "ContextLengthExceeded": grpc.StatusCode.OUT_OF_RANGE,
    "CapabilityNotSupported": grpc.StatusCode.UNIMPLEMENTED,
    "ApiError": grpc.StatusCode.INTERNAL,  # status 502: transient, which the original's client retries
    "RequestTimeout": grpc.StatusCode.DEADLINE_EXCEEDED,
}


async def _raised(call: Any) -> BaseException:
    with pytest.raises(E.RatatoskrError) as info:
        await call
    return info.value


@pytest.mark.parametrize("name", NAMES)
async def test_each_error_class_comes_back_as_itself(
    name: str, client: ServiceClient, direct: EmbeddedGateway, errors: dict[str, BaseException]
) -> None:
    remote = await _raised(client.embed(name, "errors:boom"))
    local = await _raised(direct.embed(name, "errors:boom"))
    assert type(remote) is type(local) is type(errors[name])
    assert str(remote) == str(local)
    assert vars(remote) == vars(local)
    assert (remote.retry_after, remote.is_transient, remote.moves_on) == (
        local.retry_after,
        local.is_transient,
        local.moves_on,
    )
    if name in CODES:
        assert status_code(local) is CODES[name]


async def test_rate_limited_keeps_retry_after(client: ServiceClient) -> None:
    error = await _raised(client.embed("RateLimited", "errors:boom"))
    assert isinstance(error, E.RateLimited) and error.retry_after == 1.5 and error.provider == "errors"


async def test_unknown_error_class_comes_back_as_nearest_known_base(client: ServiceClient) -> None:
    error = await _raised(client.embed("PluginError", "errors:boom"))
    assert type(error) is E.ProviderError
    assert (str(error), error.provider, error.status) == ("a plugin's own error", "errors", 418)


async def test_provider_bug_is_internal_and_the_daemon_goes_on(client: ServiceClient) -> None:
    error = await _raised(client.embed("bug", "errors:boom"))
    assert isinstance(error, E.RatatoskrError)
    assert "a provider bug" in str(error)
    assert (await client.embed("still alive", "demo:m")).provider == "demo"


async def test_real_gateway_errors_map_too(client: ServiceClient) -> None:
    assert isinstance(await _raised(client.embed("", "m")), E.InvalidInput)
    assert isinstance(await _raised(client.chat([], None, ChatOptions(model="m"))), E.InvalidInput)
    # no options: the daemon's default chat model, which no provider here serves (never the demo)
    unserved = await _raised(client.chat([Message.user("hi")], None, None))
    assert isinstance(unserved, E.AllProvidersFailed) and "no provider served chat model" in str(unserved)


def test_raw_status_and_metadata_for_other_clients() -> None:
    code, details, metadata = to_status(E.RateLimited("slow", retry_after=2.0, provider="p"))
    table = dict(metadata)
    # The original's wording, which its client parses for the delay; the message travels in the metadata.
    assert code is grpc.StatusCode.RESOURCE_EXHAUSTED and details == "Rate limited, retry after 2s"
    assert table["ratatoskr-error-class"] == "RateLimited"
    assert table["ratatoskr-error-bases"] == "ProviderError,RatatoskrError"
    assert table["ratatoskr-retry-after"] == "2.0"
    assert to_status(E.RateLimited("slow", retry_after=0.25))[1] == "Rate limited, retry after 250ms"
    assert to_status(E.ModelNotFound("gpt-9"))[:2] == (grpc.StatusCode.NOT_FOUND, "Model not found: gpt-9")
    assert to_status(E.CapabilityNotSupported("tokenize"))[1] == "Not implemented: tokenize"
    code, details, _ = to_status(E.ContextLengthExceeded("too long for 2 reasons", limit=8192))
    assert code is grpc.StatusCode.OUT_OF_RANGE and details.endswith("8192 tokens")


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        (grpc.StatusCode.UNAVAILABLE, E.TransportError),
        (grpc.StatusCode.DEADLINE_EXCEEDED, E.RequestTimeout),
        (grpc.StatusCode.RESOURCE_EXHAUSTED, E.Overloaded),
        (grpc.StatusCode.UNIMPLEMENTED, E.CapabilityNotSupported),
        (grpc.StatusCode.INTERNAL, E.ProviderError),
    ],
)
def test_status_without_metadata_maps_by_code(code: grpc.StatusCode, expected: type) -> None:
    class Bare(grpc.RpcError):
        def code(self) -> grpc.StatusCode:
            return code

        def details(self) -> str:
            return "no metadata here"

        def trailing_metadata(self) -> tuple[()]:
            return ()

    error = from_rpc_error(Bare(), "Embed")
    assert type(error) is expected


async def test_unreachable_daemon_is_a_transport_error() -> None:
    with pytest.raises(E.TransportError):
        await ServiceClient.connect("127.0.0.1:1", wait=2)


async def test_malformed_request_is_invalid_argument(daemon: ServerThread, client: ServiceClient) -> None:
    channel = grpc.insecure_channel(daemon.address)
    stub = pb_grpc.RatatoskrStub(channel)
    user = pb.Message(role=pb.ROLE_USER, content="x")
    bad = [
        pb.ChatRequest(messages=[user], options=pb.ChatOptions(model="m", raw_provider_options="{not json")),
        pb.ChatRequest(messages=[user], options=pb.ChatOptions(model="m", raw_provider_options="[1]")),
        pb.ChatRequest(messages=[user], options=pb.ChatOptions(model="m", top_p=9)),
        pb.ChatRequest(messages=[user], options=pb.ChatOptions(model="")),
        pb.ChatRequest(messages=[pb.Message(role=pb.ROLE_TOOL, content="x")], options=pb.ChatOptions(model="m")),
        pb.ChatRequest(messages=[user], tools=[pb.ToolDefinition(name="")], options=pb.ChatOptions(model="m")),
        pb.ChatRequest(
            messages=[user], tools=[pb.ToolDefinition(name="f", parameters_json="{")], options=pb.ChatOptions(model="m")
        ),
        pb.ChatRequest(
            messages=[user],
            options=pb.ChatOptions(model="m", response_format=pb.ResponseFormat(json_schema="nope")),
        ),
    ]
    try:
        for request in bad:
            with pytest.raises(grpc.RpcError) as info:
                await anyio.to_thread.run_sync(stub.Chat, request)
            assert info.value.code() is grpc.StatusCode.INVALID_ARGUMENT, info.value.details()
            assert type(from_rpc_error(info.value, "Chat")) is E.InvalidInput
            with pytest.raises(grpc.RpcError) as info:
                await anyio.to_thread.run_sync(lambda r=request: list(stub.ChatStream(r)))
            assert info.value.code() is grpc.StatusCode.INVALID_ARGUMENT
        generate = pb.GenerateRequest(prompt="p", options=pb.GenerateOptions(model="m", raw_provider_options="1"))
        with pytest.raises(grpc.RpcError) as info:
            await anyio.to_thread.run_sync(stub.Generate, generate)
        assert info.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    finally:
        channel.close()
    assert (await client.health()).healthy  # still serving


async def test_mid_stream_error_ends_the_stream_with_its_status(client: ServiceClient) -> None:
    seen = []
    with pytest.raises(E.StreamError, match="dropped mid-stream") as info:
        async for event in client.chat_stream([Message.user("fail midway")], None, ChatOptions(model="scripted")):
            seen.append(event)
    assert [e.text for e in seen] == ["partial"]
    assert info.value.provider == "scripted"


async def test_client_that_leaves_mid_stream_ends_the_rpc(client: ServiceClient, script: Any) -> None:
    stream = client.chat_stream([Message.user("go")], None, ChatOptions(model="endless"))
    async for event in stream:
        assert event.text == "first"
        break
    await stream.aclose()  # type: ignore[attr-defined]
    # The daemon cancels the handler, which closes the provider's stream.
    assert await anyio.to_thread.run_sync(script.stream_closed.wait, 10)
    assert (await client.embed("after", "demo:m")).provider == "demo"


async def test_cancelled_caller_cancels_the_stream(client: ServiceClient, script: Any) -> None:
    async def consume() -> None:
        async for _ in client.chat_stream([Message.user("go")], None, ChatOptions(model="endless")):
            pass

    async with anyio.create_task_group() as tg:
        tg.start_soon(consume)
        await anyio.to_thread.run_sync(script.stream_started.wait, 10)
        tg.cancel_scope.cancel()
    assert await anyio.to_thread.run_sync(script.stream_closed.wait, 10)
    assert (await client.health()).healthy
