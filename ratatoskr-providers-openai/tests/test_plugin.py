"""OpenAI-compatible registration: the main endpoint, named instances, and what each inherits."""

from __future__ import annotations

import pytest
from ratatoskr.config import Settings
from ratatoskr.errors import ConfigurationError, InvalidSetting
from ratatoskr.providers import ChatProvider, EmbeddingProvider, GenerateProvider
from ratatoskr_providers_openai import plugin


def test_off_without_table_or_key() -> None:
    assert plugin.openai.providers(Settings.from_dict({})) == []


def test_key_in_environment_enables_the_official_api() -> None:
    (provider,) = plugin.openai.providers(Settings.from_dict({}, env={"OPENAI_API_KEY": "sk-x"}))
    assert isinstance(provider, ChatProvider) and isinstance(provider, GenerateProvider)
    assert isinstance(provider, EmbeddingProvider)
    assert provider.name == "openai" and provider.base_url == "https://api.openai.com/v1"
    assert provider.headers["authorization"] == "Bearer sk-x"
    assert provider.max_tokens_field == "max_completion_tokens"
    assert "top_k" not in provider.supported_parameters  # OpenAI rejects it
    assert "cache_prompt" not in provider.supported_parameters


def test_instances_inherit_settings_but_not_the_key() -> None:
    settings = Settings.from_dict(
        {"providers": {"openai": {
            "timeout": 60, "embed_batch_size": 64,
            "instances": {
                "vllm": {"base_url": "http://127.0.0.1:8000/v1", "models": ["Qwen/Qwen3-8B"], "priority": 60},
                "lmstudio": {"base_url": "http://127.0.0.1:1234/v1", "name": "studio",
                             "generate_endpoint": "completions", "api_key": "lm"},
            },
        }}},
        env={"OPENAI_API_KEY": "sk-x", "OPENAI_BASE_URL": "https://proxy.example/v1"},
    )  # fmt: skip
    main, vllm, studio = plugin.openai.providers(settings)
    assert main.base_url == "https://proxy.example/v1" and main.max_tokens_field == "max_tokens"
    assert (vllm.name, vllm.base_url, vllm.models, vllm.priority) == (
        "vllm",
        "http://127.0.0.1:8000/v1",
        frozenset({"Qwen/Qwen3-8B"}),
        60,
    )
    assert "authorization" not in vllm.headers and vllm.embed_batch_size == 64
    assert "top_k" in vllm.supported_parameters
    assert studio.name == "studio" and studio.generate_endpoint == "completions"
    assert studio.headers["authorization"] == "Bearer lm"


@pytest.mark.parametrize(
    "table",
    [
        {"bogus": 1},
        {"instances": {"x": {}}},
        {"instances": "no"},
        {"generate_endpoint": "edits"},
        {"models": "gpt-4o"},
        {"priority": "high"},
    ],
)
def test_bad_tables_name_the_problem(table: dict[str, object]) -> None:
    with pytest.raises(ConfigurationError):
        plugin.openai.providers(Settings.from_dict({"providers": {"openai": table}}))


def test_an_unknown_key_in_an_instance_is_a_config_error_naming_it() -> None:
    settings = Settings.from_dict(
        {"providers": {"openai": {"instances": {"vllm": {"base_url": "http://h/v1", "modles": []}}}}}
    )
    with pytest.raises(InvalidSetting, match=r"instances\.vllm\] unknown key 'modles' \(did you mean 'models'\?\)"):
        plugin.openai.providers(settings)


def test_api_key_env_names_the_variable_for_the_main_table_and_instances() -> None:
    settings = Settings.from_dict(
        {"providers": {"openai": {"api_key_env": "MAIN_KEY", "instances": {"v": {"base_url": "http://h/v1",
                                                                                  "api_key_env": "V_KEY"}}}}},
        env={"MAIN_KEY": "sk-main", "V_KEY": "sk-v"},
    )  # fmt: skip
    main, v = plugin.openai.providers(settings)
    assert main.headers["authorization"] == "Bearer sk-main" and v.headers["authorization"] == "Bearer sk-v"
