"""One huge event: the stream decoders stay linear in its size, however the body is split.

Side by side in one run:

- decoders: ``SSEDecoder`` and ``NDJSONDecoder`` fed one event of SIZE bytes in 64 KiB chunks (as httpx hands
  them over) versus in one piece. Target: streamed within 2x of whole (it was 75x: 44 s against 0.6 s for
  80 MB, the decoder re-joined and re-scanned its whole buffer on every chunk).
- end to end: the OpenAI-compatible provider over loopback (a stub server in its own process), ``chat_stream``
  receiving the SIZE-byte answer as one SSE event versus ``chat`` receiving it as one JSON answer. Target:
  streamed within 2x of plain.

Run: ``uv run python bench/bench_wire.py [megabytes]`` (default 80).
"""

from __future__ import annotations

import asyncio
import json
import multiprocessing
import socket
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection

from ratatoskr.types import ChatOptions, ContentEvent, Message
from ratatoskr.wire.endpoint import Limits
from ratatoskr.wire.ndjson import NDJSONDecoder
from ratatoskr.wire.sse import SSEDecoder
from ratatoskr_providers_openai.provider import OpenAIProvider

CHUNK = 64 * 1024


def _feed(make: Callable[[], SSEDecoder | NDJSONDecoder], body: bytes, chunk: int) -> float:
    """Seconds to decode ``body`` fed ``chunk`` bytes at a time (it holds one event)."""
    start = time.perf_counter()
    decoder = make()
    out = []
    for i in range(0, len(body), chunk):
        out += decoder.feed(body[i : i + chunk])
    out += decoder.close()
    assert len(out) == 1
    return time.perf_counter() - start


def _bodies(size: int) -> tuple[bytes, bytes]:
    text = "x" * size
    completion = {
        "id": "c", "object": "chat.completion", "model": "m",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
    }  # fmt: skip
    chunk = {"id": "c", "object": "chat.completion.chunk", "model": "m",
             "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": "stop"}]}  # fmt: skip
    return json.dumps(completion).encode(), b"data: " + json.dumps(chunk).encode() + b"\n\ndata: [DONE]\n\n"


def _serve(size: int, port_pipe: Connection) -> None:  # runs in the server process
    completion, sse = _bodies(size)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            try:
                head = await reader.readuntil(b"\r\n\r\n")
            except (asyncio.IncompleteReadError, ConnectionError):
                writer.close()
                return
            lines = head.lower().split(b"\r\n")
            length = next((int(x.split(b":")[1]) for x in lines if x.startswith(b"content-length")), 0)
            body = json.loads(await reader.readexactly(length))
            content, kind = (sse, b"text/event-stream") if body.get("stream") else (completion, b"application/json")
            writer.write(b"HTTP/1.1 200 OK\r\ncontent-type: %s\r\ncontent-length: %d\r\n\r\n" % (kind, len(content)))
            writer.write(content)
            await writer.drain()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        port_pipe.send(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    asyncio.run(main())


async def _end_to_end(base_url: str, size: int) -> tuple[float, float]:
    limits = Limits(timeout=600, max_response_bytes=2 * size + 1024 * 1024)
    provider = OpenAIProvider(base_url=base_url, limits=limits)
    messages, options = [Message.user("hi")], ChatOptions(model="m")
    try:
        await provider.chat(messages, None, options)  # warm: the client, the connection
        start = time.perf_counter()
        answer = await provider.chat(messages, None, options)
        plain = time.perf_counter() - start
        assert len(answer.content or "") == size
        start = time.perf_counter()
        received = 0
        async for event in provider.chat_stream(messages, None, options):
            if isinstance(event, ContentEvent):
                received += len(event.text)
        streamed = time.perf_counter() - start
        assert received == size
    finally:
        await provider.aclose()
    return plain, streamed


def main() -> None:
    size = int(float(sys.argv[1]) * 1_000_000) if len(sys.argv) > 1 else 80_000_000
    sse = b"data: " + b"x" * size + b"\n\n"
    line = b'{"content": "' + b"x" * size + b'"}\n'
    print(f"bench_wire: one event of {size / 1e6:g} MB, fed in {CHUNK // 1024} KiB chunks vs whole")
    rows = [
        (name, _feed(make, body, CHUNK), _feed(make, body, len(body)))
        for name, make, body in (("SSE decoder", SSEDecoder, sse), ("NDJSON decoder", NDJSONDecoder, line))
    ]
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    server = context.Process(target=_serve, args=(size, send), daemon=True)
    server.start()
    try:
        port = receive.recv()
        with socket.create_connection(("127.0.0.1", port)):
            pass
        plain, streamed = asyncio.run(_end_to_end(f"http://127.0.0.1:{port}", size))
        rows.append(("OpenAI provider, loopback", streamed, plain))
    finally:
        server.terminate()
    print(f"  {'':<28}{'streamed':>10}{'whole':>10}{'ratio':>8}  (target <= 2x)")
    for name, streamed_s, whole_s in rows:
        ratio = streamed_s / whole_s
        print(f"  {name:<28}{streamed_s:9.2f}s{whole_s:9.2f}s{ratio:7.2f}x  {'ok' if ratio <= 2 else 'OVER TARGET'}")


if __name__ == "__main__":
    main()
