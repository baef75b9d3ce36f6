import os
from pathlib import Path

import pytest
from ratatoskr import ConfigurationError, EmbeddedGateway, Settings
from ratatoskr.errors import InsecureSecretsFile


def write(path: Path, text: str, mode: int = 0o600) -> Path:
    path.write_text(text)
    os.chmod(path, mode)
    return path


def test_config_and_secrets_are_read_with_their_precedence(tmp_path: Path) -> None:
    config = write(tmp_path / "config.toml", '[providers.acme]\nbase_url = "http://x"\n# a comment\n')
    secrets = write(tmp_path / "secrets.toml", '[acme]\napi_key = "from-file"\n')
    settings = Settings.load(config, secrets=secrets, env={"ACME_API_KEY": "from-env", "ACME_URL": "http://env"})
    acme = settings.provider("acme")
    assert acme is not None
    assert acme.get("base_url", env="ACME_URL") == "http://x"
    assert acme.secret("api_key", env="ACME_API_KEY") == "from-file"
    assert acme.get("timeout", 30) == 30


def test_environment_is_the_last_source_of_a_secret(tmp_path: Path) -> None:
    settings = Settings.from_dict({"providers": {"acme": {}}}, env={"ACME_API_KEY": "env-key"})
    acme = settings.provider("acme")
    assert acme is not None and acme.secret(env="ACME_API_KEY") == "env-key"
    assert acme.secret(env="MISSING") is None


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660])
def test_secrets_file_readable_by_others_is_refused_naming_file_and_mode(tmp_path: Path, mode: int) -> None:
    secrets = write(tmp_path / "secrets.toml", "[acme]\napi_key='k'\n", mode)
    with pytest.raises(InsecureSecretsFile) as info:
        Settings.load(secrets=secrets, env={})
    assert str(secrets) in str(info.value)
    assert f"{mode:04o}" in str(info.value)


@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_secrets_file_with_private_mode_is_accepted(tmp_path: Path, mode: int) -> None:
    secrets = write(tmp_path / "secrets.toml", "[acme]\napi_key='k'\n", mode)
    assert Settings.load(secrets=secrets, env={}).secrets == {"acme": {"api_key": "k"}}


def test_secrets_file_found_through_the_environment(tmp_path: Path) -> None:
    secrets = write(tmp_path / "s.toml", "[acme]\napi_key='k'\n")
    settings = Settings.load(env={"RATATOSKR_SECRETS": str(secrets), "HOME": str(tmp_path)})
    assert settings.secrets_path == secrets


def test_missing_or_broken_files_are_configuration_errors(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="not found"):
        Settings.load(tmp_path / "nope.toml", env={})
    with pytest.raises(ConfigurationError, match="RATATOSKR_CONFIG"):
        Settings.load(env={"RATATOSKR_CONFIG": str(tmp_path / "nope.toml")})
    bad = write(tmp_path / "bad.toml", "[providers\n")
    with pytest.raises(ConfigurationError, match="bad.toml"):
        Settings.load(bad, env={})


def test_a_provider_is_enabled_by_its_table_or_by_default_and_disabled_explicitly() -> None:
    settings = Settings.from_dict({"providers": {"on": {}, "off": {"enabled": False}}})
    assert settings.provider("on") is not None
    assert settings.provider("absent") is None
    assert settings.provider("absent", default_enabled=True) is not None
    assert settings.provider("off", default_enabled=True) is None
    with pytest.raises(ConfigurationError, match="enabled"):
        Settings.from_dict({"providers": {"x": {"enabled": "yes"}}}).provider("x")


def test_gateway_sections_are_validated(tmp_path: Path) -> None:
    for data, needle in [
        ({"gateway": {"validation": "loud"}}, "validation"),
        ({"gateway": {"colour": "red"}}, "colour"),
        ({"retry": {"max_attempts": 0}}, "max_attempts"),
        ({"retry": {"tries": 3}}, "tries"),
        ({"routing": {"juggling": "x"}}, "juggling"),
        ({"cache": {"ttl": -1}}, "ttl"),
        ({"defaults": {"dance": "x"}}, "dance"),
    ]:
        with pytest.raises(ConfigurationError, match=needle):
            EmbeddedGateway.builder().settings(Settings.from_dict(data)).plugins(False).build()


def test_config_file_turns_on_cache_routing_and_disables_the_demo(tmp_path: Path) -> None:
    config = write(
        tmp_path / "c.toml",
        '[cache]\nttl = 10\n[routing]\nchat = ["demo"]\n[defaults]\nembed = "my-model"\n[providers.demo]\nenabled = false\n',
    )
    gw = EmbeddedGateway.from_settings(Settings.load(config, env={}))
    assert gw.cache is not None
    assert gw.default_model("embed") == "my-model"
    assert "demo" not in gw.dispatcher.provider_names()
