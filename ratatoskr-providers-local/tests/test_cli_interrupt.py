"""Ctrl-C during a long CLI batch (``ratatoskr embed --lines``) ends the run promptly with exit code 130.

A real subprocess on the real bundled model. SIGINT is sent once the batch is surely running (the process has
used more CPU time than starting up takes); before, the worker thread finished the whole batch first (minutes
for this input), so the bound below is loose.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

#: CPU seconds the process must have used before SIGINT: start-up (imports, model load) takes far less.
BUSY_CPU_S = 6.0
#: Seconds from SIGINT to exit: one run of 8 texts, plus shutting down.
EXIT_WITHIN_S = 15.0


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads CPU time from /proc")
def test_sigint_during_a_batch_exits_promptly_with_130(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[providers.local]\nbatch_max_size = 8\n")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "RATATOSKR_CONFIG": str(config)}
    lines = "".join(
        f"Line {i}: a sentence of moderate length, so that each run has real work to do.\n" for i in range(20000)
    )
    child = subprocess.Popen(
        [sys.executable, "-m", "ratatoskr.cli", "embed", "--lines"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    try:
        assert child.stdin is not None
        child.stdin.write(lines)
        child.stdin.close()
        deadline = time.monotonic() + 120
        while _cpu_seconds(child.pid) < BUSY_CPU_S:
            assert child.poll() is None, f"ended before the batch was interrupted: {child.communicate()[1]}"
            assert time.monotonic() < deadline, "the batch never got busy"
            time.sleep(0.1)
        child.send_signal(signal.SIGINT)
        interrupted = time.monotonic()
        rc = child.wait(timeout=EXIT_WITHIN_S)  # raises TimeoutExpired when it does not stop
        assert time.monotonic() - interrupted < EXIT_WITHIN_S
        assert rc == 130
        assert "Traceback" not in (child.stderr.read() if child.stderr else "")
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        if child.stderr:
            child.stderr.close()
