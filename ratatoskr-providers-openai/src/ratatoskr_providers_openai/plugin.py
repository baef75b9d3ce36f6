"""Registers OpenAI-compatible providers (hookimpls only; the provider module is imported when one is built).

Enabled by a ``[providers.openai]`` table or by ``OPENAI_API_KEY`` in the environment. Extra endpoints go in
``[providers.openai.instances.NAME]`` tables: each becomes a provider named ``NAME`` with the main table's
settings as defaults (see docs/providers/openai.md).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from ratatoskr.errors import ConfigurationError
from ratatoskr.plugins import hookimpl

if TYPE_CHECKING:
    from ratatoskr.config import ProviderSettings, Settings

    from ratatoskr_providers_openai.provider import OpenAIProvider

NAME = "openai"
_KEYS = frozenset(
    {"base_url", "api_key", "api_key_env", "models", "priority", "headers", "timeout", "supported_parameters",
     "max_tokens_field", "generate_endpoint", "embed_batch_size", "embed_dimensions", "stream_usage", "name",
     "instances"}
)  # fmt: skip


def _check(where: str, table: Mapping[str, Any]) -> None:
    unknown = set(table) - _KEYS
    if unknown:
        raise ConfigurationError(f"{where}: unknown keys {sorted(unknown)} (known: {sorted(_KEYS)})")


def _list(where: str, value: Any) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigurationError(f"{where} must be a list of strings")
    return value


def _provider(name: str, where: str, table: Mapping[str, Any], api_key: str | None, env: Mapping[str, str],
              base_url: str) -> OpenAIProvider:  # fmt: skip
    from ratatoskr.providers import PRIORITY_REMOTE
    from ratatoskr.wire.openai_client import default_timeout

    from ratatoskr_providers_openai.provider import DEFAULT_EMBED_BATCH, OpenAIProvider

    _check(where, table)
    if key_env := table.get("api_key_env"):
        api_key = env.get(str(key_env)) or api_key
    headers = table.get("headers", {})
    priority = table.get("priority", PRIORITY_REMOTE)
    if not isinstance(headers, dict) or (isinstance(priority, bool) or not isinstance(priority, int)):
        raise ConfigurationError(f"{where}: headers must be a table and priority an integer")
    supported = _list(f"{where}.supported_parameters", table.get("supported_parameters"))
    try:
        return OpenAIProvider(
            base_url=base_url, api_key=api_key, name=name, priority=priority,
            models=_list(f"{where}.models", table.get("models")),
            headers={str(k): str(v) for k, v in headers.items()},
            timeout=default_timeout(float(table.get("timeout", 300.0))),
            supported_parameters=frozenset(supported) if supported is not None else None,
            max_tokens_field=table.get("max_tokens_field"),
            generate_endpoint=table.get("generate_endpoint", "chat"),
            embed_batch_size=int(table.get("embed_batch_size", DEFAULT_EMBED_BATCH)),
            embed_dimensions=table.get("embed_dimensions"),
            stream_usage=bool(table.get("stream_usage", True)),
        )  # fmt: skip
    except (TypeError, ValueError) as exc:
        raise ConfigurationError(f"{where}: {exc}") from exc


def build(settings: Settings) -> list[OpenAIProvider]:
    table: ProviderSettings | None = settings.provider(NAME, default_enabled=bool(settings.env.get("OPENAI_API_KEY")))
    if table is None:
        return []
    from ratatoskr_providers_openai.provider import DEFAULT_BASE_URL

    main = dict(table.options)
    instances = main.pop("instances", {})
    if not isinstance(instances, dict):
        raise ConfigurationError("providers.openai.instances must be a table of named tables")
    base_url = str(table.get("base_url", DEFAULT_BASE_URL, env="OPENAI_BASE_URL"))
    api_key = table.secret("api_key", env="OPENAI_API_KEY")
    providers = [_provider(str(main.get("name", NAME)), "providers.openai", main, api_key, settings.env, base_url)]
    for instance, extra in instances.items():
        where = f"providers.openai.instances.{instance}"
        if not isinstance(extra, dict) or "base_url" not in extra:
            raise ConfigurationError(f"{where} must be a table with a base_url")
        inherited = {k: v for k, v in main.items() if k not in ("api_key", "api_key_env", "name")}
        merged = {**inherited, **extra}
        # An instance does not inherit the main key: a local server must not receive the OpenAI key.
        key = extra.get("api_key")
        providers.append(
            _provider(str(extra.get("name", instance)), where, merged, key, settings.env, str(extra["base_url"]))
        )
    return providers


def _shared(settings: Settings) -> list[OpenAIProvider]:
    # One provider object (one HTTP client) for every capability hook.
    return settings.shared("ratatoskr_providers_openai", lambda: build(settings))


@hookimpl
def ratatoskr_chat_providers(settings: Settings) -> list[OpenAIProvider]:
    return _shared(settings)


@hookimpl
def ratatoskr_generate_providers(settings: Settings) -> list[OpenAIProvider]:
    return _shared(settings)


@hookimpl
def ratatoskr_embed_providers(settings: Settings) -> list[OpenAIProvider]:
    return _shared(settings)
