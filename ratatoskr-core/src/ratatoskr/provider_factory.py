"""One provider object per plugin and gateway: a :class:`ProviderFactory` that the capability hooks return.

A plugin declares its ``[providers.NAME]`` table as a :class:`ProviderConfig` subclass and hands the core a
factory; every capability hook returns that same factory, and the core builds it once per gateway (reading the
table, the secrets file and the environment here, in one place), then puts the one provider object into the chain
of each capability whose hook returned it::

    acme = ProviderFactory("acme", AcmeConfig, AcmeProvider)   # AcmeProvider(config) builds it

    @hookimpl
    def ratatoskr_chat_providers():
        return [acme]

Where a setting's value comes from, first found wins: the config table; for a secret, ``<key>_env`` in the table
(a variable named by the user), then the secrets file's ``[NAME]`` table; then the environment variables the setting
declares (``env=True`` means ``<NAME>_<KEY>``, e.g. ``OPENAI_API_KEY``, ``OPENAI_BASE_URL``); then its default.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, Generic, TypeVar

import attrs
from attrs import frozen

from ratatoskr.config_schema import ConfigTable, env_names, non_empty, read_table, setting
from ratatoskr.errors import ConfigurationError, InvalidSetting
from ratatoskr.providers import PRIORITY_REMOTE

if TYPE_CHECKING:
    from typing import Self

    from ratatoskr.config import Settings
    from ratatoskr.providers import Provider

__all__ = ["ProviderConfig", "ProviderFactory", "models_setting", "provider_factory", "resolve_sources"]

C = TypeVar("C", bound="ProviderConfig")


@frozen(kw_only=True)
class ProviderConfig(ConfigTable):
    """Keys every ``[providers.NAME]`` table has; a provider's own config class derives from it."""

    enabled: bool = setting(True, doc="`false` turns the provider off, whatever else is set.")
    priority: int = setting(PRIORITY_REMOTE, doc="Higher runs earlier in fallback chains.")

    def with_environment(self, env: Mapping[str, str]) -> Self:
        """Apply switches from the environment that are not a setting's fallback (e.g. ``HF_HUB_OFFLINE``).

        Called once after the table is read; the default changes nothing.
        """
        return self


def models_setting() -> Any:
    """The ``models`` key: the model names a provider serves. "A list of strings" is decided here, once."""
    return setting(None, doc="Serve only these model names (default: any model).", validator=non_empty)


def resolve_sources(
    cls: type[ConfigTable], name: str, table: Mapping[str, Any], secrets: Mapping[str, Any], env: Mapping[str, str]
) -> tuple[dict[str, Any], dict[str, str]]:
    """``table`` completed from the secrets file and the environment, and where each borrowed value came from."""
    values, origin = dict(table), {}
    for field in attrs.fields(cls):  # type: ignore[arg-type]
        key, meta = field.name, field.metadata
        if key in values:
            continue
        if meta.get("secret"):
            named = values.get(f"{key}_env")
            if isinstance(named, str) and env.get(named):
                values[key], origin[key] = env[named], named
                continue
            if secrets.get(key):
                values[key], origin[key] = secrets[key], f"the secrets file's [{name}] table"
                continue
        for source in env_names(field, name):
            var, convert = (source, None) if isinstance(source, str) else source
            if env.get(var):
                values[key], origin[key] = (convert(env[var]) if convert else env[var]), var
                break
    return values, origin


@frozen(eq=False)
class ProviderFactory(Generic[C]):
    """Builds one plugin's providers from its ``[providers.NAME]`` table (see the module docstring).

    :param name: the table name, ``[providers.NAME]`` (and the secrets file's ``[NAME]``).
    :param config: the table's :class:`ProviderConfig` class.
    :param build: ``build(config)`` returns a provider, a list of providers, or ``None``. It raises
        :class:`~ratatoskr.errors.ConfigurationError` when it cannot build one: the provider is then *not usable*
        (recorded, warned about; other providers keep working).
    :param default_on: on without a table (providers that need no account or network).
    :param env_enables: settings whose environment fallback being set turns the provider on without a table
        (``("api_key",)``: ``ACME_API_KEY`` in the environment is enough).
    """

    name: str
    config: type[C]
    build: Callable[[C], Provider | Iterable[Provider] | None]
    default_on: bool = False
    env_enables: tuple[str, ...] = ()

    def read(self, settings: Settings) -> C | None:
        """The provider's config, or ``None`` when it is off.

        :raises InvalidSetting: a mistake in the table (refused wherever it is).
        :raises ConfigurationError: a required setting is missing, or an environment variable holds a bad value.
        """
        table = settings.section("providers").get(self.name)
        if table is not None and not isinstance(table, Mapping):
            raise InvalidSetting(f"[providers.{self.name}] must be a table, got {table!r}", table="providers")
        secrets = settings.secrets.get(self.name) or {}
        if not isinstance(secrets, Mapping):
            raise InvalidSetting(f"[{self.name}] in the secrets file must be a table", table=self.name)
        if table is None and not self.default_on and not self._enabled_by(settings.env):
            return None
        values, origin = resolve_sources(self.config, self.name, table or {}, secrets, settings.env)
        where = f"providers.{self.name}"
        try:
            config = read_table(self.config, values, where=where)
        except InvalidSetting as exc:
            if exc.key in origin:  # the value came from elsewhere: the table itself is fine
                raise ConfigurationError(f"{exc.message} (from {origin[exc.key]})") from None
            raise
        if not config.enabled:
            return None
        for field in attrs.fields(self.config):
            if field.metadata.get("required") and getattr(config, field.name) is None:
                raise ConfigurationError(f"[{where}] needs {field.name}: {self._where_to_put(field)}")
        return config.with_environment(settings.env)

    def providers(self, settings: Settings) -> list[Provider]:
        """Read the table and build: the providers (none when the provider is off). Raises as :meth:`read`."""
        config = self.read(settings)
        if config is None:
            return []
        built = self.build(config)
        if built is None:
            return []
        return list(built) if isinstance(built, list | tuple) else [built]  # type: ignore[list-item]

    def _enabled_by(self, env: Mapping[str, str]) -> bool:
        fields = attrs.fields_dict(self.config)
        for key in self.env_enables:
            for source in env_names(fields[key], self.name):
                if env.get(source if isinstance(source, str) else source[0]):
                    return True
        return False

    def _where_to_put(self, field: attrs.Attribute[Any]) -> str:
        places = [f"{field.name} in [providers.{self.name}]"]
        if field.metadata.get("secret"):
            places = [f'the secrets file ([{self.name}] {field.name} = "...")']
        places += [src if isinstance(src, str) else src[0] for src in env_names(field, self.name)]
        return "set it in " + " or ".join(places)


def provider_factory(
    name: str, config: type[C], *, default_on: bool = False, env_enables: tuple[str, ...] = ()
) -> Callable[[Callable[[C], Any]], ProviderFactory[C]]:
    """Decorator form: ``@provider_factory("acme", AcmeConfig)`` over ``def build(config) -> provider(s)``."""

    def wrap(build: Callable[[C], Any]) -> ProviderFactory[C]:
        return ProviderFactory(name, config, build, default_on=default_on, env_enables=env_enables)

    return wrap
