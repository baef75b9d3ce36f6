"""The key tables in docs/configuration.md and docs/providers/*.md are generated from the declared config classes:
they are up to date, and every installed provider's table and every core section has one."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any

from ratatoskr import PluginManager
from ratatoskr.provider_factory import ProviderFactory
from ratatoskr.providers import CHAIN_CAPABILITIES
from ratatoskr.sections import CORE_SECTIONS

ROOT = Path(__file__).resolve().parents[1]


def _build_config() -> Any:
    spec = importlib.util.spec_from_file_location("build_config", ROOT / "docs/build_config.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_config"] = module
    spec.loader.exec_module(module)
    return module


def _name(cls: type) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def test_the_key_tables_match_the_declared_classes() -> None:
    assert _build_config().main(["--check"]) == 0, "run: uv run python docs/build_config.py"


def test_every_installed_provider_and_core_section_has_a_key_table() -> None:
    documented = _build_config().targets()
    pm = PluginManager(env={})
    pm.load_entrypoints()
    factories: set[ProviderFactory[Any]] = set()
    for cap in CHAIN_CAPABILITIES:
        for result in getattr(pm.pluggy.hook, f"ratatoskr_{cap.value}_providers")(settings=None):
            factories.update(item for item in result or () if isinstance(item, ProviderFactory))
    assert {f.name for f in factories} >= {
        "demo",
        "openai",
        "openrouter",
        "anthropic",
        "ollama",
        "huggingface",
        "local",
    }
    wanted = {_name(f.config) for f in factories} | {_name(cls) for cls in CORE_SECTIONS.values()}
    wanted |= {_name(cls) for cls in pm.config_sections().values()}
    missing = wanted - documented
    assert not missing, f"no key table in the docs for: {sorted(missing)}"
