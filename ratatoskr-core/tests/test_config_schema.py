"""Config tables declared once and read by the one converter; provider factories; unusable providers; no secret shown."""

from __future__ import annotations

from typing import Any

import pytest
from attrs import frozen
from ratatoskr import ConfigurationError, EmbeddedGateway, PluginManager, Settings, hookimpl
from ratatoskr.config_schema import ConfigTable, key_table, positive, read_table, setting
from ratatoskr.errors import InvalidSetting
from ratatoskr.plugins import ProviderNotUsableWarning
from ratatoskr.provider_factory import ProviderConfig, ProviderFactory, models_setting
from ratatoskr.providers import Capability
from ratatoskr.testing import FakeChatProvider, FakeEmbeddingProvider, build_plugin


@frozen(kw_only=True)
class AcmeConfig(ProviderConfig):
    api_key: str | None = setting(None, doc="Key.", secret=True, env=True, required=True)
    base_url: str = setting("https://acme.example", doc="URL.", env=True)
    timeout: float = setting(30.0, doc="Seconds.", validator=positive)
    retries: int = setting(2, doc="Tries.")
    models: frozenset[str] | None = models_setting()


built: list[object] = []


class AcmeProvider(FakeChatProvider, FakeEmbeddingProvider):  # one object, two capabilities
    def __init__(self, config: AcmeConfig) -> None:
        FakeChatProvider.__init__(self, "acme")
        self.config = config
        built.append(self)


acme = ProviderFactory("acme", AcmeConfig, AcmeProvider, env_enables=("api_key",))


class AcmePlugin:
    @hookimpl
    def ratatoskr_chat_providers(self) -> list[Any]:
        return [acme]

    @hookimpl
    def ratatoskr_embed_providers(self) -> list[Any]:
        return [acme]


def test_a_table_is_read_strictly_and_names_table_key_and_close_match() -> None:
    where = "providers.acme"
    config = read_table(AcmeConfig, {"timeout": 5, "models": ["a"]}, where=where)
    assert config.timeout == 5.0 and isinstance(config.timeout, float) and config.models == frozenset({"a"})
    for table, message in [
        ({"timout": 5}, r"\[providers.acme\] unknown key 'timout' \(did you mean 'timeout'\?\)"),
        ({"timeout": 0}, r"\[providers.acme\] timeout must be a number above 0, got 0"),
        ({"timeout": -1}, "timeout must be a number above 0"),
        ({"timeout": "30"}, "timeout must be a number, got '30'"),
        ({"retries": 1.5}, "retries must be an integer, got 1.5"),
        ({"retries": True}, "retries must be an integer"),
        ({"models": "gpt"}, "models must be a list of strings"),
        ({"models": [1]}, "models must be a list of strings"),
        ({"models": []}, "models must not be empty"),
        ({"enabled": "yes"}, "enabled must be true or false"),
        ({"api_key": 123}, "api_key must be a string or ..., got a hidden value"),
    ]:
        if "api_key" in table:
            with pytest.raises(InvalidSetting) as info:
                read_table(AcmeConfig, table, where=where)
            assert "123" not in str(info.value) and "hidden value" in str(info.value)
            continue
        with pytest.raises(InvalidSetting, match=message) as info:
            read_table(AcmeConfig, table, where=where)
        assert info.value.table == where and info.value.key == next(iter(table))


def test_secrets_and_environment_are_resolved_in_one_order() -> None:
    def config(table: dict[str, Any] | None, secrets: dict[str, Any] | None = None, **env: str) -> AcmeConfig | None:
        providers = {"acme": table} if table is not None else {}
        return acme.read(Settings.from_dict({"providers": providers}, secrets={"acme": secrets or {}}, env=env))

    assert config(None) is None  # no table, no key: off
    on = config(None, ACME_API_KEY="env", ACME_BASE_URL="http://b")
    assert on is not None and (on.api_key, on.base_url) == ("env", "http://b")
    secret = config({}, {"api_key": "file"}, ACME_API_KEY="env")
    assert secret is not None and secret.api_key == "file"
    table = config({"api_key": "table"}, {"api_key": "file"}, ACME_API_KEY="env")
    assert table is not None and table.api_key == "table"
    assert config({"enabled": False}, ACME_API_KEY="env") is None
    assert "'***'" in repr(table) and "table'" not in repr(table)


