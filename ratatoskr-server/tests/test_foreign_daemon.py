"""Replies a Python ratd never sends but the original daemon (or another server on the same proto) may: the client
maps them as the original's client does. The server is a real gRPC server on loopback with a hand-written servicer."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent import futures
from typing import Any

import grpc
import pytest
from ratatoskr import errors as E
from ratatoskr_server import ServiceClient
from ratatoskr_server._generated import ratatoskr_pb2 as pb
from ratatoskr_server._generated import ratatoskr_pb2_grpc as pb_grpc


class Foreign(pb_grpc.RatatoskrServicer):
    """Knows no model: metadata lookups answer ``found=false``."""

    def GetModelMetadata(self, request: pb.ModelMetadataRequest, context: Any) -> pb.ModelMetadataResponse:
        return pb.ModelMetadataResponse(found=False)

    def FetchModelMetadata(self, request: pb.ModelMetadataRequest, context: Any) -> pb.ModelMetadataResponse:
        return pb.ModelMetadataResponse(found=False)


@pytest.fixture(scope="module")
def foreign() -> Iterator[str]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    pb_grpc.add_RatatoskrServicer_to_server(Foreign(), server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.stop(None).wait()


async def test_fetch_model_metadata_found_false_is_model_not_available(foreign: str) -> None:
    async with ServiceClient(foreign, timeout=10) as client:
        with pytest.raises(E.ModelNotAvailable) as info:
            await client.fetch_model_metadata("some/model")
        assert info.value.model == "some/model" and info.value.provider == "ratd"
        assert "found=false" in str(info.value)
        assert info.value.moves_on  # like any ModelNotAvailable: a fallback chain tries the next provider
        # GetModelMetadata's found=false is "no curated metadata", not an error (as in the original)
        assert await client.model_metadata("some/model") is None
