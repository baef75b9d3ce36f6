"""ServiceClient over a loopback daemon vs the same EmbeddedGateway in process, side by side in one run.

The daemon runs in a thread of this process (``ServerThread``), serving the demo provider, so the figures are
the cost of the gRPC round trip and the client's thread hop; a raw synchronous gRPC call is printed as the floor.
Not a budget of any issue yet: a reference for the daemon's overhead.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import grpc
from ratatoskr.config import Settings
from ratatoskr.gateway import EmbeddedGateway
from ratatoskr.types import ChatOptions, Message
from ratatoskr_server import ServiceClient
from ratatoskr_server import _codec_chat as CC
from ratatoskr_server._generated import ratatoskr_pb2 as pb
from ratatoskr_server._generated import ratatoskr_pb2_grpc as pbg
from ratatoskr_server.server import ServerThread

N = 2000
OPTIONS = ChatOptions(model="demo:x")


async def timed(fn: Callable[[], Awaitable[Any]], n: int = N) -> float:
    for _ in range(50):
        await fn()
    start = time.perf_counter()
    for _ in range(n):
        await fn()
    return (time.perf_counter() - start) / n * 1e6


async def compare(address: str) -> None:
    direct = EmbeddedGateway.from_settings(Settings.from_dict({}))
    calls: list[tuple[str, Callable[[Any], Awaitable[Any]]]] = [
        ("embed", lambda g: g.embed("hello world", "m")),
        ("embed_batch(32)", lambda g: g.embed_batch(["hello world"] * 32, "m")),
        ("chat", lambda g: g.chat([Message.user("hi there")], options=OPTIONS)),
    ]
    async with ServiceClient(address) as client:
        for name, call in calls:
            d = await timed(lambda call=call: call(direct))  # type: ignore[misc]
            r = await timed(lambda call=call: call(client))  # type: ignore[misc]
            print(f"  {name:20s} embedded {d:8.1f} us   ServiceClient {r:8.1f} us   overhead {r - d:8.1f} us")

        for words in (8, 47):  # the demo streams "echo:", one event per word, usage and done
            prompt = [Message.user(" ".join("w" * words))]

            async def drain(gateway: Any, prompt: list[Message] = prompt) -> None:
                async for _ in gateway.chat_stream(prompt, options=OPTIONS):
                    pass

            d = await timed(lambda: drain(direct), 300)
            r = await timed(lambda: drain(client), 300)
            name = f"chat_stream ({words + 3} ev)"
            print(f"  {name:20s} embedded {d:8.1f} us   ServiceClient {r:8.1f} us   overhead {r - d:8.1f} us")


def raw_floor(address: str) -> None:
    channel = grpc.insecure_channel(address)
    stub = pbg.RatatoskrStub(channel)
    request = pb.EmbedRequest(text="hello world", model="m")
    for _ in range(100):
        stub.Embed(request)
    start = time.perf_counter()
    for _ in range(N):
        stub.Embed(request)
    print(f"  raw synchronous gRPC Embed (no thread hop): {(time.perf_counter() - start) / N * 1e6:.1f} us")
    streamed = CC.chat_request([Message.user(" ".join("w" * 47))], None, OPTIONS)
    for _ in range(30):
        list(stub.ChatStream(streamed))
    start = time.perf_counter()
    for _ in range(300):
        list(stub.ChatStream(streamed))
    per_stream = (time.perf_counter() - start) / 300 * 1e6
    print(f"  raw synchronous gRPC ChatStream, 50 events (no thread hop): {per_stream:.1f} us")
    channel.close()


def main() -> None:
    with ServerThread(EmbeddedGateway.from_settings(Settings.from_dict({}))) as server:
        for backend in ("asyncio", "trio"):
            print(f"ServiceClient vs EmbeddedGateway on {backend} (loopback, demo provider, {N} calls each)")
            anyio.run(compare, server.address, backend=backend)
        raw_floor(server.address)


if __name__ == "__main__":
    main()
