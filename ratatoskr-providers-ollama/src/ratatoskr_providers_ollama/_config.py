"""``[providers.ollama]``, declared once; the core reads it (ratatoskr.provider_factory)."""

from __future__ import annotations

from attrs import frozen
from ratatoskr.config_schema import at_least, http_url, positive, setting
from ratatoskr.wire.settings import HttpProviderConfig

__all__ = ["DEFAULT_PORT", "NAME", "OllamaConfig", "host_to_url"]

NAME = "ollama"
DEFAULT_PORT = 11434


def host_to_url(host: str) -> str:
    """``OLLAMA_HOST`` as the server reads it (``0.0.0.0:11434``, ``myhost``, ``https://h``) → a base URL."""
    host = host.strip().rstrip("/")
    scheme, sep, rest = host.partition("://")
    if not sep:
        scheme, rest = "http", host
    authority, slash, path = rest.partition("/")
    has_port = "]:" in authority if authority.startswith("[") else ":" in authority  # [::1]:11434
    if not has_port:
        authority = f"{authority or 'localhost'}:{443 if scheme == 'https' else DEFAULT_PORT}"
    return f"{scheme}://{authority}{slash}{path}"


@frozen(kw_only=True)
class OllamaConfig(HttpProviderConfig):
    """How to reach an Ollama server."""

    base_url: str = setting(
        f"http://localhost:{DEFAULT_PORT}",
        doc="The server's URL.",
        env=("OLLAMA_BASE_URL", ("OLLAMA_HOST", host_to_url)),
        validator=http_url,
    )
    keep_alive: str | int | None = setting(
        None, doc='How long the server keeps a model loaded after a request (`"5m"`, or seconds).'
    )
    timeout: float = setting(600.0, doc="Seconds for a whole request (model loading included).", validator=positive)
    embed_batch_size: int = setting(64, doc="Most texts per `/api/embed` request.", validator=at_least(1))
