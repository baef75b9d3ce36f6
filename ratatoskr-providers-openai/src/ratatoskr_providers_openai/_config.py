"""``[providers.openai]`` and its ``instances``, declared once; the core reads them (ratatoskr.provider_factory)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from attrs import evolve, frozen
from ratatoskr.config_schema import at_least, http_url, setting
from ratatoskr.wire.settings import HttpProviderConfig

if TYPE_CHECKING:
    from typing import Self

__all__ = ["NAME", "OpenAIConfig", "OpenAIEndpoint"]

NAME = "openai"


@frozen(kw_only=True)
class OpenAIEndpoint(HttpProviderConfig):
    """One OpenAI-compatible endpoint: the main table, or one of its ``instances``."""

    base_url: str = setting("https://api.openai.com/v1", doc="The endpoint's URL.", env=True, validator=http_url)
    api_key: str | None = setting(None, doc="The API key (none: no `Authorization` header).", secret=True, env=True)
    api_key_env: str | None = setting(None, doc="Read the key from this environment variable instead.")
    name: str | None = setting(None, doc="The provider's name (default: `openai`, or the instance's table name).")
    headers: Mapping[str, str] = setting(doc="Extra HTTP headers sent with every request.", factory=dict)
    supported_parameters: frozenset[str] | None = setting(
        None, doc="Narrow the options the server takes (default: what the API documents)."
    )
    max_tokens_field: str | None = setting(
        None, doc="`max_tokens` or `max_completion_tokens` (default: the latter for api.openai.com only)."
    )
    generate_endpoint: Literal["chat", "completions"] = setting(
        "chat", doc="`completions`: generate through the legacy `/completions` (base models)."
    )
    embed_batch_size: int = setting(512, doc="Inputs per `/embeddings` request.", validator=at_least(1))
    embed_dimensions: int | None = setting(None, doc="`dimensions` for text-embedding-3 models.", validator=at_least(1))
    stream_usage: bool = setting(True, doc="Ask for usage in streams (`false` for servers refusing `stream_options`).")


#: Keys an instance does not inherit from the main table: the key must not reach a local server by accident.
_NOT_INHERITED = ("api_key", "api_key_env", "name", "enabled")


@frozen(kw_only=True)
class OpenAIConfig(OpenAIEndpoint):
    """The main table: one endpoint, plus more endpoints each of which becomes its own provider."""

    instances: Mapping[str, Mapping[str, Any]] = setting(
        doc="More endpoints, `[providers.openai.instances.NAME]`: each inherits this table's settings but not its key.",
        factory=dict,
    )

    def with_environment(self, env: Mapping[str, str]) -> Self:
        """An instance's ``api_key_env`` is read here (the main table's is read by the core)."""
        resolved = {}
        for name, table in self.instances.items():
            named = table.get("api_key_env")
            found = env.get(named) if isinstance(named, str) else None
            resolved[name] = {**table, "api_key": found} if found and "api_key" not in table else table
        return evolve(self, instances=resolved)

    def endpoints(self) -> list[OpenAIEndpoint]:
        """The main endpoint and each instance (its table over the main table's inherited settings).

        :raises InvalidSetting: a mistake in an instance table.
        :raises ConfigurationError: an instance without ``base_url``.
        """
        from attrs import asdict
        from ratatoskr.config_schema import read_table
        from ratatoskr.errors import ConfigurationError

        inherited = {k: v for k, v in asdict(self, recurse=False).items() if k not in (*_NOT_INHERITED, "instances")}
        out: list[OpenAIEndpoint] = [evolve(self, name=self.name or NAME)]
        for name, table in self.instances.items():
            where = f"providers.{NAME}.instances.{name}"
            if "base_url" not in table:
                raise ConfigurationError(f"[{where}] needs base_url")
            endpoint = read_table(OpenAIEndpoint, {**inherited, **table}, where=where)
            if endpoint.enabled:
                out.append(evolve(endpoint, name=endpoint.name or name))
        return out
