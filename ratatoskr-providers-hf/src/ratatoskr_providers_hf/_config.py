"""The ``[providers.huggingface]`` table, validated once into a frozen value."""

from __future__ import annotations

import enum

import attrs
from attrs import frozen
from ratatoskr.config_schema import at_least, http_url, positive, setting
from ratatoskr.errors import ConfigurationError
from ratatoskr.wire.settings import HttpProviderConfig

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


class Kind(enum.StrEnum):
    """How request URLs are built from ``base_url``."""

    #: Inference Providers (hf-inference): ``{base}/models/{model}[/pipeline/feature-extraction]``.
    SERVERLESS = "serverless"
    #: A dedicated Inference Endpoint: every task is POSTed to ``{base}``; the endpoint serves one model.
    ENDPOINT = "endpoint"
    #: A text-embeddings-inference server: ``{base}/embed``, ``{base}/predict``, ``{base}/info``.
    TEI = "tei"


def _url(value: str | None) -> str | None:
    return value.rstrip("/") if value is not None else None


def _default_base_url(config: HFConfig) -> str | None:
    return DEFAULT_SERVERLESS_URL if config.kind is Kind.SERVERLESS else None


def _base_url_needed(config: HFConfig, attribute: object, value: str | None) -> None:
    http_url(config, attribute, value)  # type: ignore[arg-type]
    if value is None:  # missing, not wrong: the provider is "not usable", the file is not refused
        raise ConfigurationError(f"[providers.{NAME}] needs base_url when kind = {config.kind.value!r}")


@frozen(kw_only=True)
class HFConfig(HttpProviderConfig):
    """``[providers.huggingface]``: which HuggingFace service to call and how."""

    kind: Kind = setting(Kind.SERVERLESS, doc="`serverless`, `endpoint` (one dedicated model) or `tei`.")
    base_url: str = setting(
        attrs.Factory(_default_base_url, takes_self=True),
        doc="The service's URL (required for `endpoint` and `tei`; serverless: the hf-inference router).",
        validator=_base_url_needed,
        converter=_url,
    )
    api_key: str | None = setting(None, doc="The HuggingFace token.", secret=True, env=KEY_ENV_VARS)
    batch_size: int = setting(
        32, doc="Most texts (or pairs) per request; TEI servers may lower it through `/info`.", validator=at_least(1)
    )
    normalize: bool = setting(True, doc="Ask for unit-length embeddings.")
    wait_for_model: bool = setting(False, doc="Ask serverless to wait for a cold model instead of answering 503.")
    stance_model: str = setting(DEFAULT_STANCE_MODEL, doc="The zero-shot model used for stance when none is named.")
    timeout: float = setting(60.0, doc="Seconds for a whole request.", validator=positive)
    hub_url: str = setting(
        DEFAULT_HUB_URL, doc="The Hub, for model info and label names.", validator=http_url, converter=_url
    )
