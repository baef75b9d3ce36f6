import sys
from types import SimpleNamespace

import pytest
from ratatoskr import ConfigurationError, PluginManager, Settings, hookimpl
from ratatoskr.providers import Capability
from ratatoskr.testing import FakeEmbeddingProvider


def test_entry_points_are_loaded_and_demo_is_listed_with_its_distribution() -> None:
    pm = PluginManager(env={})
    pm.load_entrypoints()
    demo = next(p for p in pm.plugins() if p.name == "demo")
    assert demo.distribution == "ratatoskr-core"
    assert demo.version
    assert "chat" in demo.capabilities and "embed" in demo.capabilities


def test_disable_autoload_loads_only_the_named_plugins() -> None:
    pm = PluginManager(env={"RATATOSKR_DISABLE_PLUGIN_AUTOLOAD": "1"})
    pm.load_entrypoints()
    assert pm.plugins() == []
    pm = PluginManager(env={"RATATOSKR_DISABLE_PLUGIN_AUTOLOAD": "1", "RATATOSKR_PLUGINS": "demo"})
    pm.load_entrypoints()
    assert [p.name for p in pm.plugins()] == ["demo"]


def test_blocked_plugin_is_not_loaded_or_registered() -> None:
    pm = PluginManager(env={"RATATOSKR_BLOCK_PLUGINS": "demo, other"})
    pm.load_entrypoints()
    assert "demo" not in [p.name for p in pm.plugins()]
    pm.register(SimpleNamespace(), "other")
    assert "other" not in [p.name for p in pm.plugins()]


def test_trace_switch_writes_hook_calls_to_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    pm = PluginManager(
        env={"RATATOSKR_TRACE_HOOKS": "1", "RATATOSKR_DISABLE_PLUGIN_AUTOLOAD": "1", "RATATOSKR_PLUGINS": "demo"}
    )
    pm.load_entrypoints()
    secret = "sk-planted-4242"
    built = pm.build(Settings.from_dict({}, secrets={"demo": {"api_key": secret}}, env={"X_API_KEY": secret}))
    assert built.chains[Capability.EMBED]
    err = capsys.readouterr().err
    assert "ratatoskr_embed_providers" in err and "ProviderFactory('demo')" in err
    assert secret not in err and "X_API_KEY" not in err
    assert len(err.splitlines()) <= 2 * 8 + 2  # one line before and after each provider hook, no dumps


class _BadPlugin:
    @hookimpl
    def ratatoskr_embed_providers(self, settings: Settings) -> list[object]:
        return [object()]


def test_a_provider_not_implementing_the_protocol_is_a_configuration_error() -> None:
    pm = PluginManager(env={})
    pm.register(_BadPlugin(), "bad")
    with pytest.raises(ConfigurationError, match="bad|EmbeddingProvider"):
        pm.build(Settings.from_dict({}))


def test_a_plugin_that_fails_to_import_names_itself(monkeypatch: pytest.MonkeyPatch) -> None:
    from importlib import metadata

    broken = metadata.EntryPoint(name="broken", value="no_such_module_xyz.plugin", group="ratatoskr")
    monkeypatch.setattr(metadata, "entry_points", lambda group: [broken])
    pm = PluginManager(env={})
    with pytest.raises(ConfigurationError, match="broken"):
        pm.load_entrypoints()


class _InlinePlugin:
    @hookimpl
    def ratatoskr_embed_providers(self, settings: Settings) -> list[FakeEmbeddingProvider]:
        table = settings.provider("inline", default_enabled=True)
        return [FakeEmbeddingProvider("inline", priority=5, fake_id=7)] if table else []


async def test_fixture_registers_an_inline_plugin_for_one_test(ratatoskr_plugins, ratatoskr_gateway_factory) -> None:  # type: ignore[no-untyped-def]
    ratatoskr_plugins.register(_InlinePlugin(), "inline")
    gw = ratatoskr_gateway_factory()
    assert (await gw.embed("x", "m")).provider == "inline"
    off = ratatoskr_gateway_factory({"providers": {"inline": {"enabled": False}}})
    assert off.dispatcher.chain(Capability.EMBED) == ()


def test_plugin_modules_of_the_workspace_are_cheap_to_import() -> None:
    """plugin.py modules are imported by every CLI start: they must not pull heavy libraries."""
    import subprocess

    code = (
        "import sys; from ratatoskr.plugins import PluginManager; pm = PluginManager(env={}); pm.load_entrypoints();"
        "heavy = {'onnxruntime', 'numpy', 'tokenizers', 'huggingface_hub', 'grpc', 'torch', 'openai', 'httpx'};"
        "print(sorted(heavy & set(sys.modules)), len(pm.plugins()))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out[0] == "[]", f"plugin modules imported heavy libraries: {out}"
