"""Core budgets, measured side by side in one run (issue: foundation).

- import cost: `import ratatoskr` vs `import httpx` (each in a fresh interpreter, minus bare start-up), best of N.
- per-call overhead: one embedded `chat` through the demo provider vs calling the provider directly, same loop.
Prints the figures and the ratios; exits 0 either way (the numbers are the result).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

import anyio

RUNS = 15


def interpreter_time(code: str) -> float:
    best = float("inf")
    for _ in range(RUNS):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        best = min(best, time.perf_counter() - start)
    return best


def import_budget() -> None:
    bare = interpreter_time("pass")
    httpx = interpreter_time("import httpx") - bare
    rat = interpreter_time("import ratatoskr") - bare
    typical = interpreter_time("from ratatoskr import EmbeddedGateway, ChatOptions, Message") - bare
    print(f"import cost (best of {RUNS}, interpreter start-up {bare * 1e3:.1f} ms subtracted)")
    print(f"  import httpx                               {httpx * 1e3:7.1f} ms")
    print(f"  import ratatoskr                           {rat * 1e3:7.1f} ms   ratio {rat / httpx:5.2f}x (budget 1.5x)")
    print(f"  from ratatoskr import EmbeddedGateway, ... {typical * 1e3:7.1f} ms   ratio {typical / httpx:5.2f}x")


async def overhead(backend: str) -> None:
    from ratatoskr import ChatOptions, EmbeddedGateway, Message, RetryPolicy
    from ratatoskr.demo.provider import DemoProvider

    provider = DemoProvider()
    gateway = EmbeddedGateway.builder().provider(provider).retry(RetryPolicy()).build()
    messages = [Message.user("hello there")]
    options = ChatOptions(model="demo-model", temperature=0.2)
    n = 20_000

    async def direct() -> None:
        await provider.chat(messages, None, options)

    async def through_gateway() -> None:
        await gateway.chat(messages, None, options)

    async def per_call(fn) -> float:  # type: ignore[no-untyped-def]
        for _ in range(2_000):
            await fn()
        samples = []
        for _ in range(5):
            start = time.perf_counter()
            for _ in range(n):
                await fn()
            samples.append((time.perf_counter() - start) / n)
        return statistics.median(samples)

    raw = await per_call(direct)
    gw = await per_call(through_gateway)
    print(f"per-call chat overhead on {backend} (median of 5 x {n} calls)")
    print(f"  provider.chat directly      {raw * 1e6:7.2f} us")
    print(
        f"  gateway.chat (demo)         {gw * 1e6:7.2f} us   overhead {(gw - raw) * 1e6:6.2f} us (budget 50 us)"
        f"   ratio {gw / raw:5.2f}x"
    )


def main() -> None:
    import_budget()
    for backend in ("asyncio", "trio"):
        anyio.run(overhead, backend, backend=backend)


if __name__ == "__main__":
    main()
