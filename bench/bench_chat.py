"""Per-call overhead of chat through the gateway, versus raw httpx and the official openai SDK.

Starts a loopback OpenAI-compatible stub server (a separate process, so it does not share our GIL) that
answers every request with the same precomputed bodies: a chat completion, or a 50-chunk SSE stream
(chunked transfer encoding, one write per event). Then, side by side in one run and on the same asyncio
loop, it times:

- gateway: ``EmbeddedGateway.chat`` / ``chat_stream`` with the OpenAI-compatible provider (response cache off);
- raw httpx: the same request with ``httpx.AsyncClient``, parsed by hand (``json.loads``; SSE by lines);
- openai SDK: ``AsyncOpenAI.chat.completions.create`` (skipped, with a note, when not installed).

Prints the median per-call time of each and the ratios. Targets: gateway within 1.25x of raw httpx, and
faster than the SDK. Run: ``uv run python bench/bench_chat.py [iterations]``.
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import socket
import statistics
import sys
import time
from collections.abc import Awaitable, Callable

import httpx
from ratatoskr.gateway import EmbeddedGateway
from ratatoskr.types import ChatOptions, ContentEvent, Message
from ratatoskr_providers_openai.provider import OpenAIProvider

MODEL = "stub-model"
STREAM_CHUNKS = 50
PROMPT = [{"role": "user", "content": "Say something"}]


def _bodies() -> tuple[bytes, list[bytes]]:
    completion = {
        "id": "chatcmpl-bench", "object": "chat.completion", "created": 1741569952, "model": MODEL,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "Hello from the stub server."},
                     "finish_reason": "stop", "logprobs": None}],
        "usage": {"prompt_tokens": 9, "completion_tokens": 7, "total_tokens": 16},
    }  # fmt: skip
    head = {"id": "chatcmpl-bench", "object": "chat.completion.chunk", "created": 1741569952, "model": MODEL}
    events = [
        {**head, "choices": [{"index": 0, "delta": {"content": f"tok{i} "}, "finish_reason": None}]}
        for i in range(STREAM_CHUNKS - 2)
    ]
    events.append({**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    events.append({**head, "choices": [], "usage": {"prompt_tokens": 9, "completion_tokens": 48, "total_tokens": 57}})
    sse = [f"data: {json.dumps(e)}\n\n".encode() for e in events] + [b"data: [DONE]\n\n"]
    return json.dumps(completion).encode(), sse


def _serve(port_pipe: multiprocessing.connection.Connection) -> None:  # runs in the server process
    completion, sse = _bodies()
    json_head = b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(completion)
    sse_head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n"
    sse_chunks = [b"%x\r\n%s\r\n" % (len(c), c) for c in sse] + [b"0\r\n\r\n"]

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                head = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in head.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                body = await reader.readexactly(length) if length else b""
                if b'"stream":true' in body.replace(b" ", b""):
                    writer.write(sse_head)
                    for chunk in sse_chunks:
                        writer.write(chunk)
                        await writer.drain()
                else:
                    writer.write(json_head + completion)
                    await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionResetError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port_pipe.send(server.sockets[0].getsockname()[1])
        async with server:
            await server.serve_forever()

    asyncio.run(main())


async def _measure(contenders: dict[str, Callable[[], Awaitable[object]]], iterations: int) -> dict[str, float]:
    """Median per-call time of each contender, measured in interleaved batches so that drift in the
    machine's speed hits them all alike."""
    for call in contenders.values():  # warm up: connections, lazy imports, caches
        for _ in range(20):
            await call()
    batch = 10
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(max(iterations // batch, 1)):
        for name, call in contenders.items():
            start = time.perf_counter()
            for _ in range(batch):
                await call()
            samples[name].append((time.perf_counter() - start) / batch)
    return {name: statistics.median(values) for name, values in samples.items()}


async def run(base_url: str, iterations: int) -> None:
    results: dict[tuple[str, str], float] = {}
    async with httpx.AsyncClient() as raw, httpx.AsyncClient() as gateway_client:
        provider = OpenAIProvider(base_url=base_url, client=gateway_client)
        gateway = EmbeddedGateway.builder().provider(provider, "chat").cache(None).build()
        messages = [Message.user("Say something")]
        options = ChatOptions(model=MODEL)

        async def gateway_chat() -> str:
            return (await gateway.chat(messages, None, options)).content

        async def gateway_stream() -> str:
            return "".join([e.text async for e in gateway.chat_stream(messages, None, options)
                            if isinstance(e, ContentEvent)])  # fmt: skip

        async def raw_chat() -> str:
            response = await raw.post(f"{base_url}/chat/completions", json={"model": MODEL, "messages": PROMPT})
            response.raise_for_status()
            return str(json.loads(response.content)["choices"][0]["message"]["content"])

        async def raw_stream() -> str:
            body = {"model": MODEL, "messages": PROMPT, "stream": True, "stream_options": {"include_usage": True}}
            text = []
            async with raw.stream("POST", f"{base_url}/chat/completions", json=body) as response:
                response.raise_for_status()
                async for line in response.aiter_lines():
                    if line.startswith("data: ") and line != "data: [DONE]":
                        chunk = json.loads(line[6:])
                        if chunk["choices"] and (piece := chunk["choices"][0]["delta"].get("content")):
                            text.append(piece)
            return "".join(text)

        assert await gateway_chat() == await raw_chat()
        assert await gateway_stream() == await raw_stream()
        chat: dict[str, Callable[[], Awaitable[object]]] = {"raw httpx": raw_chat, "gateway": gateway_chat}
        stream: dict[str, Callable[[], Awaitable[object]]] = {"raw httpx": raw_stream, "gateway": gateway_stream}
        sdk = None
        try:
            from openai import AsyncOpenAI
        except ImportError:
            print("openai SDK not installed: add `openai` to the root dev dependency group to compare with it")
        else:
            sdk = AsyncOpenAI(base_url=base_url, api_key="sk-bench", max_retries=0)

            async def sdk_chat() -> str:
                answer = await sdk.chat.completions.create(model=MODEL, messages=PROMPT)  # type: ignore[arg-type]
                return answer.choices[0].message.content or ""

            async def sdk_stream() -> str:
                text = []
                events = await sdk.chat.completions.create(  # type: ignore[call-overload]
                    model=MODEL, messages=PROMPT, stream=True, stream_options={"include_usage": True}
                )
                async for chunk in events:
                    if chunk.choices and chunk.choices[0].delta.content:
                        text.append(chunk.choices[0].delta.content)
                return "".join(text)

            assert await sdk_chat() == await raw_chat() and await sdk_stream() == await raw_stream()
            chat["openai SDK"], stream["openai SDK"] = sdk_chat, sdk_stream
        for kind, contenders in (("chat", chat), ("stream", stream)):
            for who, seconds in (await _measure(contenders, iterations)).items():
                results[(kind, who)] = seconds
        if sdk is not None:
            await sdk.close()
        await gateway.aclose()

    print(f"bench_chat: {iterations} calls each, median per call (stub server: {STREAM_CHUNKS}-chunk stream)")
    for kind in ("chat", "stream"):
        for who in ("raw httpx", "gateway", "openai SDK"):
            if (kind, who) in results:
                print(f"  {kind:<7}{who:<12}{results[(kind, who)] * 1e6:10.1f} µs")
    for kind in ("chat", "stream"):
        gw, raw_t = results[(kind, "gateway")], results[(kind, "raw httpx")]
        line = f"  ratio {kind:<7}gateway/raw httpx = {gw / raw_t:.2f}x (target <= 1.25x)"
        if (kind, "openai SDK") in results:
            line += f"; gateway/openai SDK = {gw / results[(kind, 'openai SDK')]:.2f}x (target < 1.00x)"
        print(line)


def main() -> None:
    iterations = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    receive, send = multiprocessing.Pipe(duplex=False)
    server = multiprocessing.Process(target=_serve, args=(send,), daemon=True)
    server.start()
    try:
        port = receive.recv()
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
        asyncio.run(run(f"http://127.0.0.1:{port}/v1", iterations))
    finally:
        server.terminate()
        server.join()


if __name__ == "__main__":
    main()
