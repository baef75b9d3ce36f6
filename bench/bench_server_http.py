"""The OpenAI-compatible HTTP API under load: ratd (a real process) in front of a fast loopback upstream stub,
measured with ``wrk`` (C, far lighter than the server: httpx would cost ~0.6 ms of CPU per call and measure
itself; ``apt-get install wrk``), as issue 10 asks. One run prints, side by side:

- the median latency of ``POST /v1/chat/completions`` calling the stub directly and through ratd (one
  connection), and the difference: what ratd adds (target <= 1 ms);
- requests per second through ratd at 256 connections, with the count of requests not answered (non-2xx,
  socket errors, timeouts; target >= 1,000 req/s, none unanswered);
- the peak RSS of the ratd process (VmHWM; target <= 150 MB);
- the same for a streamed chat of 50 chunks (median, stub directly and through ratd);
- the HTTP layer alone (the demo provider answers in-process, no upstream call), which separates what the
  HTTP API costs from what the provider's upstream call costs.

The stub is a raw asyncio ``Protocol`` in its own process answering every request on a kept-alive connection
with a prebuilt ``chat.completion`` (or, for ``"stream": true``, a prebuilt 50-chunk SSE body, one write):
about 20 us a request, so what is measured is ratd. ratd reaches it through its openai provider
(``openai:stub``).

CPU pinning: on a machine with two or more CPUs, ratd runs alone on CPU 0 and the stub and wrk share CPU 1
(``taskset``; ``--no-pin`` turns it off), so neither the load generator nor the stub takes the server's CPU and
ratd's single event loop gets one whole core, as it would in production. On one CPU nothing is pinned.

Run: ``uv run python bench/bench_server_http.py`` (15 s per phase; ``--quick``: 3 s). The figures only mean
something on a quiet machine: the 1-minute load average is printed with them.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

QUICK = "--quick" in sys.argv
PIN = "--no-pin" not in sys.argv and (os.cpu_count() or 1) >= 2 and shutil.which("taskset") is not None
SECONDS = 3 if QUICK else 15
CONNECTIONS = 256
CHUNKS = 50
BODY = {"model": "openai:stub", "messages": [{"role": "user", "content": "hi there"}], "max_tokens": 16}
STREAM_BODY = {**BODY, "stream": True}
REPLY = {
    "id": "chatcmpl-stub",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "stub",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "hello"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 2, "completion_tokens": 1, "total_tokens": 3},
}


def _sse() -> bytes:
    head = {"id": "chatcmpl-stub", "object": "chat.completion.chunk", "created": 1700000000, "model": "stub"}
    events = [
        {**head, "choices": [{"index": 0, "delta": {"content": f"tok{i} "}, "finish_reason": None}]}
        for i in range(CHUNKS - 2)
    ]
    events.append({**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]})
    events.append({**head, "choices": [], "usage": {"prompt_tokens": 2, "completion_tokens": 48, "total_tokens": 50}})
    return b"".join(b"data: %s\n\n" % json.dumps(e).encode() for e in events) + b"data: [DONE]\n\n"


STUB = r"""
import asyncio, sys
REPLY, SSE = sys.argv[2].encode(), sys.argv[3].encode()
PLAIN = (b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(REPLY)) + REPLY
STREAM = (b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: %d\r\n\r\n" % len(SSE)) + SSE

class Stub(asyncio.Protocol):
    def connection_made(self, transport):
        self.transport, self.buffer = transport, b""
    def data_received(self, data):
        self.buffer += data
        while True:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buffer[:end].lower()
            at = head.find(b"content-length:")
            size = int(head[at + 15:].split(b"\r\n", 1)[0]) if at >= 0 else 0
            if len(self.buffer) < end + 4 + size:
                return
            body = self.buffer[end + 4:end + 4 + size]
            self.buffer = self.buffer[end + 4 + size:]
            self.transport.write(STREAM if b'"stream": true' in body or b'"stream":true' in body else PLAIN)

async def main():
    server = await asyncio.get_running_loop().create_server(Stub, "127.0.0.1", int(sys.argv[1]), backlog=4096)
    async with server:
        await server.serve_forever()

asyncio.run(main())
"""

LUA = """wrk.method = "POST"
wrk.body = [[%s]]
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer none"
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def pinned(cpu: int, command: list[str]) -> list[str]:
    return ["taskset", "-c", str(cpu), *command] if PIN else command


def wrk(url: str, script: Path, connections: int, seconds: int) -> dict[str, float]:
    threads = min(2, connections)
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{seconds}s", "--timeout", "10s", "--latency"]
    out = subprocess.run(
        pinned(1, [*command, "-s", str(script), url]), capture_output=True, text=True, check=True
    ).stdout
    units = {"us": 1e-3, "ms": 1.0, "s": 1e3}
    median = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)", out, re.M)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    assert median and rate and total, out
    return {
        "median_ms": float(median.group(1)) * units[median.group(2)],
        "rps": float(rate.group(1)),
        "requests": float(total.group(1)),
        "unanswered": float(bad.group(1) if bad else 0) + (sum(map(float, errors.groups())) if errors else 0.0),
    }


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main() -> None:
    if shutil.which("wrk") is None:  # skipped, not failed: nox -s bench runs every script
        print("bench_server_http: skipped, wrk is needed (apt-get install wrk): httpx would measure itself")
        return
    stub_port, http_port = free_port(), free_port()
    with tempfile.TemporaryDirectory(prefix="ratd-http-bench-") as tmp:
        config = Path(tmp) / "config.toml"
        config.write_text(
            f'[server]\naddress = "127.0.0.1:0"\nhttp_listen = "127.0.0.1:{http_port}"\nmax_concurrent_requests = 512\n'
            f'[providers.openai]\nbase_url = "http://127.0.0.1:{stub_port}/v1"\napi_key = "stub"\n'
        )
        scripts = {}
        for name, body in [("post", BODY), ("stream", STREAM_BODY), ("demo", {**BODY, "model": "demo:x"})]:
            scripts[name] = Path(tmp) / f"{name}.lua"
            scripts[name].write_text(LUA % json.dumps(body))
        env = {
            **os.environ,
            "RATATOSKR_DISABLE_PLUGIN_AUTOLOAD": "1",
            "RATATOSKR_PLUGINS": "openai,demo",
            "RATATOSKR_TOKENS": str(Path(tmp) / "no-tokens.toml"),
        }
        stub_args = [sys.executable, "-c", STUB, str(stub_port), json.dumps(REPLY), _sse().decode()]
        stub = subprocess.Popen(pinned(1, stub_args))
        ratd_args = [sys.executable, "-m", "ratatoskr_server.daemon", "--config", str(config), "--log-level", "warning"]
        # ratd's log goes to a file (wrk hangs up at the end of each phase, which uvicorn logs): shown if it fails.
        log = (Path(tmp) / "ratd.log").open("w")
        ratd = subprocess.Popen(pinned(0, ratd_args), env=env, stdout=log, stderr=subprocess.STDOUT)
        stub_url = f"http://127.0.0.1:{stub_port}/v1/chat/completions"
        ratd_url = f"http://127.0.0.1:{http_port}/v1/chat/completions"
        try:
            wait_port(stub_port)
            wait_port(http_port)
            wrk(ratd_url, scripts["post"], CONNECTIONS, 2)  # warm-up: imports, caches, the upstream connections
            direct = wrk(stub_url, scripts["post"], 1, SECONDS)
            through = wrk(ratd_url, scripts["post"], 1, SECONDS)
            cpu = cpu_seconds(ratd.pid)
            loaded = wrk(ratd_url, scripts["post"], CONNECTIONS, SECONDS)
            cpu_per_request = (cpu_seconds(ratd.pid) - cpu) / max(loaded["requests"], 1) * 1e3
            stream_direct = wrk(stub_url, scripts["stream"], 1, SECONDS)
            stream_through = wrk(ratd_url, scripts["stream"], 1, SECONDS)
            layer_one = wrk(ratd_url, scripts["demo"], 1, SECONDS)
            layer = wrk(ratd_url, scripts["demo"], CONNECTIONS, SECONDS)
            rss = peak_rss_mb(ratd.pid)
        except BaseException:
            print((Path(tmp) / "ratd.log").read_text()[-4000:], file=sys.stderr)
            raise
        finally:
            for process in (ratd, stub):
                process.terminate()
                process.wait(15)
            log.close()
    added = through["median_ms"] - direct["median_ms"]
    stream_added = stream_through["median_ms"] - stream_direct["median_ms"]
    pinning = "ratd on CPU 0, stub and wrk on CPU 1" if PIN else "no CPU pinning"
    print(
        f"HTTP API under wrk ({os.cpu_count()} CPUs, {pinning}, 1-min load average {os.getloadavg()[0]:.1f} "
        f"at the end; {SECONDS} s per phase)"
    )
    print(f"  chat, median, 1 connection   stub {direct['median_ms']:.3f} ms   via ratd {through['median_ms']:.3f} ms")
    print(f"  added median latency         {added:8.3f} ms   (target <= 1 ms, {'ok' if added <= 1 else 'MISSED'})")
    ok = loaded["rps"] >= 1000 and not loaded["unanswered"]
    print(
        f"  {CONNECTIONS} connections              {loaded['rps']:8.0f} req/s, {loaded['unanswered']:.0f} of "
        f"{loaded['requests']:.0f} unanswered (target >= 1000, all answered: {'ok' if ok else 'MISSED'}); "
        f"ratd CPU {cpu_per_request:.3f} ms/request"
    )
    print(f"  peak RSS of ratd             {rss:8.1f} MB     (target <= 150 MB, {'ok' if rss <= 150 else 'MISSED'})")
    print(
        f"  {CHUNKS}-chunk stream, median     stub {stream_direct['median_ms']:.3f} ms   via ratd "
        f"{stream_through['median_ms']:.3f} ms   added {stream_added:.3f} ms (LiteLLM's proxy: 32 ms)"
    )
    print(
        f"  HTTP layer alone (demo provider, no upstream call): median {layer_one['median_ms']:.3f} ms, "
        f"{CONNECTIONS} connections {layer['rps']:.0f} req/s"
    )


if __name__ == "__main__":
    main()
