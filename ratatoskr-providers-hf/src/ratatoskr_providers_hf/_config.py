"""The ``[providers.huggingface]`` table, validated once into a frozen value."""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from attrs import frozen
from ratatoskr.errors import ConfigurationError

if TYPE_CHECKING:
    from ratatoskr.config import ProviderSettings

__all__ = [
    "DEFAULT_HUB_URL",
    "DEFAULT_SERVERLESS_URL",
    "DEFAULT_STANCE_MODEL",
    "KEY_ENV_VARS",
    "NAME",
    "HFConfig",
    "Kind",
]

NAME = "huggingface"
#: The serverless router's route to HF's own inference provider ("hf-inference").
DEFAULT_SERVERLESS_URL = "https://router.huggingface.co/hf-inference"
#: The Hub, for model info (``/api/models/{id}``) and ``config.json`` (label names).
DEFAULT_HUB_URL = "https://huggingface.co"
DEFAULT_STANCE_MODEL = "facebook/bart-large-mnli"
#: Environment variables holding the token, in the order they are read.
KEY_ENV_VARS = ("HF_TOKEN", "HF_API_KEY")

_KNOWN_KEYS = frozenset(
    {
        "base_url",
        "api_key",
        "kind",
        "models",
        "batch_size",
        "normalize",
        "wait_for_model",
        "stance_model",
        "timeout",
        "hub_url",
        "priority",
    }
)


class Kind(enum.StrEnum):
    """How request URLs are built from ``base_url``."""

    #: Inference Providers (hf-inference): ``{base}/models/{model}[/pipeline/feature-extraction]``.
    SERVERLESS = "serverless"
    #: A dedicated Inference Endpoint: every task is POSTed to ``{base}``; the endpoint serves one model.
    ENDPOINT = "endpoint"
    #: A text-embeddings-inference server: ``{base}/embed``, ``{base}/predict``, ``{base}/info``.
    TEI = "tei"


def _need(key: str, value: Any, kind: type | tuple[type, ...], what: str) -> Any:
    if isinstance(value, bool) and kind is not bool:
        raise ConfigurationError(f"providers.{NAME}.{key} must be {what}, got {value!r}")
    if not isinstance(value, kind):
        raise ConfigurationError(f"providers.{NAME}.{key} must be {what}, got {value!r}")
    return value


@frozen(kw_only=True)
class HFConfig:
    kind: Kind = Kind.SERVERLESS
    base_url: str = DEFAULT_SERVERLESS_URL
    api_key: str | None = None
    #: Model names served, or None for any model.
    models: frozenset[str] | None = None
    #: Most texts (or pairs) per request; TEI servers may lower it through ``/info``.
    batch_size: int = 32
    normalize: bool = True
    wait_for_model: bool = False
    stance_model: str = DEFAULT_STANCE_MODEL
    timeout: float = 60.0
    hub_url: str = DEFAULT_HUB_URL

    @classmethod
    def from_options(cls, options: Mapping[str, Any], *, api_key: str | None = None) -> HFConfig:
        unknown = set(options) - _KNOWN_KEYS
        if unknown:
            raise ConfigurationError(
                f"unknown [providers.{NAME}] keys: {', '.join(sorted(unknown))} "
                f"(known: {', '.join(sorted(_KNOWN_KEYS))})"
            )
        raw_kind = _need("kind", options.get("kind", "serverless"), str, "serverless, endpoint or tei")
        try:
            kind = Kind(raw_kind)
        except ValueError as exc:
            raise ConfigurationError(
                f"providers.{NAME}.kind must be serverless, endpoint or tei, got {raw_kind!r}"
            ) from exc
        base_url = options.get("base_url")
        if base_url is None:
            if kind is not Kind.SERVERLESS:
                raise ConfigurationError(f"providers.{NAME}.base_url is required when kind = {kind.value!r}")
            base_url = DEFAULT_SERVERLESS_URL
        base_url = _need("base_url", base_url, str, "a URL").rstrip("/")
        if not base_url.startswith(("http://", "https://")):
            raise ConfigurationError(f"providers.{NAME}.base_url must start with http:// or https://")
        models = options.get("models")
        if models is not None:
            _need("models", models, list, "a list of model names")
            if not models or not all(isinstance(m, str) and m.strip() for m in models):
                raise ConfigurationError(f"providers.{NAME}.models must be a non-empty list of model names")
            models = frozenset(models)
        batch_size = _need("batch_size", options.get("batch_size", 32), int, "a positive integer")
        if batch_size < 1:
            raise ConfigurationError(f"providers.{NAME}.batch_size must be a positive integer")
        timeout = float(_need("timeout", options.get("timeout", 60.0), (int, float), "a number of seconds"))
        if not math.isfinite(timeout) or timeout <= 0:
            raise ConfigurationError(f"providers.{NAME}.timeout must be a positive number of seconds")
        stance_model = options.get("stance_model", DEFAULT_STANCE_MODEL)
        _need("stance_model", stance_model, str, "a model name")
        hub_url = _need("hub_url", options.get("hub_url", DEFAULT_HUB_URL), str, "a URL").rstrip("/")
        return cls(
            kind=kind,
            base_url=base_url,
            api_key=api_key,
            models=models,
            batch_size=batch_size,
            normalize=_need("normalize", options.get("normalize", True), bool, "true or false"),
            wait_for_model=_need("wait_for_model", options.get("wait_for_model", False), bool, "true or false"),
            stance_model=stance_model,
            timeout=timeout,
            hub_url=hub_url,
        )

    @classmethod
    def from_settings(cls, table: ProviderSettings) -> HFConfig:
        """Options from the config table; the key from the table, the secrets file, HF_TOKEN or HF_API_KEY."""
        key = table.secret("api_key")
        for env in KEY_ENV_VARS:
            key = key or table.env.get(env) or None
        return cls.from_options(table.options, api_key=key)
