"""The remote registry: fetched on request into a local cache file that the next gateway merges over the seed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ratatoskr import ConfigurationError, EmbeddedGateway, Overloaded, ResponseFormatError, Settings
from ratatoskr.metadata.remote import default_cache_path, fetch_registry, registry_location, save_registry

PAYLOAD = {
    "version": 1,
    "models": [
        {"info": {"id": "acme/new-model", "provider": "openrouter", "capabilities": ["Chat"]}, "max_output_tokens": 99}
    ],
    "presets": {"acme": {"agentic": "acme/new-model"}},
}


async def test_fetch_save_and_the_next_gateway_sees_it(registry_server: dict[str, object], tmp_path: Path) -> None:
    payload = await fetch_registry(str(registry_server["url"]))
    target = tmp_path / "cache" / "registry.json"
    save_registry(payload, target)
    assert json.loads(target.read_text()) == PAYLOAD
    settings = Settings.from_dict({"registry": {"path": str(target)}})
    gateway = EmbeddedGateway.builder().settings(settings).plugins(False).build()
    meta = await gateway.model_metadata("acme/new-model")
    assert meta is not None and meta.max_output_tokens == 99
    assert await gateway.model_metadata("anthropic/claude-sonnet-4.6") is not None  # the seed is still there
    assert (await gateway.resolve_preset("acme", "agentic")).model == "acme/new-model"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("body", "status", "error", "needle"),
    [
        (json.dumps({"version": 2, "models": []}).encode(), 200, ConfigurationError, "unsupported registry version 2"),
        (json.dumps({"version": 1, "models": [{"info": {}}]}).encode(), 200, ConfigurationError, "invalid registry"),
        (b"<html>", 200, ResponseFormatError, "JSON"),
        (b"{}", 503, Overloaded, "503"),
    ],
)
async def test_a_bad_download_is_refused(
    registry_server: dict[str, object], body: bytes, status: int, error: type[Exception], needle: str
) -> None:
    registry_server["body"], registry_server["status"] = body, status
    with pytest.raises(error, match=needle):
        await fetch_registry(str(registry_server["url"]))


def test_legacy_bare_array_is_accepted_and_saved_versioned(tmp_path: Path) -> None:
    target = tmp_path / "r.json"
    save_registry({"version": 1, "models": PAYLOAD["models"]}, target)  # type: ignore[dict-item]
    assert json.loads(target.read_text())["version"] == 1


def test_locations_come_from_the_config_with_defaults(tmp_path: Path) -> None:
    url, path = registry_location(Settings.from_dict({}, env={"HOME": str(tmp_path)}))
    assert url.startswith("https://") and path == tmp_path / ".cache/ratatoskr/registry.json"
    assert default_cache_path({"XDG_CACHE_HOME": str(tmp_path / "xdg")}) == tmp_path / "xdg/ratatoskr/registry.json"
    with pytest.raises(ConfigurationError, match=r"\[registry\] url"):
        registry_location(Settings.from_dict({"registry": {"url": "ftp://x"}}))
    with pytest.raises(ConfigurationError, match="colour"):
        registry_location(Settings.from_dict({"registry": {"colour": "red"}}))


def test_cli_update_registry(
    registry_server: dict[str, object],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import io
    import sys

    from ratatoskr.cli import main

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))
    target = tmp_path / "reg.json"
    code = main(["update-registry", "--url", str(registry_server["url"]), "--path", str(target), "--json"], env={})
    assert code == 0, capsys.readouterr().err
    assert json.loads(capsys.readouterr().out) == {
        "url": registry_server["url"],
        "path": str(target),
        "models": 1,
        "preset_tiers": 1,
    }
    registry_server["body"] = b'{"version": 9}'
    assert main(["update-registry", "--url", str(registry_server["url"]), "--path", str(target)], env={}) == 2
    assert "unsupported registry version 9" in capsys.readouterr().err
    assert json.loads(target.read_text()) == PAYLOAD  # the old cache is kept
