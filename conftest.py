"""Repository-wide test setup: every async test runs on asyncio and on trio."""

import pytest


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
