"""Ctrl-C during a long CLI batch (``ratatoskr embed --lines``) ends the run promptly with exit code 130.

A real subprocess on the real bundled model. SIGINT is sent once the batch is surely running: the child is the
real CLI, started through a two-line bootstrap that writes a marker line on stderr when the model's first ONNX
run begins (start-up, imports and model load, is over by then). Before the fix, the worker thread finished the
whole batch first (minutes for this input), so the bound below is loose.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

#: Written on stderr by the child when the first ONNX run of the batch starts.
MARKER = "ratatoskr-test: batch running"
#: The child: the real ``python -m ratatoskr.cli``, with ``OnnxModel.run_chunk`` (every ONNX run goes through it)
#: wrapped to announce its first call. Nothing else changes.
BOOTSTRAP = f"""
import runpy, sys
from ratatoskr_providers_local._runtime import OnnxModel
original = OnnxModel.run_chunk
def run_chunk(self, encodings, chunk):
    if not getattr(run_chunk, "announced", False):
        run_chunk.announced = True
        sys.stderr.write({MARKER!r} + "\\n")
        sys.stderr.flush()
    return original(self, encodings, chunk)
OnnxModel.run_chunk = run_chunk
sys.argv = ["ratatoskr", *sys.argv[1:]]
runpy.run_module("ratatoskr.cli", run_name="__main__", alter_sys=True)
"""
#: Seconds to wait for the batch to start: start-up takes about two CPU-seconds, a loaded machine stretches it.
START_WITHIN_S = 120.0
#: Seconds from SIGINT to exit: one run of 8 texts, plus shutting down.
EXIT_WITHIN_S = 15.0


@pytest.mark.skipif(sys.platform == "win32", reason="sends a POSIX SIGINT")
def test_sigint_during_a_batch_exits_promptly_with_130(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("[providers.local]\nbatch_max_size = 8\n")
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "RATATOSKR_CONFIG": str(config)}
    lines = "".join(
        f"Line {i}: a sentence of moderate length, so that each run has real work to do.\n" for i in range(20000)
    )
    child = subprocess.Popen(
        [sys.executable, "-c", BOOTSTRAP, "embed", "--lines"],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert child.stderr is not None
    stderr_lines: queue.Queue[str | None] = queue.Queue()

    def read_stderr() -> None:
        assert child.stderr is not None
        for line in child.stderr:
            stderr_lines.put(line)
        stderr_lines.put(None)  # end of file: the child has exited (or closed stderr)

    reader = threading.Thread(target=read_stderr, daemon=True)
    reader.start()
    seen: list[str] = []
    try:
        assert child.stdin is not None
        child.stdin.write(lines)
        child.stdin.close()
        deadline = time.monotonic() + START_WITHIN_S
        while MARKER + "\n" not in seen:
            line = stderr_lines.get(timeout=max(0.0, deadline - time.monotonic()))  # queue.Empty: never started
            assert line is not None, f"ended before the batch was interrupted: {''.join(seen)}"
            seen.append(line)
        child.send_signal(signal.SIGINT)
        interrupted = time.monotonic()
        rc = child.wait(timeout=EXIT_WITHIN_S)  # raises TimeoutExpired when it does not stop
        assert time.monotonic() - interrupted < EXIT_WITHIN_S
        assert rc == 130
        reader.join(timeout=EXIT_WITHIN_S)
        while (line := stderr_lines.get(timeout=EXIT_WITHIN_S)) is not None:  # the rest, up to end of file
            seen.append(line)
        assert "Traceback" not in "".join(seen)
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()
        reader.join(timeout=5)
        child.stderr.close()
