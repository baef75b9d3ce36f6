"""Config tables declared once, as attrs classes, and read through the one converter.

A table (a provider's ``[providers.NAME]``, a core section such as ``[retry]``) is an attrs class deriving from
:class:`ConfigTable`; each field is declared with :func:`setting` (default, validator, environment fallback,
whether it is a secret, and a docstring that the docs are generated from)::

    @frozen(kw_only=True)
    class AcmeConfig(ProviderConfig):
        region: str = setting("eu", doc="Where requests go.", validator=one_of("eu", "us"))

``read_table(AcmeConfig, table, where="providers.acme")`` (through :data:`ratatoskr.serde.converter`) refuses an
unknown key (with a "did you mean"), a wrong type (``1.5`` for an integer, ``"30"`` for a number, a string for a list)
and an out-of-range value with :class:`~ratatoskr.errors.InvalidSetting`, naming the table and the key. TOML values
are taken strictly: nothing is coerced except a path string into a :class:`~pathlib.Path`.
"""

from __future__ import annotations

import difflib
import enum
import math
import types
import typing
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, TypeVar

import attrs

from ratatoskr.errors import InvalidSetting

__all__ = [
    "ConfigTable",
    "at_least",
    "between",
    "did_you_mean",
    "http_url",
    "key_table",
    "no_blanks",
    "non_empty",
    "one_of",
    "positive",
    "read_table",
    "setting",
]

T = TypeVar("T")
#: An environment variable a setting falls back to, optionally with a function turning its text into the value.
EnvSource = str | tuple[str, Callable[[str], Any]]


class ConfigTable:
    """Base of every declared config table (an attrs class): marks it for the converter's strict table reading."""

    __slots__ = ()


def setting(
    default: Any = attrs.NOTHING,
    *,
    doc: str,
    validator: Callable[[Any, attrs.Attribute[Any], Any], None] | None = None,
    env: bool | Sequence[EnvSource] = (),
    secret: bool = False,
    required: bool = False,
    factory: Callable[[], Any] | None = None,
    converter: Callable[[Any], Any] | None = None,
) -> Any:
    """A declared setting: an ``attrs.field`` carrying its documentation and where else its value may come from.

    :param doc: one sentence for the docs' key tables (generated from it).
    :param env: environment variables read when the table lacks the key, in order; ``True`` means
        ``<PROVIDER>_<KEY>`` (``OPENAI_BASE_URL``). Resolved by :mod:`ratatoskr.provider_factory`, never per provider.
    :param secret: also read from the secrets file's ``[PROVIDER]`` table; never shown in a repr.
    :param required: the provider cannot work without it (after the environment and the secrets file); a
        missing one makes the provider *not usable*, it is not a config error.
    """
    metadata = {"doc": doc, "env": env, "secret": secret, "required": required}
    shown: Any = _redacted if secret else True
    if factory is not None:
        default = attrs.Factory(factory)
    return attrs.field(default=default, validator=validator, converter=converter, metadata=metadata, repr=shown)


def _redacted(value: Any) -> str:
    return "None" if value is None else "'***'"


# ---- validators (raise InvalidSetting naming the key; the table is added by read_table) --------------------------


def _bad(attribute: attrs.Attribute[Any], message: str, value: Any) -> InvalidSetting:
    return InvalidSetting(f"{attribute.name} {message}, got {value!r}", key=attribute.name)


