"""The OpenAI-compatible HTTP API under load: ratd (a real process) in front of a fast loopback upstream stub,
measured with ``wrk`` (C, much lighter than the server; ``apt-get install wrk``), as issue 10 asks:

- added median latency of ``POST /v1/chat/completions`` over calling the stub directly (1 connection; target
  <= 1 ms);
- requests per second through ratd at 256 connections, every request answered (target >= 1,000);
- peak RSS of the ratd process (target <= 150 MB);
- the same two figures for the HTTP layer alone (the demo provider answers in-process, no upstream call), which
  separates what the HTTP API costs from what the provider's upstream call costs.

The stub is a raw asyncio HTTP/1.1 server (its own process) answering every POST with a prebuilt
``chat.completion``; ratd reaches it through its openai provider (``openai:stub``). ``--quick`` shortens every
phase. The figures only mean something on a quiet machine: other load on the cores shows up in both sides.
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
SECONDS = 3 if QUICK else 15
BODY = {"model": "openai:stub", "messages": [{"role": "user", "content": "hi there"}], "max_tokens": 16}
REPLY = {
    "id": "chatcmpl-stub",
    "object": "chat.completion",
    "created": 1700000000,
    "model": "stub",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": "hello"}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 2, "completion_tokens": 1, "total_tokens": 3},
}

STUB = r"""
import asyncio, sys
REPLY = sys.argv[2].encode()
RESPONSE = (b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(REPLY)) + REPLY

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
            self.buffer = self.buffer[end + 4 + size:]
            self.transport.write(RESPONSE)

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


def wrk(url: str, script: Path, connections: int, seconds: int) -> dict[str, float]:
    out = subprocess.run(
        ["wrk", f"-t{min(2, connections)}", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(script), url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    units = {"us": 1e-3, "ms": 1.0, "s": 1e3}
    median = re.search(r"^\s+50%\s+([\d.]+)(us|ms|s)", out, re.M)
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*", out)
    assert median and rate, out
    return {
        "median_ms": float(median.group(1)) * units[median.group(2)],
        "rps": float(rate.group(1)),
        "non_2xx": float(bad.group(1)) if bad else 0.0,
        "socket_errors": 1.0 if errors else 0.0,
    }


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


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
        script = Path(tmp) / "post.lua"
        script.write_text(LUA % json.dumps(BODY))
        demo = Path(tmp) / "demo.lua"
        demo.write_text(LUA % json.dumps({**BODY, "model": "demo:x"}))
        env = {
            **os.environ,
            "RATATOSKR_DISABLE_PLUGIN_AUTOLOAD": "1",
            "RATATOSKR_PLUGINS": "openai,demo",
            "RATATOSKR_TOKENS": str(Path(tmp) / "no-tokens.toml"),
        }
        stub = subprocess.Popen([sys.executable, "-c", STUB, str(stub_port), json.dumps(REPLY)])
        ratd = subprocess.Popen(
            [sys.executable, "-m", "ratatoskr_server.daemon", "--config", str(config), "--log-level", "warning"],
            env=env,
        )
        try:
            wait_port(stub_port)
            wait_port(http_port)
            direct = wrk(f"http://127.0.0.1:{stub_port}/v1/chat/completions", script, 1, SECONDS)
            through = wrk(f"http://127.0.0.1:{http_port}/v1/chat/completions", script, 1, SECONDS)
            loaded = wrk(f"http://127.0.0.1:{http_port}/v1/chat/completions", script, 256, SECONDS)
            layer_one = wrk(f"http://127.0.0.1:{http_port}/v1/chat/completions", demo, 1, SECONDS)
            layer = wrk(f"http://127.0.0.1:{http_port}/v1/chat/completions", demo, 256, SECONDS)
            rss = peak_rss_mb(ratd.pid)
        finally:
            for process in (ratd, stub):
                process.terminate()
                process.wait(15)
    added = through["median_ms"] - direct["median_ms"]
    cores = os.cpu_count()
    load = os.getloadavg()[0]
    print(f"HTTP API under wrk ({cores} CPUs, 1-min load average {load:.1f} at the end; {SECONDS} s per phase)")
    print(f"  median latency, 1 connection: stub {direct['median_ms']:.3f} ms, via ratd {through['median_ms']:.3f} ms")
    print(f"  added median latency        {added:8.3f} ms   (target <= 1 ms, {'ok' if added <= 1 else 'MISSED'})")
    ok = loaded["rps"] >= 1000 and not loaded["non_2xx"] and not loaded["socket_errors"]
    answered = "every request answered" if not loaded["non_2xx"] else f"{loaded['non_2xx']:.0f} non-2xx"
    verdict = f"target >= 1000, {'ok' if ok else 'MISSED'}"
    print(f"  256 connections             {loaded['rps']:8.0f} req/s ({answered}; {verdict})")
    print(f"  peak RSS of ratd            {rss:8.1f} MB     (target <= 150 MB, {'ok' if rss <= 150 else 'MISSED'})")
    print("  HTTP layer alone (demo provider, no upstream call):")
    print(f"    median latency, 1 connection {layer_one['median_ms']:.3f} ms; 256 connections {layer['rps']:.0f} req/s")


if __name__ == "__main__":
    main()
