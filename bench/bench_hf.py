"""HuggingFace provider: per-call overhead against a raw httpx call, side by side in one run.

A loopback HTTP server answers feature extraction (``[[...384 floats...]]``) instantly, so the figures are
client-side cost: building the request, the shared HTTP boundary, parsing and validating the answer, and the
``Embedding`` result. Compared: a raw ``httpx.AsyncClient.post`` + ``json.loads``; ``HuggingFaceProvider.embed``;
and ``embed_batch`` of 32 texts per call (per text). Best of R rounds of N calls each, on asyncio.

Usage: ``python bench/bench_hf.py [N] [R]`` (defaults 300, 5). Prints figures and ratios; exits 0.
"""

from __future__ import annotations

import http.server
import json
import socket
import sys
import threading
import time

import anyio
import httpx
from ratatoskr_providers_hf import HFConfig, HuggingFaceProvider

DIMS = 384


class _Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def setup(self) -> None:
        super().setup()
        # Headers and body leave in two writes; without this, delayed ACKs add ~40 ms to every call.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["content-length"])))
        vector = [0.01 * (i % 97) for i in range(DIMS)]
        out = json.dumps([vector] * len(body["inputs"])).encode()
        self.send_response(200)
        self.send_header("content-type", "application/json")
        self.send_header("content-length", str(len(out)))
        self.end_headers()
        self.wfile.write(out)

    def log_message(self, *args: object) -> None:
        pass


async def _per_call(n: int, call) -> float:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    for _ in range(n):
        await call()
    return (time.perf_counter() - start) / n


async def _interleaved(n: int, rounds: int, calls: dict) -> dict[str, float]:  # type: ignore[type-arg]
    """Best of ``rounds``, the contenders taking turns in each round so drift hits all alike."""
    for call in calls.values():  # warm-up: connections, imports, caches
        await _per_call(max(n // 10, 3), call)
    best = dict.fromkeys(calls, float("inf"))
    for _ in range(rounds):
        for label, call in calls.items():
            best[label] = min(best[label], await _per_call(n, call))
    for label, seconds in best.items():
        print(f"{label:<44} {seconds * 1e6:9.1f} µs/call")
    return best


async def main(n: int, rounds: int) -> None:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    model = "sentence-transformers/all-MiniLM-L6-v2"
    url = f"{base}/models/{model}/pipeline/feature-extraction"
    async with httpx.AsyncClient() as client:
        provider = HuggingFaceProvider(HFConfig.from_options({"base_url": base}, api_key="hf_x"), client=client)

        async def raw() -> None:
            response = await client.post(
                url, json={"inputs": ["hello"], "normalize": True}, headers={"Authorization": "Bearer hf_x"}
            )
            json.loads(response.content)

        texts = [f"text {i}" for i in range(32)]
        best = await _interleaved(
            n,
            rounds,
            {
                "raw httpx post + json.loads": raw,
                "HuggingFaceProvider.embed": lambda: provider.embed("hello", model),
            },
        )
        raw_s, one_s = best.values()
        batch = await _interleaved(
            max(n // 10, 10),
            rounds,
            {
                "HuggingFaceProvider.embed_batch(32), per call": lambda: provider.embed_batch(texts, model),
            },
        )
        (batch_s,) = batch.values()
    server.shutdown()
    print(f"ratio embed / raw: {one_s / raw_s:.2f}x   (overhead {(one_s - raw_s) * 1e6:.1f} µs/call)")
    print(f"embed_batch(32) per text: {batch_s / 32 * 1e6:.1f} µs   vs embed: {one_s * 1e6:.1f} µs")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    anyio.run(main, *(args + [300, 5][len(args) :]))