def positive(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A finite number above zero (``None`` passes: it means "not set")."""
    if value is not None and not (math.isfinite(value) and value > 0):
        raise _bad(attribute, "must be a number above 0", value)


def at_least(minimum: float) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """A finite number ``>= minimum`` (``None`` passes)."""

    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and not (math.isfinite(value) and value >= minimum):
            raise _bad(attribute, f"must be at least {minimum:g}", value)

    return check


def between(low: float, high: float) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """A number from ``low`` to ``high`` inclusive (``None`` passes)."""

    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and not low <= value <= high:
            raise _bad(attribute, f"must be from {low:g} to {high:g}", value)

    return check


def one_of(*choices: Any) -> Callable[[Any, attrs.Attribute[Any], Any], None]:
    """One of ``choices`` (``None`` passes)."""

    def check(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
        if value is not None and value not in choices:
            hint = did_you_mean(str(value), [str(c) for c in choices])
            raise _bad(attribute, f"must be one of {', '.join(map(repr, choices))}{hint}", value)

    return check


def http_url(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """An ``http://`` or ``https://`` URL (``None`` passes)."""
    if value is not None and not value.startswith(("http://", "https://")):
        raise _bad(attribute, "must be an http(s) URL", value)


def non_empty(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """A non-empty string or collection whose strings are not blank (``None`` passes)."""
    items = [value] if isinstance(value, str) else list(value or ()) if value is not None else None
    if items is not None and (not items or any(isinstance(i, str) and not i.strip() for i in items)):
        raise _bad(attribute, "must not be empty", value)


def no_blanks(_: Any, attribute: attrs.Attribute[Any], value: Any) -> None:
    """No blank string among a collection's items (or a table's keys and values); an empty one is fine."""
    items = [*value.keys(), *value.values()] if isinstance(value, Mapping) else list(value or ())
    if any(isinstance(i, str) and not i.strip() for i in items):
        raise _bad(attribute, "must not hold blank names", value)


def did_you_mean(word: str, known: Iterable[str]) -> str:
    """``" (did you mean 'x'?)"`` for the closest known word, or ``""``."""
    close = difflib.get_close_matches(word, list(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


# ---- strict reading, registered on the one converter ---------------------------------------------------------


class _WrongType(Exception):
    def __init__(self, expected: str) -> None:
        self.expected = expected


def _describe(tp: Any) -> str:
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if origin in (typing.Union, types.UnionType):
        return " or ".join(_describe(a) for a in args if a is not type(None))
    if tp is bool:
        return "true or false"
    if tp is int:
        return "an integer"
    if tp is float:
        return "a number"
    if tp is str:
        return "a string"
    if tp is Path:
        return "a path"
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return "one of " + ", ".join(repr(m.value) for m in tp)
    if origin is typing.Literal:
        return "one of " + ", ".join(map(repr, args))
    if origin in (tuple, list, frozenset, set, Sequence):
        return f"a list of {_plural(args[0])}"
    if origin in (dict, Mapping):
        return f"a table of {_plural(args[1])}"
    if isinstance(tp, type) and issubclass(tp, ConfigTable):
        return "a table"
    return getattr(tp, "__name__", str(tp))


def _plural(tp: Any) -> str:
    names = {str: "strings", int: "integers", float: "numbers", bool: "booleans", Path: "paths", Any: "values"}
    if tp in names:
        return names[tp]
    return "tables" if typing.get_origin(tp) in (dict, Mapping) else f"values ({_describe(tp)})"


def _strict(tp: Any, value: Any) -> Any:
    """``value`` (as TOML gives it) as ``tp``, without coercion; :class:`_WrongType` if it is not one."""
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    if tp is Any:
        return value
    if origin in (typing.Union, types.UnionType):
        if value is None and type(None) in args:
            return None
        for arg in (a for a in args if a is not type(None)):
            try:
                return _strict(arg, value)
            except _WrongType:
                continue
        raise _WrongType(_describe(tp))
    if tp is bool or tp is str:
        if not isinstance(value, tp):
            raise _WrongType(_describe(tp))
        return value
    if tp is int or tp is float:
        if isinstance(value, bool) or not isinstance(value, int if tp is int else (int, float)):
            raise _WrongType(_describe(tp))
        return tp(value)
    if tp is Path:
        if not isinstance(value, str) or not value:
            raise _WrongType("a path")
        return Path(value).expanduser()
    if origin is typing.Literal:
        if value not in args:
            raise _WrongType(_describe(tp))
        return value
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        try:
            return tp(value)
        except ValueError:
            raise _WrongType(_describe(tp)) from None
    if origin in (tuple, list, frozenset, set, Sequence):
        if not isinstance(value, list | tuple):
            raise _WrongType(_describe(tp))
        items = [_strict(args[0], item) for item in value]
        return (origin if origin is not Sequence else tuple)(items)
    if origin in (dict, Mapping):
        if not isinstance(value, Mapping) or not all(isinstance(k, str) for k in value):
            raise _WrongType(_describe(tp))
        return {k: _strict(args[1], v) for k, v in value.items()}
    from ratatoskr.serde import converter

    if isinstance(tp, type) and issubclass(tp, ConfigTable) and not isinstance(value, Mapping):
        raise _WrongType("a table")
    return converter.structure(value, tp)


def structure_table_hook(cls: type[T]) -> Callable[[Any, Any], T]:
    """The converter's structure function for a :class:`ConfigTable` class (see :mod:`ratatoskr.serde`)."""
    attrs.resolve_types(cls)  # type: ignore[type-var]
    fields = {f.name: f for f in attrs.fields(cls) if f.metadata.get("key", True)}  # type: ignore[arg-type]

    def structure(value: Any, _: Any) -> T:
        if not isinstance(value, Mapping):
            raise InvalidSetting(f"must be a table, got {value!r}")
        for key in value:
            if key not in fields:
                hint = did_you_mean(str(key), fields)
                raise InvalidSetting(
                    f"unknown key {key!r}{hint}; known keys: {', '.join(fields)}", key=str(key), unknown=True
                )
        kwargs = {}
        for key, item in value.items():
            try:
                kwargs[key] = _strict(fields[key].type, item)
            except _WrongType as exc:
                shown = "a hidden value" if fields[key].metadata.get("secret") else repr(item)
                raise InvalidSetting(f"{key} must be {exc.expected}, got {shown}", key=key) from None
            except InvalidSetting as exc:  # inside a nested table
                raise InvalidSetting(exc.message, key=f"{key}.{exc.key}" if exc.key else key) from None
        return cls(**kwargs)

    return structure


def read_table(cls: type[T], table: Mapping[str, Any], *, where: str) -> T:
    """``table`` as ``cls`` (a :class:`ConfigTable`), through the one converter.

    :param where: the table's name in the config file (``providers.openai``, ``retry``), for the error.
    :raises InvalidSetting: an unknown key, a wrong type or an out-of-range value, naming ``[where]`` and the key.
    """
    from ratatoskr.serde import converter

    try:
        return converter.structure(table, cls)
    except InvalidSetting as exc:
        raise InvalidSetting(f"[{where}] {exc.message}", table=where, key=exc.key, unknown=exc.unknown) from None


# ---- docs ----------------------------------------------------------------------------------------------------


def _default_text(field: attrs.Attribute[Any]) -> str:
    default: Any = field.default
    if isinstance(default, attrs.Factory):  # type: ignore[arg-type]
        if default.takes_self:
            return "see description"
        default = default.factory()
    if default is None or default is attrs.NOTHING or default in ((), {}, frozenset()):
        return "—"
    if isinstance(default, enum.Enum):
        default = default.value
    if isinstance(default, bool):
        return f"`{str(default).lower()}`"
    return f'`"{default}"`' if isinstance(default, str) else f"`{default}`"


def env_names(field: attrs.Attribute[Any], provider: str | None) -> list[EnvSource]:
    """The environment variables ``field`` falls back to (``True`` expands to ``<PROVIDER>_<KEY>``)."""
    env = field.metadata.get("env", ())
    if env is True:
        return [f"{(provider or '').upper().replace('-', '_')}_{field.name.upper()}"] if provider else []
    return list(env or ())


def key_table(cls: type[Any], *, provider: str | None = None) -> str:
    """The Markdown table of ``cls``'s keys (type, default, environment/secrets fallback, description)."""
    attrs.resolve_types(cls)
    rows = ["| key | type | default | also from | description |", "|---|---|---|---|---|"]
    for field in attrs.fields(cls):
        meta = field.metadata
        if not meta.get("key", True):  # set in code (a command-line flag), not a key of the file
            continue
        also = [f"`{src if isinstance(src, str) else src[0]}`" for src in env_names(field, provider)]
        if meta.get("secret"):
            also.insert(0, f"secrets file `[{provider}]`" if provider else "secrets file")
        doc = meta.get("doc", "")
        if meta.get("required"):
            doc = f"**Required.** {doc}"
        cells = [f"`{field.name}`", _describe(field.type), _default_text(field), ", ".join(also) or "—", doc]
        rows.append("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    return "\n".join(rows)
