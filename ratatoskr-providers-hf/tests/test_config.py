"""The [providers.huggingface] table and when the plugin turns itself on."""

from __future__ import annotations

import pytest
from ratatoskr.config import Settings
from ratatoskr.config_schema import read_table
from ratatoskr.errors import ConfigurationError, InvalidSetting
from ratatoskr_providers_hf import HFConfig, Kind, plugin
from ratatoskr_providers_hf._config import DEFAULT_SERVERLESS_URL


def _built(data: dict, *, env: dict | None = None, secrets: dict | None = None) -> list:
    return plugin.huggingface.providers(Settings.from_dict(data, env=env or {}, secrets=secrets))


def test_off_without_table_or_token() -> None:
    assert _built({}) == []


@pytest.mark.parametrize("var", ["HF_TOKEN", "HF_API_KEY"])
def test_on_from_the_environment(var: str) -> None:
    (provider,) = _built({}, env={var: "hf_env"})
    assert provider.config.api_key == "hf_env"
    assert provider.config.base_url == DEFAULT_SERVERLESS_URL and provider.config.kind is Kind.SERVERLESS


def test_key_order_table_then_secrets_then_environment() -> None:
    table = {"providers": {"huggingface": {}}}
    assert (
        _built(table, secrets={"huggingface": {"api_key": "from_secrets"}}, env={"HF_TOKEN": "env"})[0].config.api_key
        == "from_secrets"
    )
    assert _built(table, env={"HF_TOKEN": "tok", "HF_API_KEY": "key"})[0].config.api_key == "tok"
    assert _built(table)[0].config.api_key is None  # a TEI server on a LAN may need none


def test_priority_from_the_table() -> None:
    (provider,) = _built({"providers": {"huggingface": {"priority": 7}}})
    assert provider.priority == 7


def _read(options: dict) -> HFConfig:
    return read_table(HFConfig, options, where="providers.huggingface")


def test_full_table() -> None:
    config = _read(
        {
            "kind": "tei",
            "base_url": "http://tei:8080/",
            "models": ["BAAI/bge-small-en-v1.5"],
            "batch_size": 8,
            "normalize": False,
            "wait_for_model": True,
            "stance_model": "x/y",
            "timeout": 5,
            "hub_url": "http://hub",
        }
    )
    assert (config.kind, config.base_url, config.batch_size, config.timeout) == (Kind.TEI, "http://tei:8080", 8, 5.0)
    assert config.models == frozenset({"BAAI/bge-small-en-v1.5"})


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"kind": "lambda"}, "kind must be one of 'serverless', 'endpoint', 'tei'"),
        ({"base_url": "ftp://x"}, "base_url must be an http"),
        ({"batch_size": 0}, "batch_size must be at least 1"),
        ({"batch_size": True}, "batch_size must be an integer"),
        ({"models": []}, "models must not be empty"),
        ({"models": "a/b"}, "models must be a list of strings"),
        ({"timeout": -1}, "timeout must be a number above 0"),
        ({"normalize": "yes"}, "normalize must be true or false"),
        (
            {"base_url_typo": "x"},
            "\\[providers.huggingface\\] unknown key 'base_url_typo' \\(did you mean 'base_url'\\?\\)",
        ),
    ],
)
def test_bad_tables_are_named(options: dict, message: str) -> None:
    with pytest.raises(InvalidSetting, match=message):
        _read(options)


def test_a_missing_base_url_makes_the_provider_not_usable_rather_than_refusing_the_file() -> None:
    with pytest.raises(ConfigurationError, match="needs base_url when kind = 'tei'") as info:
        _read({"kind": "tei"})
    assert not isinstance(info.value, InvalidSetting)
