"""Start-up time of the ``ratatoskr`` CLI, with every installed plugin loaded.

Budget: ``ratatoskr --help`` under 0.3 s wall time. Measured side by side in one run, best of N (the minimum is
the figure least disturbed by other load on the machine; the median is printed too):

- ``python -c pass``: the interpreter alone, the floor;
- ``python -c "import httpx"``: the reference the design brief uses for "cheap to import";
- ``ratatoskr --help`` (the budget), ``ratatoskr --version``, ``ratatoskr chat --help`` (a command's page,
  rendered by cyclopts with rich) and ``ratatoskr tokens hello`` (a full run through the demo provider).

Usage: ``python bench/bench_cli.py [N]`` (default N = 15).
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

BUDGET_S = 0.3


def _ratatoskr() -> str:
    beside = Path(sys.executable).with_name("ratatoskr")
    found = str(beside) if beside.exists() else shutil.which("ratatoskr")
    if not found:
        raise SystemExit("the `ratatoskr` console script is not installed in this environment")
    return found


def _env() -> dict[str, str]:
    # Every installed plugin must load, as for a user: drop the switches that turn plugins off.
    drop = (
        "RATATOSKR_DISABLE_PLUGIN_AUTOLOAD",
        "RATATOSKR_PLUGINS",
        "RATATOSKR_BLOCK_PLUGINS",
        "RATATOSKR_TRACE_HOOKS",
        "PYTHONPROFILEIMPORTTIME",
    )
    return {k: v for k, v in os.environ.items() if k not in drop}


def _time(cmd: list[str], runs: int, env: dict[str, str]) -> tuple[float, float, int]:
    first = subprocess.run(cmd, env=env, capture_output=True, check=False)  # warm-up: bytecode, page cache
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        samples.append(time.perf_counter() - start)
    return min(samples), statistics.median(samples), first.returncode


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 15
    env = _env()
    cli = _ratatoskr()
    plugins = subprocess.run([cli, "plugins", "--json"], env=env, capture_output=True, text=True, check=False)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, best of {runs} runs")
    if plugins.returncode == 0:
        names = [p["name"] for p in json.loads(plugins.stdout)]
        print(f"plugins loaded ({len(names)}): {', '.join(names)}")
    else:
        print(f"plugins: {plugins.stderr.strip()}")
    cases = [
        ("python -c pass", [sys.executable, "-c", "pass"]),
        ("python -c 'import httpx'", [sys.executable, "-c", "import httpx"]),
        ("ratatoskr --help", [cli, "--help"]),
        ("ratatoskr --version", [cli, "--version"]),
        ("ratatoskr chat --help", [cli, "chat", "--help"]),
        ("ratatoskr tokens hello", [cli, "tokens", "hello"]),
    ]
    results: dict[str, float] = {}
    print(f"{'command':28}{'best':>9}{'median':>9}  exit")
    for name, cmd in cases:
        best, median, code = _time(cmd, runs, env)
        results[name] = best
        print(f"{name:28}{best:9.3f}{median:9.3f}  {code}")
    help_s = results["ratatoskr --help"]
    floor, httpx_s = results["python -c pass"], results["python -c 'import httpx'"]
    print(f"--help / import httpx: {help_s / httpx_s:.2f}x; --help above the bare interpreter: {help_s - floor:.3f} s")
    verdict = "holds" if help_s < BUDGET_S else "is EXCEEDED"
    print(f"budget: ratatoskr --help < {BUDGET_S} s {verdict} ({help_s:.3f} s)")


if __name__ == "__main__":
    main()
