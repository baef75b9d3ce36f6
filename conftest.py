"""Repository-wide test setup: every async test runs on asyncio and on trio."""

import os
import sys

import pytest
from hypothesis import HealthCheck, settings

# No per-example deadline: the suite runs on shared, loaded machines (several xdist workers per core, other jobs
# beside it), where a 200 ms deadline fails correct property tests at random ("DeadlineExceeded ... FlakyFailure").
settings.register_profile("shared-machine", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("shared-machine")

# Bytecode caches on, even under PYTHONDONTWRITEBYTECODE=1 (set in some sandboxes and CI images): every xdist worker
# imports the whole tree and ~300 assertion-rewritten test modules, and the CLI/server subprocess tests import it
# again; without __pycache__ each of them compiles everything from source, which cost ~25 CPU-seconds of a ~105 s
# run on the 2-core dev machine. The caches are build output (gitignored), never read by a test.
# The variable goes too, for the processes started from here: the xdist workers (spawned after this file is read)
# otherwise load the pytest plugins (hypothesis, anyio, trio, xdist...) before any conftest, so they re-rewrote
# their ~145 modules for assertions in every worker of every run without ever keeping the result; and each CLI or
# ratd subprocess compiled the workspace's sources again (~0.2 CPU-s a start).
sys.dont_write_bytecode = False
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(autouse=True)
def _isolated_config(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Tests never read the developer's own ~/.ratatoskr or ~/.config/ratatoskr, nor their plugin switches."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for name in (
        "RATATOSKR_CONFIG",
        "RATATOSKR_SECRETS",
        "RATATOSKR_DISABLE_PLUGIN_AUTOLOAD",
        "RATATOSKR_BLOCK_PLUGINS",
        "RATATOSKR_PLUGINS",
        "RATATOSKR_TRACE_HOOKS",
        "RATATOSKR_DAEMON",
        "RATATOSKR_TRACEBACK",
        "XDG_CACHE_HOME",
        "XDG_DATA_HOME",  # the CLI's history (ratatoskr logs) goes to the test's own home
        "RATATOSKR_LOGS_PATH",
    ):
        monkeypatch.delenv(name, raising=False)
