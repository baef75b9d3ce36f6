"""A message over the gRPC size limit is a permanent RequestTooLarge (never Overloaded, which callers retry), and
a body that is not protobuf is INVALID_ARGUMENT with nothing logged: both against a real ratd on 127.0.0.1."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import anyio.to_thread
import grpc
import pytest
from ratatoskr import errors as E
from ratatoskr_server import ServiceClient
from ratatoskr_server.config import ServerConfig
from ratatoskr_server.errors import from_rpc_error
from ratatoskr_server.server import ServerThread

from .conftest import make_gateway

BIG = "x" * (2 * 1024 * 1024)  # over the 1 MB limit below
GARBAGE = b"\xff\xff\xff\xff not a protobuf message"


@pytest.fixture(scope="module")
def small_daemon() -> Iterator[ServerThread]:
    config = ServerConfig(address="127.0.0.1:0", max_message_mb=1)
    with ServerThread(make_gateway(), config) as server:
        yield server


async def test_a_request_over_the_daemons_limit_is_request_too_large(small_daemon: ServerThread) -> None:
    async with ServiceClient(small_daemon.address, timeout=10, max_message_mb=64) as client:
        with pytest.raises(E.RequestTooLarge, match="larger than max") as info:
            await client.embed(BIG, "demo:m")
        assert not info.value.is_transient and not info.value.moves_on
        assert "max_message_mb" in str(info.value)
        assert (await client.health()).healthy  # the daemon goes on


async def test_a_request_over_the_clients_own_limit_is_request_too_large(small_daemon: ServerThread) -> None:
    async with ServiceClient(small_daemon.address, timeout=10, max_message_mb=1) as client:
        with pytest.raises(E.RequestTooLarge):
            await client.embed_batch([BIG], "demo:m")
        assert (await client.embed("small", "demo:m")).provider == "demo"


@pytest.mark.parametrize(
    ("method", "streaming"),
    [("Embed", False), ("Health", False), ("ChatStream", True), ("Chat", False)],
)
async def test_undecodable_protobuf_is_invalid_argument_without_a_traceback(
    small_daemon: ServerThread, caplog: pytest.LogCaptureFixture, method: str, streaming: bool
) -> None:
    channel = grpc.insecure_channel(small_daemon.address)
    path = f"/ratatoskr.v1.Ratatoskr/{method}"
    # No serializers: the raw bytes go on the wire as the request body.
    call = channel.unary_stream(path) if streaming else channel.unary_unary(path)
    try:
        with caplog.at_level(logging.INFO), pytest.raises(grpc.RpcError) as info:
            await anyio.to_thread.run_sync(lambda: list(call(GARBAGE, timeout=10)) if streaming else call(GARBAGE))
    finally:
        channel.close()
    assert info.value.code() is grpc.StatusCode.INVALID_ARGUMENT, info.value.details()
    assert "not a valid" in (info.value.details() or "")
    error = from_rpc_error(info.value, method)
    assert type(error) is E.InvalidInput
    logged = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert logged == [], [r.getMessage() for r in logged]
    async with ServiceClient(small_daemon.address, timeout=10) as client:
        assert (await client.health()).healthy