def test_a_missing_required_key_is_not_a_file_error_and_a_bad_env_value_names_its_variable() -> None:
    with pytest.raises(
        ConfigurationError, match=r"needs api_key: set it in the secrets file .* or ACME_API_KEY"
    ) as info:
        acme.read(Settings.from_dict({"providers": {"acme": {}}}))
    assert not isinstance(info.value, InvalidSetting)

    @frozen(kw_only=True)
    class Strict(AcmeConfig):
        base_url: str = setting("https://x", doc="URL.", env=True, validator=lambda _s, _a, v: _url(v))

    def _url(value: str) -> None:
        if not value.startswith("http"):
            raise InvalidSetting(f"base_url must be a URL, got {value!r}", key="base_url")

    factory = ProviderFactory("acme", Strict, AcmeProvider, env_enables=("api_key",))
    with pytest.raises(ConfigurationError, match="from ACME_BASE_URL") as info:
        factory.read(Settings.from_dict({}, env={"ACME_API_KEY": "k", "ACME_BASE_URL": "nope"}))
    assert not isinstance(info.value, InvalidSetting)


def test_one_object_serves_every_capability_whose_hook_returned_the_factory() -> None:
    built.clear()
    result = build_plugin(AcmePlugin(), env={"ACME_API_KEY": "k"})
    assert len(built) == 1
    assert result.chains[Capability.CHAT] == built and result.chains[Capability.EMBED] == built


def test_an_unusable_provider_is_recorded_and_warned_about_and_the_others_keep_working() -> None:
    pm = PluginManager(env={})
    pm.register(AcmePlugin(), "acme")

    class Other:
        @hookimpl
        def ratatoskr_chat_providers(self) -> list[Any]:
            return [FakeChatProvider("other").queue("hi")]

    pm.register(Other(), "other")
    settings = Settings.from_dict({"providers": {"acme": {}}})  # no key anywhere
    with pytest.warns(ProviderNotUsableWarning, match="acme is not usable: .*needs api_key"):
        gateway = EmbeddedGateway.from_settings(settings, plugins=pm)
    assert set(gateway.dispatcher.unusable) == {"acme"}
    error = gateway.dispatcher.unusable["acme"]
    assert isinstance(error, ConfigurationError) and error.provider == "acme"
    assert [p.name for p in gateway.dispatcher.chain(Capability.CHAT)] == ["other"]
    with pytest.raises(InvalidSetting, match="unknown key 'timout'"):  # a typo is refused, not "not usable"
        EmbeddedGateway.from_settings(Settings.from_dict({"providers": {"acme": {"timout": 1}}}), plugins=pm)


def test_unknown_sections_provider_tables_and_limits_are_refused_with_a_hint() -> None:
    pm = PluginManager(env={})
    pm.register(AcmePlugin(), "acme")
    for data, message in [
        ({"retyr": {}}, r"unknown section \[retyr\] \(did you mean 'retry'\?\)"),
        ({"providers": {"acmee": {}}}, r"\[providers.acmee\] names no installed provider \(did you mean 'acme'\?\)"),
        ({"limits": {"max_concurrent_requests": 3}}, r"\[limits\] is not read: .* \[server\]"),
        ({"retry": {"max_attempts": 1.5}}, r"\[retry\] max_attempts must be an integer, got 1.5"),
        ({"retry": {"max_attemps": 2}}, r"\[retry\] unknown key 'max_attemps' \(did you mean 'max_attempts'\?\)"),
        ({"gateway": {"validation": "loud"}}, r"\[gateway\] validation must be one of 'warn', 'error', 'ignore'"),
        ({"routing": {"chatt": "x"}}, r"did you mean 'chat'"),
        ({"defaults": {"embedd": "x"}}, r"did you mean 'embed'"),
        ({"cache": {"ttl": 0}}, r"\[cache\] ttl must be a number above 0"),
        ({"registry": {"url": "ftp://x"}}, r"\[registry\] url must be an http\(s\) URL"),
    ]:
        with pytest.raises(ConfigurationError, match=message):
            EmbeddedGateway.from_settings(Settings.from_dict(data), plugins=pm)


def test_settings_never_show_secrets_or_the_environment() -> None:
    settings = Settings.from_dict(
        {"providers": {"openai": {"api_key": "sk-table-1"}}},
        secrets={"x": {"api_key": "sk-file-2"}},
        env={"K": "sk-env-3"},
    )
    shown = repr(settings) + str(settings) + repr(settings.provider("openai"))
    assert not any(s in shown for s in ("sk-table-1", "sk-file-2", "sk-env-3"))
    assert "providers" in repr(settings)


def test_key_tables_are_rendered_from_the_declarations() -> None:
    table = key_table(AcmeConfig, provider="acme")
    assert "| `api_key` | a string | — | secrets file `[acme]`, `ACME_API_KEY` | **Required.** Key. |" in table
    assert "| `timeout` | a number | `30.0` | — | Seconds. |" in table

    @frozen(kw_only=True)
    class Bare(ConfigTable):
        flag: bool = setting(False, doc="A flag.")

    assert "| `flag` | true or false | `false` | — | A flag. |" in key_table(Bare)
