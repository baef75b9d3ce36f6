"""The registry a gateway starts with: seed, download, local file; bad files are warnings; background refresh."""

from __future__ import annotations

import json
import logging
import os
import time
from pathlib import Path

import pytest
from ratatoskr import ConfigurationError, EmbeddedGateway, Settings
from ratatoskr.metadata.layers import configured_registry, refresh_due
from ratatoskr.metadata.registry import ModelRegistry, RegistryWarning
from ratatoskr.metadata.settings import RegistrySettings

LOCAL = {
    "version": 1,
    "models": [{"info": {"id": "me/mine", "provider": "ollama", "capabilities": ["Chat"]}, "max_output_tokens": 7}],
    "presets": {"free": {"agentic": "me/mine"}},
}


def _settings(tmp_path: Path, **registry: object) -> Settings:
    table = {"path": str(tmp_path / "cache.json"), "local": str(tmp_path / "local.json"), **registry}
    return Settings.from_dict({"registry": table})


def test_the_local_file_is_merged_over_the_download_and_the_seed(tmp_path: Path) -> None:
    (tmp_path / "cache.json").write_text(
        json.dumps({"version": 1, "models": [], "presets": {"free": {"agentic": "x/y"}}})
    )
    (tmp_path / "local.json").write_text(json.dumps(LOCAL))
    models = configured_registry(_settings(tmp_path))
    assert models.get("me/mine") is not None and len(models) == 25
    assert models.preset("free", "agentic").model == "me/mine"  # type: ignore[union-attr]
    assert models.preset("free", "coding").model == "arcee-ai/trinity-large-preview:free"  # type: ignore[union-attr]
    assert models.background_refresh is None  # off by default


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        (b"{not json", "not valid JSON"),
        (b'{"version": 7}', "unsupported registry version 7"),
        (b'{"version": 1, "models": [{"info": {"id": 3}}]}', "invalid registry entry"),
        (b"\xff\xfe\x00", "cannot be read"),
    ],
)
async def test_a_bad_cache_is_one_warning_and_the_seed_still_serves(
    tmp_path: Path, content: bytes, needle: str
) -> None:
    (tmp_path / "cache.json").write_bytes(content)
    with pytest.warns(RegistryWarning, match=needle) as caught:
        gateway = EmbeddedGateway.builder().settings(_settings(tmp_path)).plugins(False).build()
    assert len(caught) == 1 and str(tmp_path / "cache.json") in str(caught[0].message)
    assert len(gateway.model_registry) == 24
    assert (await gateway.resolve_preset("free", "agentic")).model.endswith(":free")  # type: ignore[union-attr]


def test_an_unreadable_cache_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "cache.json").mkdir()  # a directory where the file should be: reading it fails
    with pytest.warns(RegistryWarning, match="cannot be read"):
        models = configured_registry(_settings(tmp_path))
    assert len(models) == 24


def test_a_half_bad_file_is_skipped_whole(tmp_path: Path) -> None:
    bad = {"version": 1, "models": [LOCAL["models"][0], {"info": {}}]}  # type: ignore[index]
    (tmp_path / "local.json").write_text(json.dumps(bad))
    with pytest.warns(RegistryWarning):
        models = configured_registry(_settings(tmp_path))
    assert models.get("me/mine") is None


def test_registry_settings_are_checked(tmp_path: Path) -> None:
    config = RegistrySettings.from_table({}, {"HOME": str(tmp_path)})
    assert config.path == tmp_path / ".cache/ratatoskr/registry.json"
    assert config.local == tmp_path / ".config/ratatoskr/registry.json"
    assert (config.refresh, config.refresh_interval) == ("off", 86400.0)
    assert (
        RegistrySettings.from_table({}, {"XDG_CONFIG_HOME": str(tmp_path)}).local
        == tmp_path / "ratatoskr/registry.json"
    )
    for table, needle in [
        ({"refresh": "always"}, r"\[registry\] refresh must be one of 'off', 'background'"),
        ({"refresh_interval": -1}, r"\[registry\] refresh_interval must be at least 0"),
        ({"local": 3}, r"\[registry\] local must be a path"),
        ({"colour": "red"}, r"\[registry\] unknown key 'colour'"),
        ({"ulr": "https://x"}, r"did you mean 'url'"),
    ]:
        with pytest.raises(ConfigurationError, match=needle):
            RegistrySettings.from_table(table)


def test_refresh_is_due_when_missing_or_old(tmp_path: Path) -> None:
    path = tmp_path / "r.json"
    assert refresh_due(path, 3600)
    path.write_text("{}")
    assert not refresh_due(path, 3600)
    assert refresh_due(path, 3600, now=time.time() + 3601)
    assert refresh_due(path, 0)


def test_background_refresh_downloads_for_the_next_start(registry_server: dict[str, object], tmp_path: Path) -> None:
    settings = _settings(tmp_path, url=registry_server["url"], refresh="background")
    first = EmbeddedGateway.builder().settings(settings).plugins(False).build()
    assert first.model_registry.get("acme/new-model") is None  # this start keeps what it loaded
    thread = first.model_registry.background_refresh
    assert thread is not None and thread.daemon
    thread.join(10)
    assert not thread.is_alive()
    assert json.loads((tmp_path / "cache.json").read_text())["models"][0]["info"]["id"] == "acme/new-model"
    second = EmbeddedGateway.builder().settings(settings).plugins(False).build()
    assert second.model_registry.get("acme/new-model") is not None  # used from the next start
    assert second.model_registry.background_refresh is None  # fresh: not fetched again
    assert registry_server["hits"] == 1


def test_a_failed_background_refresh_is_logged_and_keeps_the_old_download(
    registry_server: dict[str, object], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    old = tmp_path / "cache.json"
    old.write_text(json.dumps(LOCAL))
    os.utime(old, (0, 0))  # long ago: due
    registry_server["body"] = b'{"version": 9}'
    settings = _settings(tmp_path, url=registry_server["url"], refresh="background", refresh_interval=60)
    with caplog.at_level(logging.WARNING, logger="ratatoskr.registry"):
        models = configured_registry(settings)
        assert models.background_refresh is not None
        models.background_refresh.join(10)
    assert "unsupported registry version 9" in caplog.text
    assert json.loads(old.read_text()) == LOCAL
    assert ModelRegistry.from_file(old).get("me/mine") is not None
