"""The core's top-level config sections, declared as config tables, and the check of the whole file's shape.

``[gateway]``, ``[retry]`` (:class:`~ratatoskr.dispatch.retry.RetryPolicy`), ``[routing]``, ``[cache]``
(:class:`~ratatoskr.dispatch.cache.CacheConfig`), ``[defaults]`` and ``[registry]``
(:class:`~ratatoskr.metadata.settings.RegistrySection`) are read here through the one converter;
``[providers.NAME]`` tables by each provider's factory;
plugins declare their own sections (``[server]``) with the ``ratatoskr_config_sections`` hook. Any other top-level
table is refused with a "did you mean", and so is the original's ``[limits]`` (ratd's limits live in ``[server]``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from attrs import frozen

from ratatoskr.config_schema import ConfigTable, at_least, did_you_mean, read_table, setting
from ratatoskr.dispatch.cache import CacheConfig
from ratatoskr.dispatch.retry import RetryPolicy
from ratatoskr.errors import InvalidSetting
from ratatoskr.metadata.settings import RegistrySection
from ratatoskr.types import ParameterValidationPolicy

if TYPE_CHECKING:
    from ratatoskr.config import Settings

__all__ = ["CORE_SECTIONS", "DefaultsSection", "GatewaySection", "RoutingSection", "check_sections"]

_ROUTE = "Providers tried first for {}, in this order (a name or a list of names)."
_DEFAULT = "Model used for {} when none is named."


@frozen(kw_only=True)
class GatewaySection(ConfigTable):
    """``[gateway]``: what the dispatch pipeline does with options and refusals."""

    validation: ParameterValidationPolicy = setting(
        ParameterValidationPolicy.WARN, doc="What to do with an option a provider does not take."
    )
    discovery_ttl: float = setting(
        24 * 3600.0,
        doc="Seconds an option a provider refused at run time is remembered (0: off).",
        validator=at_least(0),
    )


@frozen(kw_only=True)
class RoutingSection(ConfigTable):
    """``[routing]``: providers put first in a capability's chain, and how each request's chain is ordered."""

    chat: str | tuple[str, ...] | None = setting(None, doc=_ROUTE.format("chat"))
    generate: str | tuple[str, ...] | None = setting(None, doc=_ROUTE.format("text generation"))
    embed: str | tuple[str, ...] | None = setting(None, doc=_ROUTE.format("embeddings"))
    nli: str | tuple[str, ...] | None = setting(None, doc=_ROUTE.format("NLI"))
    classify: str | tuple[str, ...] | None = setting(None, doc=_ROUTE.format("zero-shot classification"))
    stance: str | tuple[str, ...] | None = setting(None, doc=_ROUTE.format("stance detection"))
    tokenize: str | tuple[str, ...] | None = setting(None, doc=_ROUTE.format("token counting"))
    metadata: str | tuple[str, ...] | None = setting(None, doc=_ROUTE.format("model metadata"))
    strategy: str | dict[str, str] | None = setting(
        None,
        doc='How each request\'s chain is ordered: "priority" (default), "cost" or "latency"; or a table of them '
        "per capability (see ratatoskr.dispatch.routing).",
        validator=lambda _, attribute, value: _check_strategy(attribute, value),
    )

    def preferred(self) -> dict[str, tuple[str, ...]]:
        """Capability name → provider names, for the capabilities that are set."""
        out = {}
        for name in ("chat", "generate", "embed", "nli", "classify", "stance", "tokenize", "metadata"):
            value = getattr(self, name)
            if value is not None:
                out[name] = (value,) if isinstance(value, str) else tuple(value)
        return out

    def routing(self) -> dict[str, Any]:
        """The table for :meth:`~ratatoskr.dispatch.routing.RoutingConfig.from_config`: preferences and strategy."""
        out: dict[str, Any] = dict(self.preferred())
        if self.strategy is not None:
            out["strategy"] = self.strategy
        return out


def _check_strategy(attribute: Any, value: object) -> None:
    from ratatoskr.dispatch.routing import RoutingConfig
    from ratatoskr.errors import ConfigurationError

    if value is not None:
        try:
            RoutingConfig.from_config({"strategy": value})
        except ConfigurationError as exc:
            raise InvalidSetting(str(exc), key=attribute.name) from None


@frozen(kw_only=True)
class DefaultsSection(ConfigTable):
    """``[defaults]``: the model each capability uses when a caller (the CLI's ``-m``) names none."""

    chat: str | None = setting(None, doc=_DEFAULT.format("chat"))
    generate: str | None = setting(None, doc=_DEFAULT.format("text generation"))
    embed: str | None = setting(None, doc=_DEFAULT.format("embeddings"))
    nli: str | None = setting(None, doc=_DEFAULT.format("NLI"))
    classify: str | None = setting(None, doc=_DEFAULT.format("zero-shot classification"))
    stance: str | None = setting(None, doc=_DEFAULT.format("stance detection"))
    tokenize: str | None = setting(None, doc=_DEFAULT.format("token counting"))

    def models(self) -> dict[str, str]:
        """Capability name → model, for the capabilities that are set."""
        names = ("chat", "generate", "embed", "nli", "classify", "stance", "tokenize")
        return {name: getattr(self, name) for name in names if getattr(self, name) is not None}


#: Every top-level section the core reads, by name (``providers`` is checked per provider).
CORE_SECTIONS: Mapping[str, type[ConfigTable]] = {
    "gateway": GatewaySection,
    "retry": RetryPolicy,
    "routing": RoutingSection,
    "cache": CacheConfig,
    "defaults": DefaultsSection,
    "registry": RegistrySection,
}


#: Sections of first-party distributions, named when they are not installed.
_ELSEWHERE = {"server": "ratd (pip install 'ratatoskr[server]')"}


def check_sections(
    settings: Settings,
    plugin_sections: Mapping[str, type[ConfigTable]] | None,
    installed: frozenset[str] | None = None,
) -> None:
    """Refuse unknown top-level sections and read every known one (so a mistake anywhere is caught at start).

    :param plugin_sections: sections the loaded plugins declared (``ratatoskr_config_sections``); ``None`` when no
        plugins are loaded (a gateway assembled in code): first-party plugin sections such as ``[server]`` then
        pass unread.
    :param installed: entry-point names of installed plugins; a first-party section whose plugin is installed but
        not loaded (blocked, autoload off) passes unread, since that plugin reads it itself.
    :raises InvalidSetting: an unknown section (with a "did you mean"), ``[limits]``, or a bad key or value.
    """
    others: dict[str, Any] = dict(plugin_sections) if plugin_sections is not None else dict.fromkeys(_ELSEWHERE)
    others.update({name: None for name in _ELSEWHERE if name not in others and name in (installed or ())})
    known: dict[str, Any] = {**CORE_SECTIONS, **others, "providers": None}
    for name in settings.data:
        if name == "limits":
            raise InvalidSetting(
                "[limits] is not read: ratd's limits go in [server] (max_concurrent_requests, request_timeout)",
                table="limits",
                unknown=True,
            )
        if name in _ELSEWHERE and name not in known:
            raise InvalidSetting(f"[{name}] is read by {_ELSEWHERE[name]}, which is not installed", table=name)
        if name not in known:
            raise InvalidSetting(
                f"unknown section [{name}]{did_you_mean(name, known)}; known sections: {', '.join(sorted(known))}",
                table=name,
                unknown=True,
            )
        cls = known[name]
        if cls is not None:
            read_table(cls, settings.section(name), where=name)
    settings.section("providers")  # a table, at least
