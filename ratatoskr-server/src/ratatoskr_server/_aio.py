"""The asyncio transport of ``ServiceClient``: grpc.aio on the caller's own loop, no worker thread per call or
event. Under trio (grpc.aio is bound to asyncio) the client keeps its synchronous stubs in worker threads.

One grpc.aio channel per event loop, made on first use in that loop (a channel cannot move between loops).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Sequence
from typing import Any

import grpc
from grpc import aio

from ratatoskr_server._generated import ratatoskr_pb2_grpc as pb_grpc
from ratatoskr_server.errors import from_rpc_error

__all__ = ["AioTransport"]


class AioTransport:
    """Unary calls and streams over a grpc.aio channel bound to the running loop."""

    def __init__(self, address: str, options: Sequence[tuple[str, Any]], credentials: Any | None) -> None:
        self.address = address
        self.options = list(options)
        self.credentials = credentials
        self._loop: asyncio.AbstractEventLoop | None = None
        self._channel: aio.Channel | None = None
        self._stub: Any = None

    def stub(self) -> Any:
        loop = asyncio.get_running_loop()
        if self._loop is not loop:
            if self.credentials is not None:
                self._channel = aio.secure_channel(self.address, self.credentials, options=self.options)
            else:
                self._channel = aio.insecure_channel(self.address, options=self.options)
            self._stub = pb_grpc.RatatoskrStub(self._channel)
            self._loop = loop
        return self._stub

    async def unary(self, method: str, request: Any, deadline: float | None, metadata: Any) -> Any:
        call = getattr(self.stub(), method)(request, timeout=deadline, metadata=metadata)
        try:
            return await call
        except grpc.RpcError as exc:
            raise from_rpc_error(exc, method) from exc

    async def stream(self, method: str, request: Any, metadata: Any) -> AsyncGenerator[Any, None]:
        call = getattr(self.stub(), method)(request, metadata=metadata)
        try:
            async for item in call:
                yield item
        except grpc.RpcError as exc:
            raise from_rpc_error(exc, method) from exc
        finally:
            call.cancel()  # the consumer stopped early, or was cancelled: end the RPC on the daemon too

    async def close(self) -> None:
        channel, self._channel, self._loop = self._channel, None, None
        if channel is not None:
            try:
                running = asyncio.get_running_loop()
            except RuntimeError:
                return
            if running is not None:
                await channel.close()
