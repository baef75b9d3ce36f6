"""One test per hook (``test_hook_<name>``), and the check that docs/plugins/hooks.md documents each hook exactly."""

from __future__ import annotations

import inspect
import re
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from ratatoskr import (
    ChatOptions,
    ConfigurationError,
    EmbeddedGateway,
    GenerateOptions,
    Message,
    ModelInfo,
    ModelMetadata,
    PluginManager,
    Settings,
    hookimpl,
    hookspecs,
)
from ratatoskr.demo.provider import DemoProvider

ROOT = Path(__file__).resolve().parents[1]
HOOK_NAMES = sorted(n for n, f in inspect.getmembers(hookspecs, inspect.isfunction) if n.startswith("ratatoskr_"))


class Demo2(DemoProvider):
    """The demo's toy logic as an ordinary provider: in every fallback chain, unlike the demo itself."""

    name = "second-demo"
    explicit_only = False


def Plugin(hook: str, result: Any) -> Any:
    """A plugin object implementing the hook named ``hook`` (returning ``result``) and nothing else."""

    def impl(settings: Settings) -> Any:
        return result

    return SimpleNamespace(**{hook: hookimpl(specname=hook)(impl)})


def gateway_with(hook: str, provider: Any) -> EmbeddedGateway:
    pm = PluginManager(env={})
    pm.register(Plugin(hook, [provider]), "inline")
    return EmbeddedGateway.from_settings(Settings.from_dict({}), plugins=pm)


def test_hook_ratatoskr_configure() -> None:
    seen: list[Settings] = []

    class Checker:
        @hookimpl
        def ratatoskr_configure(self, settings: Settings) -> None:
            seen.append(settings)
            if settings.provider("acme") is not None:
                raise ConfigurationError("[providers.acme] needs region")

    pm = PluginManager(env={})
    pm.register(Checker(), "checker")
    EmbeddedGateway.from_settings(Settings.from_dict({}), plugins=pm)
    assert len(seen) == 1
    with pytest.raises(ConfigurationError, match="region"):
        EmbeddedGateway.from_settings(Settings.from_dict({"providers": {"acme": {}}}), plugins=pm)


def test_hook_ratatoskr_config_sections() -> None:
    from attrs import frozen
    from ratatoskr.config_schema import ConfigTable, setting

    @frozen(kw_only=True)
    class AcmeSection(ConfigTable):
        region: str = setting("eu", doc="Where.")

    class Declares:
        @hookimpl
        def ratatoskr_config_sections(self) -> dict[str, type[ConfigTable]]:
            return {"acme": AcmeSection}

    pm = PluginManager(env={})
    with pytest.raises(ConfigurationError, match=r"unknown section \[acme\]"):
        EmbeddedGateway.from_settings(Settings.from_dict({"acme": {"region": "us"}}), plugins=pm)
    pm.register(Declares(), "declares")
    EmbeddedGateway.from_settings(Settings.from_dict({"acme": {"region": "us"}}), plugins=pm)
    with pytest.raises(ConfigurationError, match=r"\[acme\] unknown key 'regoin' \(did you mean 'region'\?\)"):
        EmbeddedGateway.from_settings(Settings.from_dict({"acme": {"regoin": "us"}}), plugins=pm)


async def test_hook_ratatoskr_chat_providers() -> None:
    gw = gateway_with("ratatoskr_chat_providers", Demo2())
    reply = await gw.chat([Message.user("hi")], options=ChatOptions(model="m"))
    assert (reply.content, reply.provider) == ("echo: hi", "second-demo")


async def test_hook_ratatoskr_generate_providers() -> None:
    gw = gateway_with("ratatoskr_generate_providers", Demo2())
    assert (await gw.generate("hi", GenerateOptions(model="m"))).provider == "second-demo"


async def test_hook_ratatoskr_embed_providers() -> None:
    gw = gateway_with("ratatoskr_embed_providers", Demo2())
    assert (await gw.embed("hi", "m")).provider == "second-demo"


async def test_hook_ratatoskr_nli_providers() -> None:
    gw = gateway_with("ratatoskr_nli_providers", Demo2())
    assert (await gw.infer_nli("a cat", "a cat", "m")).provider == "second-demo"


