"""The daemon path against its floor, in one run (issue 10's budgets):

- unary chat: ``ServiceClient`` → ratd (demo provider) vs a raw grpc.aio client → a FLOOR server: a minimal
  grpc.aio server on the same proto returning a prebuilt reply (target <= 1.5x);
- a 50-event chat stream, the same way (target <= 1.5x);
- embeddings: 32 ``ServiceClient``s embedding single texts concurrently through ratd vs ONE in-process client
  (``EmbeddedGateway``) embedding sequentially, both on the bundled MiniLM int8 ONNX model (target >= 1.0x: the
  daemon's micro-batching turns many small clients into big batches).

Servers run in threads of this process with their own asyncio loops; clients run on asyncio (grpc.aio). Rounds of
the two sides alternate so that machine noise hits both. ``--quick`` shortens every phase (a sanity run).
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from grpc import aio
from ratatoskr.config import Settings
from ratatoskr.gateway import EmbeddedGateway
from ratatoskr.types import ChatOptions, Message
from ratatoskr_server import ServiceClient
from ratatoskr_server import _codec_chat as CC
from ratatoskr_server._generated import ratatoskr_pb2 as pb
from ratatoskr_server._generated import ratatoskr_pb2_grpc as pbg
from ratatoskr_server.config import ServerConfig
from ratatoskr_server.server import ServerThread

QUICK = "--quick" in sys.argv
OPTIONS = ChatOptions(model="demo:x")
PROMPT = [Message.user("hi there")]
STREAM_PROMPT = [Message.user(" ".join(["w"] * 47))]  # demo: 47 content events + usage + done + ... = 50


class Floor(pbg.RatatoskrServicer):
    """Prebuilt replies: the least a gRPC server on this proto can do."""

    def __init__(self, chat: pb.ChatResponse, events: list[pb.ChatEvent]) -> None:
        self.chat = chat
        self.events = events

    async def Chat(self, request: Any, context: Any) -> pb.ChatResponse:
        return self.chat

    async def ChatStream(self, request: Any, context: Any) -> Any:
        for event in self.events:
            yield event


class FloorThread:
    def __init__(self, servicer: Floor) -> None:
        self.servicer = servicer
        self.address = ""
        self._ready = threading.Event()
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()), daemon=True)

    async def _main(self) -> None:
        self._loop, self._stop = asyncio.get_running_loop(), asyncio.Event()
        server = aio.server()
        pbg.add_RatatoskrServicer_to_server(self.servicer, server)
        self.address = f"127.0.0.1:{server.add_insecure_port('127.0.0.1:0')}"
        await server.start()
        self._ready.set()
        await self._stop.wait()
        await server.stop(None)

    def __enter__(self) -> FloorThread:
        self._thread.start()
        self._ready.wait(30)
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._loop is not None and self._stop is not None
        self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


async def alternate(sides: dict[str, Callable[[], Awaitable[Any]]], rounds: int, per_round: int) -> dict[str, float]:
    """Median seconds per call of each side, rounds alternating between the sides."""
    samples: dict[str, list[float]] = {name: [] for name in sides}
    for _ in range(rounds):
        for name, call in sides.items():
            start = time.perf_counter()
            for _ in range(per_round):
                await call()
            samples[name].append((time.perf_counter() - start) / per_round)
    return {name: statistics.median(values) for name, values in samples.items()}


def line(name: str, floor: float, ours: float, target: float, *, higher_is_better: bool = False) -> None:
    ratio = ours / floor
    ok = ratio >= target if higher_is_better else ratio <= target
    bound = ">=" if higher_is_better else "<="
    verdict = f"target {bound} {target}x, {'ok' if ok else 'MISSED'}"
    print(f"  {name:<44} floor {floor:10.1f}  ratd {ours:10.1f}  ratio {ratio:5.2f}x ({verdict})")


async def chat_and_stream(ratd: str, floor: str) -> None:
    async with ServiceClient(ratd) as client:
        reply = await client.chat(PROMPT, None, OPTIONS)
        events = [e async for e in client.chat_stream(STREAM_PROMPT, None, OPTIONS)]
        channel = aio.insecure_channel(floor)
        stub = pbg.RatatoskrStub(channel)
        request = CC.chat_request(PROMPT, None, OPTIONS)
        stream_request = CC.chat_request(STREAM_PROMPT, None, OPTIONS)

        async def drain(gateway: Any) -> None:
            async for _ in gateway.chat_stream(STREAM_PROMPT, None, OPTIONS):
                pass

        async def raw_drain() -> None:
            async for _ in stub.ChatStream(stream_request):
                pass

        assert reply.content and len(events) == 50, len(events)
        rounds = 5 if QUICK else 15
        unary = await alternate(
            {"floor": lambda: stub.Chat(request), "ratd": lambda: client.chat(PROMPT, None, OPTIONS)}, rounds, 100
        )
        streams = await alternate({"floor": raw_drain, "ratd": lambda: drain(client)}, rounds, 20)
        await channel.close()
    print(
        f"daemon path vs the floor (loopback, asyncio, medians of {rounds} alternating rounds), microseconds per call"
    )
    line("unary chat", unary["floor"] * 1e6, unary["ratd"] * 1e6, 1.5)
    line("chat stream, 50 events", streams["floor"] * 1e6, streams["ratd"] * 1e6, 1.5)


def local_gateway() -> tuple[EmbeddedGateway, str]:
    from ratatoskr_providers_local import BUNDLED_ID, LocalConfig, LocalProvider

    return EmbeddedGateway.builder().provider(LocalProvider(LocalConfig(download=False))).build(), BUNDLED_ID


async def embeddings(seconds: float) -> None:
    texts = [f"Sentence number {i} says something about the weather and the stock market." for i in range(64)]
    direct, model = local_gateway()
    await direct.embed(texts[0], model)  # load the model
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        await direct.embed(texts[done % 64], model)
        done += 1
    in_process = done / (time.perf_counter() - start)
    await direct.aclose()

    gateway, model = local_gateway()
    with ServerThread(gateway, ServerConfig(address="127.0.0.1:0", max_concurrent_requests=64)) as server:
        clients = [ServiceClient(server.address) for _ in range(32)]
        await clients[0].embed(texts[0], model)
        counts = [0] * 32
        stop = time.perf_counter() + seconds

        async def work(i: int) -> None:
            while time.perf_counter() < stop:
                await clients[i].embed(texts[(i + counts[i]) % 64], model)
                counts[i] += 1

        start = time.perf_counter()
        await asyncio.gather(*(work(i) for i in range(32)))
        through_ratd = sum(counts) / (time.perf_counter() - start)
        for client in clients:
            await client.aclose()
    print(f"embeddings, {model} (int8 ONNX), texts per second over {seconds:g} s")
    line("32 clients via ratd vs 1 in-process client", in_process, through_ratd, 1.0, higher_is_better=True)


async def main() -> None:
    gateway = EmbeddedGateway.from_settings(Settings.from_dict({}))
    with ServerThread(gateway) as server:
        async with ServiceClient(server.address) as client:
            chat = CC.chat_response(await client.chat(PROMPT, None, OPTIONS))
            events = [CC.chat_event(e) async for e in client.chat_stream(STREAM_PROMPT, None, OPTIONS)]
        with FloorThread(Floor(chat, events)) as floor:
            await chat_and_stream(server.address, floor.address)
    await embeddings(3.0 if QUICK else 10.0)


if __name__ == "__main__":
    asyncio.run(main())
