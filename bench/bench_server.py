"""The daemon path against its floor, in one run (issue 10's budgets):

- unary chat: ``ServiceClient`` → ratd (demo provider) vs a raw grpc.aio client → a FLOOR server: a minimal
  grpc.aio server on the same proto returning a prebuilt reply (target <= 1.5x);
- a 50-event chat stream, the same way (target <= 1.5x);
- embeddings: 32 ``ServiceClient``s embedding single texts concurrently through ratd vs ONE in-process client
  (``EmbeddedGateway``) embedding sequentially, both on the bundled MiniLM int8 ONNX model (target >= 1.0x: the
  daemon's micro-batching turns many small clients into big batches);
- ratd's peak RSS (VmHWM) after all of it.

ratd is the real daemon (``python -m ratatoskr_server.daemon`` with a throwaway config: the demo provider and the
local provider with its bundled model), and the floor a server process of its own, as a deployment has them: a
server in a thread of the benchmark would share the clients' GIL, and the ratio would measure the contention
between them rather than the daemon. Clients run on asyncio (grpc.aio) in this process. Rounds of the two sides
alternate so that machine noise hits both; the load average is printed with the figures. ``--quick`` shortens
every phase (a sanity run).
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from grpc import aio
from ratatoskr.gateway import EmbeddedGateway
from ratatoskr.types import ChatOptions, Message
from ratatoskr_server import ServiceClient
from ratatoskr_server import _codec_chat as CC
from ratatoskr_server._generated import ratatoskr_pb2 as pb
from ratatoskr_server._generated import ratatoskr_pb2_grpc as pbg

QUICK = "--quick" in sys.argv
OPTIONS = ChatOptions(model="demo:x")
PROMPT = [Message.user("hi there")]
STREAM_PROMPT = [Message.user(" ".join(["w"] * 47))]  # demo: 47 content events + usage + done + ... = 50
RATD_CONFIG = """\
[server]
max_concurrent_requests = 64

[providers.local]
download = false
"""


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


def _floor_process(chat: bytes, events: list[bytes], address: Any) -> None:
    """The floor server, in a process of its own; sends its address through ``address`` (a pipe end)."""

    async def main() -> None:
        server = aio.server()
        floor = Floor(pb.ChatResponse.FromString(chat), [pb.ChatEvent.FromString(e) for e in events])
        pbg.add_RatatoskrServicer_to_server(floor, server)
        port = server.add_insecure_port("127.0.0.1:0")
        await server.start()
        address.send(f"127.0.0.1:{port}")
        await server.wait_for_termination()

    asyncio.run(main())


@contextmanager
def floor_server(chat: pb.ChatResponse, events: list[pb.ChatEvent]) -> Iterator[str]:
    """A floor server process (spawned: grpc does not survive a fork) serving these prebuilt replies."""
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    process = context.Process(
        target=_floor_process, args=(chat.SerializeToString(), [e.SerializeToString() for e in events], send)
    )
    process.start()
    try:
        yield receive.recv()
    finally:
        process.terminate()
        process.join(10)


@contextmanager
def ratd() -> Iterator[tuple[str, int]]:
    """The real daemon in its own process, on a free port: its address and pid."""
    with tempfile.TemporaryDirectory() as home:
        config = Path(home, "config.toml")
        config.write_text(RATD_CONFIG)
        env = {**os.environ, "HOME": home, "XDG_CONFIG_HOME": home, "RATATOSKR_CONFIG": str(config)}
        command = [sys.executable, "-m", "ratatoskr_server.daemon", "-c", str(config), "--address", "127.0.0.1:0"]
        process = subprocess.Popen(command, env=env, stderr=subprocess.PIPE, text=True)
        assert process.stderr is not None
        address = ""
        for text in process.stderr:
            if found := re.search(r"ratd listening on (\S+)", text):
                address = found.group(1)
                break
        if not address:
            raise RuntimeError(f"ratd did not start (exit code {process.wait()})")
        threading.Thread(target=process.stderr.read, daemon=True).start()  # keep its log pipe from filling up
        try:
            yield address, process.pid
        finally:
            process.terminate()
            process.wait(30)


def peak_rss_mb(pid: int) -> float:
    """The process's peak resident set (VmHWM), in MB."""
    for text in Path(f"/proc/{pid}/status").read_text().splitlines():
        if text.startswith("VmHWM:"):
            return int(text.split()[1]) / 1024
    return float("nan")


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
        channel = aio.insecure_channel(floor)
        stub = pbg.RatatoskrStub(channel)
        request = CC.chat_request(PROMPT, None, OPTIONS)
        stream_request = CC.chat_request(STREAM_PROMPT, None, OPTIONS)

        async def drain() -> None:
            async for _ in client.chat_stream(STREAM_PROMPT, None, OPTIONS):
                pass

        async def raw_drain() -> None:
            async for _ in stub.ChatStream(stream_request):
                pass

        rounds = 5 if QUICK else 15
        unary = await alternate(
            {"floor": lambda: stub.Chat(request), "ratd": lambda: client.chat(PROMPT, None, OPTIONS)}, rounds, 100
        )
        streams = await alternate({"floor": raw_drain, "ratd": drain}, rounds, 20)
        await channel.close()
    print(
        f"daemon path vs the floor (loopback, asyncio, medians of {rounds} alternating rounds), microseconds per call"
    )
    line("unary chat", unary["floor"] * 1e6, unary["ratd"] * 1e6, 1.5)
    line("chat stream, 50 events", streams["floor"] * 1e6, streams["ratd"] * 1e6, 1.5)


async def embeddings(ratd: str, seconds: float) -> None:
    from ratatoskr_providers_local import BUNDLED_ID as model
    from ratatoskr_providers_local import LocalConfig, LocalProvider

    texts = [f"Sentence number {i} says something about the weather and the stock market." for i in range(64)]
    direct = EmbeddedGateway.builder().provider(LocalProvider(LocalConfig(download=False))).build()
    await direct.embed(texts[0], model)  # load the model
    done = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        await direct.embed(texts[done % 64], model)
        done += 1
    in_process = done / (time.perf_counter() - start)
    await direct.aclose()

    clients = [ServiceClient(ratd) for _ in range(32)]
    await clients[0].embed(texts[0], model)  # ratd loads the model
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
    print(f"bench_server: load average {os.getloadavg()[0]:.1f} at the start")
    with ratd() as (address, pid):
        async with await ServiceClient.connect(address, wait=30) as client:
            chat = CC.chat_response(await client.chat(PROMPT, None, OPTIONS))
            events = [CC.chat_event(e) async for e in client.chat_stream(STREAM_PROMPT, None, OPTIONS)]
        assert chat.content and len(events) == 50, len(events)
        with floor_server(chat, events) as floor:
            await chat_and_stream(address, floor)
        await embeddings(address, 3.0 if QUICK else 10.0)
        print(f"ratd peak RSS (VmHWM): {peak_rss_mb(pid):.0f} MB; load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    asyncio.run(main())