async def test_hook_ratatoskr_classify_providers() -> None:
    gw = gateway_with("ratatoskr_classify_providers", Demo2())
    assert (await gw.classify_zero_shot("cats purr", ["cats", "dogs"], "m")).top_label == "cats"


async def test_hook_ratatoskr_stance_providers() -> None:
    gw = gateway_with("ratatoskr_stance_providers", Demo2())
    assert (await gw.classify_stance("I like cats", "cats", "m")).provider == "second-demo"


async def test_hook_ratatoskr_tokenize_providers() -> None:
    gw = gateway_with("ratatoskr_tokenize_providers", Demo2())
    assert await gw.count_tokens("one two", "m") == 2


class MetadataSource:
    name = "meta"
    priority = 0
    models = None

    async def fetch_metadata(self, model: str) -> ModelMetadata:
        return ModelMetadata(ModelInfo(model, "meta"), max_output_tokens=42)


async def test_hook_ratatoskr_metadata_providers() -> None:
    gw = gateway_with("ratatoskr_metadata_providers", MetadataSource())
    assert await gw.model_metadata("fresh/model") is None
    fetched = await gw.fetch_model_metadata("fresh/model")
    assert fetched.max_output_tokens == 42
    assert await gw.model_metadata("fresh/model") == fetched  # cached after the fetch


def test_hook_ratatoskr_remote_gateway(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io
    import sys

    from ratatoskr.cli import main

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"")))  # nothing piped
    remote = EmbeddedGateway.builder().provider(Demo2()).build()  # stands in for a client of a daemon
    asked: list[str] = []

    class Remote:
        @hookimpl
        def ratatoskr_remote_gateway(self, address: str, settings: Settings) -> Any:
            asked.append(address)
            return remote if address == "ours:1" else None

    pm = PluginManager(env={})
    pm.register(Remote(), "remote")
    assert pm.remote_gateway("elsewhere:2", Settings.from_dict({})) is None
    assert main(["embed", "hi", "--json"], plugins=pm, env={"RATATOSKR_DAEMON": "ours:1"}) == 0
    assert '"provider": "second-demo"' in capsys.readouterr().out
    assert asked == ["elsewhere:2", "ours:1"]
    assert main(["embed", "hi"], plugins=pm, env={"RATATOSKR_DAEMON": "elsewhere:2"}) == 2
    assert "no installed plugin connects to a daemon" in capsys.readouterr().err


def test_hook_ratatoskr_register_commands() -> None:
    import cyclopts

    class Commands:
        @hookimpl
        def ratatoskr_register_commands(self, app: Any) -> None:
            def hello(name: str = "world") -> str:
                return f"hello {name}"

            app.command(hello, name="acme-hello")

    app = cyclopts.App(name="ratatoskr", result_action="return_value")
    pm = PluginManager(env={})
    pm.register(Commands(), "commands")
    pm.register_commands(app)
    assert app(["acme-hello", "--name", "odin"], exit_on_error=False) == "hello odin"


# ---- docs and tests cannot drift from the hookspecs ----------------------------------------------------------


def _signature(name: str) -> str:
    text = f"def {name}{inspect.signature(getattr(hookspecs, name))}"
    return text.replace("'", "")


@pytest.mark.parametrize("name", HOOK_NAMES)
def test_every_hook_is_documented_with_its_exact_signature(name: str) -> None:
    doc = (ROOT / "docs/plugins/hooks.md").read_text()
    assert f"## {name}\n" in doc, f"docs/plugins/hooks.md has no section for {name}"
    section = doc.split(f"## {name}\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```python\n(.*?)\n```", section, re.S)
    assert blocks and blocks[0].strip() == _signature(name), (
        f"the signature of {name} in docs/plugins/hooks.md must be exactly: {_signature(name)}"
    )


@pytest.mark.parametrize("name", HOOK_NAMES)
def test_every_hook_has_a_test(name: str) -> None:
    assert f"test_hook_{name}" in globals(), f"hook {name} has no test_hook_{name} in tests/test_hooks.py"


def test_every_hook_has_a_docstring_with_params_and_return() -> None:
    for name in HOOK_NAMES:
        doc = getattr(hookspecs, name).__doc__ or ""
        takes = inspect.signature(getattr(hookspecs, name)).parameters
        assert ":return:" in doc and (":param" in doc or not takes), name
