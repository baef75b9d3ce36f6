"""``[providers.google]``, declared once; the core reads it (ratatoskr.provider_factory)."""

from __future__ import annotations

from attrs import frozen
from ratatoskr.config_schema import at_least, http_url, one_of, positive, setting
from ratatoskr.wire.settings import HttpProviderConfig

__all__ = ["EMBED_TASK_TYPES", "NAME", "GoogleConfig"]

NAME = "google"
#: The task types embedContent takes (https://ai.google.dev/api/embeddings#tasktype).
EMBED_TASK_TYPES = (
    "TASK_TYPE_UNSPECIFIED",
    "RETRIEVAL_QUERY",
    "RETRIEVAL_DOCUMENT",
    "SEMANTIC_SIMILARITY",
    "CLASSIFICATION",
    "CLUSTERING",
    "QUESTION_ANSWERING",
    "FACT_VERIFICATION",
    "CODE_RETRIEVAL_QUERY",
)


@frozen(kw_only=True)
class GoogleConfig(HttpProviderConfig):
    """The Gemini API: key, endpoint, embedding options."""

    api_key: str | None = setting(
        None,
        doc="The API key (Google AI Studio).",
        secret=True,
        env=("GOOGLE_API_KEY", "GEMINI_API_KEY"),
        required=True,
    )
    base_url: str = setting(
        "https://generativelanguage.googleapis.com", doc="The API's URL.", env=True, validator=http_url
    )
    timeout: float = setting(600.0, doc="Seconds for a whole request.", validator=positive)
    embed_task_type: str | None = setting(
        None, doc="`taskType` sent with every embedding request.", validator=one_of(*EMBED_TASK_TYPES)
    )
    embed_dimensions: int | None = setting(
        None, doc="`outputDimensionality`: truncate embeddings to this size.", validator=at_least(1)
    )
    embed_batch_size: int = setting(100, doc="Most texts per `batchEmbedContents` request.", validator=at_least(1))
