"""A third-party plugin, built here as a throwaway distribution and installed with uv, takes part like a built-in one."""

from __future__ import annotations

import base64
import hashlib
import importlib
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from ratatoskr import AllProvidersFailed, Capability, EmbeddedGateway, PluginManager, Settings

PLUGIN_SOURCE = '''
"""acme: a third-party Ratatoskr plugin used by the tests."""
from ratatoskr import Embedding, ModelNotAvailable, hookimpl


class AcmeEmbedder:
    name = "acme"
    priority = 500  # above every built-in provider
    models = None   # decides per call, to exercise ModelNotAvailable

    async def embed(self, text, model):
        if model != "acme-model":
            raise ModelNotAvailable(model, provider=self.name, reason="acme serves only acme-model")
        return Embedding([1.0, 2.0, 3.0], model, self.name)

    async def embed_batch(self, texts, model):
        return [await self.embed(t, model) for t in texts]


@hookimpl
def ratatoskr_embed_providers(settings):
    return [AcmeEmbedder()] if settings.provider("acme", default_enabled=True) else []
'''


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(directory: Path) -> Path:
    """A minimal, valid pure-Python wheel (PEP 427), so no build backend or network is needed."""
    files = {
        "ratatoskr_acme.py": PLUGIN_SOURCE.encode(),
        "ratatoskr_acme-0.4.2.dist-info/METADATA": b"Metadata-Version: 2.1\nName: ratatoskr-acme\nVersion: 0.4.2\n",
        "ratatoskr_acme-0.4.2.dist-info/WHEEL": b"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
        "ratatoskr_acme-0.4.2.dist-info/entry_points.txt": b"[ratatoskr]\nacme = ratatoskr_acme\n",
    }
    record = [_record_line(n, d) for n, d in files.items()] + ["ratatoskr_acme-0.4.2.dist-info/RECORD,,"]
    files["ratatoskr_acme-0.4.2.dist-info/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = directory / "ratatoskr_acme-0.4.2-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as zf:
        for name, data in files.items():
            zf.writestr(name, data)
    return wheel


@pytest.fixture(scope="module")
def installed_plugin(tmp_path_factory: pytest.TempPathFactory) -> Path:
    uv = os.environ.get("UV") or shutil.which("uv")  # `uv run` names itself in $UV, even when not on PATH
    assert uv, "uv is needed to install the test plugin (the README's test command runs under `uv run`)"
    work = tmp_path_factory.mktemp("acme")
    target = work / "site"
    wheel = build_wheel(work)
    subprocess.run(
        [
            uv,
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--offline",
            "--target",
            str(target),
            "--python",
            sys.executable,
            str(wheel),
        ],
        check=True,
    )
    assert (target / "ratatoskr_acme.py").is_file()
    return target


@pytest.fixture
def on_path(installed_plugin: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.syspath_prepend(str(installed_plugin))
    importlib.invalidate_caches()
    return installed_plugin


def test_third_party_plugin_is_discovered_with_its_distribution(on_path: Path) -> None:
    pm = PluginManager(env={})
    pm.load_entrypoints()
    acme = next(p for p in pm.plugins() if p.name == "acme")
    assert (acme.distribution, acme.version, acme.capabilities) == ("ratatoskr-acme", "0.4.2", ("embed",))


async def test_third_party_plugin_takes_part_in_the_fallback_chain(on_path: Path) -> None:
    gateway = EmbeddedGateway.from_settings(Settings.from_dict({}))
    chain = [p.name for p in gateway.dispatcher.chain(Capability.EMBED)]
    assert chain[0] == "acme" and "demo" not in chain  # the demo is never a fallback
    served = await gateway.embed("hello", "acme-model")
    assert (served.provider, served.values) == ("acme", (1.0, 2.0, 3.0))
    with pytest.raises(AllProvidersFailed) as info:
        await gateway.embed("hello", "some-other-model")
    assert (info.value.attempts[0].provider, info.value.attempts[0].declined) == ("acme", True)


def test_blocking_the_plugin_removes_it(on_path: Path) -> None:
    pm = PluginManager(env={"RATATOSKR_BLOCK_PLUGINS": "acme"})
    pm.load_entrypoints()
    assert "acme" not in [p.name for p in pm.plugins()]
    gateway = EmbeddedGateway.from_settings(Settings.from_dict({}), plugins=pm)
    assert "acme" not in gateway.dispatcher.provider_names()


def _cli(args: list[str], site: Path, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "PYTHONPATH": str(site), **env}
    return subprocess.run(
        [sys.executable, "-m", "ratatoskr.cli", *args], capture_output=True, text=True, env=full_env, timeout=60
    )


def test_ratatoskr_plugins_lists_it_and_the_block_switch_hides_it(installed_plugin: Path) -> None:
    listed = _cli(["plugins", "--json"], installed_plugin)
    assert listed.returncode == 0, listed.stderr
    names = {p["name"]: p for p in json.loads(listed.stdout)}
    assert names["acme"]["distribution"] == "ratatoskr-acme"
    assert "demo" in names
    blocked = _cli(["plugins", "--json"], installed_plugin, RATATOSKR_BLOCK_PLUGINS="acme")
    assert blocked.returncode == 0, blocked.stderr
    assert "acme" not in {p["name"] for p in json.loads(blocked.stdout)}
