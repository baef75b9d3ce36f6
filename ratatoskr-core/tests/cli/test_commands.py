"""Every built-in command against the demo provider, for people and with --json for scripts."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from ratatoskr.cli import main

Run = Callable[..., Any]  # the `cli` fixture (conftest.py)


def test_version(cli: Run) -> None:
    result = cli("--version", config=None)
    assert (result.code, result.out.strip()) == (0, "ratatoskr 0.2.0")


def test_plugins_lists_demo_from_its_entry_point(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("RATATOSKR_DISABLE_PLUGIN_AUTOLOAD", "1")
    monkeypatch.setenv("RATATOSKR_PLUGINS", "demo")
    assert main(["plugins"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["name", "distribution", "version", "capabilities"]
    assert lines[1].split()[:2] == ["demo", "ratatoskr-core"]

    assert main(["plugins", "--json"]) == 0
    (info,) = json.loads(capsys.readouterr().out)
    assert info["name"] == "demo"
    assert info["distribution"] == "ratatoskr-core"
    assert "chat" in info["capabilities"]


def test_models_lists_nothing_the_demo_does_not_serve(cli: Run) -> None:
    result = cli("models")
    assert (result.code, result.out) == (0, "no models available\n")
    assert json.loads(cli("models", "--json").out) == []


def test_status_of_a_demo_pin(cli: Run) -> None:
    result = cli("status", "demo:any-model", "-C", "embed")
    assert result.code == 0
    assert result.out == "demo:any-model: embed: available (provider: demo): demo provider: toy answers, not a model\n"
    (data,) = json.loads(cli("status", "demo:any-model", "--capability", "chat", "--json").out)
    assert data["status"] == {"Available": {"reason": "demo provider: toy answers, not a model"}}
    assert (data["provider"], data["served"], data["attempts"]) == ("demo", True, [])
    every = cli("status", "demo:any-model")
    assert every.code == 0
    assert [line.split(": ")[1] for line in every.out.splitlines()] == [
        "chat",
        "generate",
        "embed",
        "nli",
        "classify",
        "stance",
        "tokenize",
    ]


def test_status_of_a_model_nothing_serves_exits_1(cli: Run) -> None:
    result = cli("status", "any-model")
    assert (result.code, result.out) == (1, "")
    assert result.err.startswith("error: no provider would serve 'any-model'")
    data = json.loads(cli("status", "any-model", "--json", "-C", "embed").out)
    assert [(d["capability"], d["served"], d["provider"]) for d in data] == [("embed", False, None)]


def test_metadata_from_the_registry(cli: Run) -> None:
    result = cli("metadata", "anthropic/claude-sonnet-4.6")
    assert result.code == 0
    assert "context window: 1000000" in result.out
    assert "input cost:     $3/Mtok" in result.out
    assert "  temperature: mutable (min=0, max=2)" in result.out
    data = json.loads(cli("metadata", "anthropic/claude-sonnet-4.6", "--json").out)
    assert data["info"]["id"] == "anthropic/claude-sonnet-4.6"
    assert data["pricing"]["completion_cost_per_mtok"] == 15


def test_metadata_unknown_model_and_fetch_without_provider(cli: Run) -> None:
    missing = cli("metadata", "no/such-model")
    assert missing.code == 1
    assert (
        missing.err == "error: model not found: no/such-model (not in the model registry; try --fetch to "
        "ask the providers)\n"
    )
    fetched = cli("metadata", "no/such-model", "--fetch")
    assert fetched.code == 1
    assert fetched.err.startswith("error: no provider configured for metadata")


def test_presets_list_and_resolve(cli: Run) -> None:
    listing = json.loads(cli("presets", "--json").out)
    assert "agentic" in listing["free"]
    resolved = cli("presets", "budget/agentic")
    assert resolved.code == 0
    assert resolved.out.splitlines()[0] == "ratatoskr:budget/agentic → xiaomi/mimo-v2-flash"
    assert "  temperature: 0.3" in resolved.out
    data = json.loads(cli("presets", "ratatoskr:budget/agentic", "--json").out)
    assert data["model"] == "xiaomi/mimo-v2-flash"
    assert data["parameters"]["temperature"] == 0.3
    unknown = cli("presets", "gold/agentic")
    assert (unknown.code, unknown.err) == (1, "error: preset not found: tier 'gold', capability 'agentic'\n")


def test_embed(cli: Run) -> None:
    result = cli("embed", "hello", "-m", "demo:sentence-transformers/all-MiniLM-L6-v2")
    assert result.code == 0
    assert result.out.splitlines()[:2] == ["model: sentence-transformers/all-MiniLM-L6-v2 (demo)", "dimensions: 64"]
    assert result.out.splitlines()[2].endswith("... (64 total)]")
    data = json.loads(cli("embed", "hello", "-m", "demo:my-embedder", "--json").out)
    assert len(data["values"]) == 64
    assert (data["model"], data["provider"]) == ("my-embedder", "demo")


def test_embed_lines_is_one_batch(cli: Run) -> None:
    result = cli("embed", "--lines", "-m", "demo:x", stdin=b"first text\n\n  \nsecond text\n")
    assert result.code == 0
    out = result.out.splitlines()
    assert out[1] == "dimensions: 64" and [line.split(":")[0] for line in out[2:]] == ["1", "2"]
    data = json.loads(cli("embed", "--lines", "-m", "demo:x", "--json", stdin=b"a\nb\nc\n").out)
    assert [len(item["values"]) for item in data] == [64, 64, 64]
    assert data[0]["values"] != data[1]["values"]


@pytest.mark.parametrize(
    ("args", "capability", "default"),
    [
        (("embed", "hello"), "embed", "sentence-transformers/all-MiniLM-L6-v2"),
        (("nli", "a", "b"), "nli", "cross-encoder/nli-deberta-v3-small"),
        (("classify", "a", "-l", "x"), "classify", "cross-encoder/nli-deberta-v3-small"),
        (("stance", "a", "-t", "x"), "stance", "cross-encoder/nli-deberta-v3-small"),
        (("tokens", "a"), "tokenize", "sentence-transformers/all-MiniLM-L6-v2"),
        (("generate", "a"), "generate", "arcee-ai/trinity-large-preview:free"),  # the preset, resolved
    ],
)
def test_the_demo_never_answers_an_unpinned_model(
    cli: Run, args: tuple[str, ...], capability: str, default: str
) -> None:
    """With only the demo installed, the built-in default model of each command is refused, naming it."""
    result = cli(*args)
    assert (result.code, result.out) == (1, "")
    assert result.err.startswith(f"error: no provider configured for {capability} (model '{default}')")
    assert result.err.count("\n") == 1


def test_nli(cli: Run) -> None:
    result = cli("nli", "the cat sat on the mat", "the cat sat", "-m", "demo:cross-encoder/nli-deberta-v3-small")
    assert result.code == 0
    assert result.out.splitlines()[:2] == ["model: cross-encoder/nli-deberta-v3-small (demo)", "label: entailment"]
    data = json.loads(cli("nli", "the cat is here", "the cat is not here", "-m", "demo:x", "--json").out)
    assert data["label"] == "contradiction"


def test_nli_needs_its_texts(cli: Run) -> None:
    alone = cli("nli", "a hypothesis")  # no premise: nothing piped
    assert alone.code == 2 and alone.err.startswith("error: nli: the PREMISE is missing")
    three = cli("nli", "a", "b", "c")
    assert three.code == 2
    assert three.err.startswith("error: nli takes PREMISE and HYPOTHESIS")


def test_classify(cli: Run) -> None:
    result = cli("classify", "a match about sports", "--label", "sports", "--label", "politics", "-m", "demo:x")
    assert result.code == 0
    assert result.out.splitlines()[1].startswith("top label: sports")
    data = json.loads(
        cli(
            "classify",
            "sports news",
            "-l",
            "sports",
            "-l",
            "politics",
            "--multi-label",
            "--template",
            "This is about {}.",
            "-m",
            "demo:x",
            "--json",
        ).out
    )
    assert data["top_label"] == "sports"
    assert data["multi_label"] is True
    assert set(data["scores"]) == {"sports", "politics"}


def test_classify_input_errors(cli: Run) -> None:
    no_label = cli("classify", "text")
    assert (no_label.code, no_label.err) == (2, "error: classify needs at least one --label\n")
    bad_template = cli("classify", "text", "--label", "a", "--template", "no placeholder")
    assert bad_template.code == 2
    assert "hypothesis_template must contain {}" in bad_template.err


def test_stance(cli: Run) -> None:
    result = cli("stance", "I support nuclear power", "--target", "nuclear power", "-m", "demo:x")
    assert result.code == 0
    assert result.out.splitlines()[1] == "label: favor (target: nuclear power)"
    data = json.loads(cli("stance", "nuclear power is not good", "-t", "nuclear power", "-m", "demo:x", "--json").out)
    assert (data["label"], data["target"]) == ("against", "nuclear power")
    missing = cli("stance", "some text")
    assert missing.code == 2
    assert "--target" in missing.err


def test_tokens_count_and_show(cli: Run) -> None:
    assert cli("tokens", "héllo, world", "-m", "demo:x").out == "3 tokens\n"
    assert json.loads(cli("tokens", "héllo, world", "-m", "demo:x", "--json").out) == {"count": 3}
    shown = cli("tokens", "héllo, world", "-m", "demo:x", "--show")
    assert shown.code == 0
    rows = [line.split() for line in shown.out.splitlines()]
    assert rows[0] == ["#", "id", "start", "end", "text"]
    assert [r[2:] for r in rows[1:4]] == [["0", "6", "'héllo'"], ["6", "7", "','"], ["8", "13", "'world'"]]
    data = json.loads(cli("tokens", "héllo, world", "-m", "demo:x", "--show", "--json").out)
    assert data["count"] == 3
    assert [(t["text"], t["start"], t["end"]) for t in data["tokens"]] == [
        ("héllo", 0, 6),
        (",", 6, 7),
        ("world", 8, 13),
    ]


def test_chat_and_generate_default_models(cli: Run) -> None:
    chat = cli("chat", "hello there")
    assert (chat.code, chat.out) == (0, "echo: hello there\n")
    assert "demo/demo-chat" in chat.err  # [defaults] chat from the config file
    generated = cli("generate", "once upon a time", "-m", "demo:gen")
    assert (generated.code, generated.out) == (0, "echo: once upon a time\n")
    assert "demo/gen" in generated.err


def test_plugins_lists_a_provider_that_is_not_usable_and_why(cli: Run, tmp_path: Path) -> None:
    from types import SimpleNamespace

    from attrs import frozen
    from ratatoskr import hookimpl
    from ratatoskr.config_schema import setting
    from ratatoskr.demo.provider import DemoProvider
    from ratatoskr.plugins import PluginManager
    from ratatoskr.provider_factory import ProviderConfig, ProviderFactory

    @frozen(kw_only=True)
    class KeyedConfig(ProviderConfig):
        api_key: str | None = setting(None, doc="Key.", secret=True, env=True, required=True)
        timeout: float = setting(1.0, doc="Seconds.")

    keyed = ProviderFactory("keyed", KeyedConfig, lambda config: DemoProvider())
    plugins = PluginManager(env={})
    plugins.register(SimpleNamespace(ratatoskr_chat_providers=hookimpl(lambda: [keyed])), "keyed")
    config = tmp_path / "keyed.toml"
    config.write_text("[providers.keyed]\ntimeout = 30\n", encoding="utf-8")
    result = cli("plugins", config=config, manager=plugins)
    assert result.code == 0
    assert "not usable: keyed: [providers.keyed] needs api_key" in result.out
    info = json.loads(cli("plugins", "--json", config=config, manager=plugins).out)
    assert "KEYED_API_KEY" in info[0]["not_usable"]
    config.write_text("[providers.keyed]\ntimout = 30\n", encoding="utf-8")
    broken = cli("plugins", config=config, manager=plugins)
    assert broken.code == 2 and "keyed" in broken.out and "did you mean 'timeout'" in broken.err
