"""``ratatoskr registry …``: edits of the local registry file show in the next command; bad files do not stop any."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from ratatoskr import ModelInfo, ModelMetadata, PricingInfo
from ratatoskr.plugins import PluginManager, provider_plugin

from .conftest import Result

Cli = Callable[..., Result]


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(
        f'[defaults]\nchat = "demo:demo-chat"\n[registry]\npath = "{tmp_path / "cache.json"}"\nlocal = "{tmp_path / "local.json"}"\n',
        encoding="utf-8",
    )
    return path


class Catalogue:
    """A metadata provider that knows every model whose id starts with ``acme/``."""

    name = "catalogue"
    priority = 0
    models = None

    def __init__(self) -> None:
        self.calls: list[str] = []

    async def fetch_metadata(self, model: str) -> ModelMetadata:
        from ratatoskr.errors import ModelNotAvailable

        self.calls.append(model)
        if not model.startswith("acme/"):
            raise ModelNotAvailable(model, provider=self.name)
        return ModelMetadata(
            ModelInfo(model, "catalogue", ("Chat",), context_window=4096 * len(self.calls)),
            pricing=PricingInfo(1.0, 2.0),
            max_output_tokens=512,
        )


@pytest.fixture
def catalogue(plugins: PluginManager) -> Catalogue:
    source = Catalogue()

    plugins.register(provider_plugin(source, "metadata"), "catalogue")
    return source


def test_model_add_then_metadata_shows_it(cli: Cli, tmp_path: Path) -> None:
    assert cli("metadata", "acme/model-1").code == 1
    added = cli(
        "registry",
        "model",
        "add",
        "acme/model-1",
        "--provider",
        "demo",
        "--capability",
        "chat",
        "--capability",
        "ToolUse",
        "--context-window",
        "32000",
        "--prompt-cost",
        "0.25",
        "--completion-cost",
        "1.5",
    )
    assert added.code == 0, added.err
    assert added.out.splitlines()[0] == f"added acme/model-1 (demo) in {tmp_path / 'local.json'}"
    shown = cli("metadata", "acme/model-1")
    assert shown.code == 0, shown.err
    lines = shown.out.splitlines()
    assert "provider:       demo" in lines and "context window: 32000" in lines
    assert "input cost:     $0.25/Mtok" in lines and "output cost:    $1.5/Mtok" in lines
    saved = json.loads((tmp_path / "local.json").read_text())
    assert saved["version"] == 1 and saved["models"][0]["info"]["capabilities"] == ["Chat", "ToolUse"]
    listing = cli("registry", "model", "list")
    assert "acme/model-1" in listing.out and "$0.25/$1.5" in listing.out and "1 model in" in listing.out
    assert len(json.loads(cli("registry", "model", "list", "--all", "--json").out)) == 25


def test_preset_set_changes_what_the_preset_resolves_to(cli: Cli, tmp_path: Path) -> None:
    before = cli("presets", "free/agentic").out.splitlines()[0]
    assert before == "ratatoskr:free/agentic → mistralai/mistral-small-3.1-24b-instruct:free"
    assert cli("registry", "model", "add", "demo:demo-chat", "--provider", "demo").code == 0
    result = cli("registry", "preset", "set", "free", "agentic", "demo:demo-chat", "--temperature", "0.2")
    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == (
        "ratatoskr:free/agentic → demo:demo-chat (was mistralai/mistral-small-3.1-24b-instruct:free)"
    )
    assert cli("presets", "free/agentic").out.splitlines() == [
        "ratatoskr:free/agentic → demo:demo-chat",
        "  temperature: 0.2",
    ]
    chat = cli("chat", "-m", "ratatoskr:free/agentic", "--no-stream", "hello")
    assert chat.code == 0, chat.err
    assert "demo/demo-chat" in chat.err  # the preset now routes the chat to the model it names
    grid = cli("registry", "preset", "list").out
    assert "demo:demo-chat *" in grid
    assert cli("presets", "free/coding").out.startswith("ratatoskr:free/coding → arcee-ai/")  # others untouched
    assert cli("registry", "preset", "remove", "free", "agentic").code == 0
    assert cli("presets", "free/agentic").out.splitlines()[0] == before
    assert cli("registry", "preset", "remove", "free", "agentic").code == 1


def test_preset_set_needs_a_known_model_and_a_sane_name(cli: Cli, tmp_path: Path) -> None:
    result = cli("registry", "preset", "set", "free", "agentic", "nobody/knows")
    assert result.code == 2 and "not in the registry" in result.err
    assert cli("registry", "preset", "set", "fr/ee", "agentic", "openai/gpt-4o").code == 2
    assert not (tmp_path / "local.json").exists()
    ok = cli("registry", "preset", "set", "team", "coding", "openai/gpt-4o")  # a new tier, bare entry
    assert ok.code == 0 and ok.out.endswith(f"(new)\nsaved to {tmp_path / 'local.json'}\n")
    assert json.loads((tmp_path / "local.json").read_text())["presets"] == {"team": {"coding": "openai/gpt-4o"}}


def test_model_add_refuses_bad_input_and_keeps_the_file(cli: Cli, tmp_path: Path) -> None:
    assert cli("registry", "model", "add", "acme/x").code == 2  # neither --provider nor --fetch
    assert cli("registry", "model", "add", "acme/x", "--provider", "p", "--capability", "Telepathy").code == 2
    assert cli("registry", "model", "add", "acme/x", "--provider", "p", "--prompt-cost", "-1").code == 2
    assert cli("registry", "model", "add", "acme/x", "--provider", "p").code == 0
    before = (tmp_path / "local.json").read_text()
    again = cli("registry", "model", "add", "acme/x", "--provider", "q")
    assert again.code == 2 and "--force" in again.err
    assert (tmp_path / "local.json").read_text() == before
    assert cli("registry", "model", "add", "acme/x", "--provider", "q", "--force").out.startswith("replaced acme/x (q)")


def test_model_remove(cli: Cli, tmp_path: Path) -> None:
    missing = cli("registry", "model", "remove", "acme/x")
    assert missing.code == 1 and "not in" in missing.err
    cli("registry", "model", "add", "acme/x", "--provider", "demo")
    cli("registry", "preset", "set", "team", "chat", "acme/x")
    removed = cli("registry", "model", "remove", "acme/x")
    assert removed.code == 0 and "presets still name acme/x: team/chat" in removed.err
    assert cli("metadata", "acme/x").code == 1
    cli("registry", "model", "add", "openai/gpt-4o", "--provider", "openai")
    seeded = cli("registry", "model", "remove", "openai/gpt-4o")
    assert "still known from the seed" in seeded.out


def test_model_add_fetch_and_refresh_ask_the_providers(cli: Cli, catalogue: Catalogue, tmp_path: Path) -> None:
    added = cli("registry", "model", "add", "acme/fetched", "--fetch", "--prompt-cost", "0.5")
    assert added.code == 0, added.err
    entry = json.loads((tmp_path / "local.json").read_text())["models"][0]
    assert entry["info"]["provider"] == "catalogue" and entry["max_output_tokens"] == 512
    assert entry["pricing"] == {"prompt_cost_per_mtok": 0.5, "completion_cost_per_mtok": 2.0}  # the option wins
    assert cli("registry", "model", "add", "other/x", "--fetch").code == 1  # no provider knows it
    cli("registry", "model", "add", "other/y", "--provider", "manual")
    refreshed = cli("registry", "model", "refresh")
    assert refreshed.code == 0
    assert refreshed.out.startswith("refreshed 1/2 models") and "other/y" in refreshed.err
    entry = json.loads((tmp_path / "local.json").read_text())["models"][0]
    assert entry["info"]["context_window"] == 4096 * 3  # fetched again (the third call)
    cli("registry", "model", "remove", "acme/fetched")
    before = (tmp_path / "local.json").read_text()
    assert cli("registry", "model", "refresh").code == 1  # every fetch failed: the file is left alone
    assert (tmp_path / "local.json").read_text() == before


def test_a_corrupt_cache_leaves_every_command_working_with_one_warning(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "cache.json").write_text("{ this is not json")
    for args in (
        ("presets", "free/agentic"),
        ("metadata", "openai/gpt-4o"),
        ("chat", "--no-stream", "hello"),
        ("embed", "-m", "demo:demo-embed", "hello"),
        ("registry", "model", "list"),
        ("registry", "model", "add", "acme/x", "--provider", "demo"),
        ("registry", "preset", "list", "--all"),
    ):
        result = cli(*args)
        assert result.code == 0, (args, result.err)
        warnings = [line for line in result.err.splitlines() if line.startswith("warning:")]
        assert len(warnings) == 1, (args, result.err)
        assert "cache.json is not valid JSON" in warnings[0] and "ignoring it" in warnings[0]


def test_a_corrupt_local_file_is_not_overwritten(cli: Cli, tmp_path: Path) -> None:
    (tmp_path / "local.json").write_text('{"version": 1, "models": [')
    result = cli("registry", "model", "add", "acme/x", "--provider", "demo")
    assert result.code == 2 and "local.json is not valid JSON" in result.err
    assert (tmp_path / "local.json").read_text() == '{"version": 1, "models": ['


def test_registry_update_and_its_old_name(cli: Cli, registry_server: dict[str, object], tmp_path: Path) -> None:
    for command in (("registry", "update"), ("update-registry",)):
        result = cli(*command, "--url", str(registry_server["url"]))
        assert result.code == 0, result.err
        assert result.out.splitlines()[-1] == f"saved to {tmp_path / 'cache.json'}"
    assert cli("metadata", "acme/new-model").code == 0


def test_a_chat_through_a_priced_model_prints_its_cost(cli: Cli) -> None:
    unpriced = cli("chat", "hello")
    assert unpriced.err.splitlines()[-1] == "demo/demo-chat · 1 prompt + 3 completion = 4 tokens"
    cli("registry", "model", "add", "demo-chat", "--provider", "demo", "--prompt-cost", "2", "--completion-cost", "10")
    for args in (("chat", "hello"), ("chat", "--no-stream", "hello")):
        result = cli(*args)
        assert result.code == 0, result.err
        # 1 prompt token at $2/Mtok + 3 completion tokens at $10/Mtok = $0.000032
        assert result.err.splitlines()[-1] == "demo/demo-chat · 1 prompt + 3 completion = 4 tokens · $0.000032"
    streamed = cli("chat", "--json", "hello")
    usage = [json.loads(line) for line in streamed.out.splitlines() if '"usage"' in line]
    assert usage[0]["data"]["cost"]["total"] == pytest.approx(0.000032)


def test_cached_and_reasoning_prices(cli: Cli, tmp_path: Path) -> None:
    args = ("--provider", "p", "--prompt-cost", "3", "--completion-cost", "15", "--cached-cost", "0.3")
    assert cli("registry", "model", "add", "acme/x", *args, "--reasoning-cost", "10").code == 0
    pricing = json.loads((tmp_path / "local.json").read_text())["models"][0]["pricing"]
    assert pricing == {
        "prompt_cost_per_mtok": 3.0,
        "completion_cost_per_mtok": 15.0,
        "cached_cost_per_mtok": 0.3,
        "reasoning_cost_per_mtok": 10.0,
    }
    lines = cli("metadata", "acme/x").out.splitlines()
    assert "cached cost:    $0.3/Mtok" in lines and "reasoning cost: $10/Mtok" in lines
    assert cli("registry", "model", "add", "acme/y", "--provider", "p", "--cached-cost", "-0.1").code == 2
    assert not any(line.startswith("cached cost") for line in cli("metadata", "openai/gpt-4o").out.splitlines())
