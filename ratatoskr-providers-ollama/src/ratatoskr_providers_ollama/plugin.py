"""Plugin registration for the Ollama provider (hookimpls only; cheap to import).

Enabled by a ``[providers.ollama]`` table, or by ``OLLAMA_BASE_URL`` / ``OLLAMA_HOST`` in the environment;
turned off with ``enabled = false``. One provider object serves chat, generate and embeddings, so the three
chains share its HTTP client.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ratatoskr.errors import ConfigurationError
from ratatoskr.plugins import hookimpl
from ratatoskr.providers import PRIORITY_REMOTE

if TYPE_CHECKING:
    from ratatoskr.config import Settings

    from ratatoskr_providers_ollama.provider import OllamaProvider

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


def build(settings: Settings) -> list[OllamaProvider]:
    """The Ollama provider for these settings (none when disabled or unconfigured)."""
    table = settings.provider(NAME, default_enabled=True)
    if table is None:
        return []
    configured = NAME in settings.section("providers")
    base_url = table.get("base_url", env="OLLAMA_BASE_URL")
    if base_url is None and settings.env.get("OLLAMA_HOST"):
        base_url = host_to_url(settings.env["OLLAMA_HOST"])
    if base_url is None and not configured:
        return []  # no table and no environment: not configured
    from ratatoskr_providers_ollama._wire import DEFAULT_BASE_URL
    from ratatoskr_providers_ollama.provider import DEFAULT_EMBED_BATCH, DEFAULT_TIMEOUT, OllamaProvider

    base_url = base_url or DEFAULT_BASE_URL
    if not isinstance(base_url, str) or not base_url.startswith(("http://", "https://")):
        raise ConfigurationError(f"providers.{NAME}.base_url must be an http(s) URL, got {base_url!r}")
    keep_alive = table.get("keep_alive")
    if keep_alive is not None and (isinstance(keep_alive, bool) or not isinstance(keep_alive, str | int)):
        raise ConfigurationError(
            f'providers.{NAME}.keep_alive must be a duration like "5m" or seconds, got {keep_alive!r}'
        )
    models = table.get("models")
    if models is not None and (not isinstance(models, list) or not all(isinstance(m, str) for m in models)):
        raise ConfigurationError(f"providers.{NAME}.models must be a list of model names, got {models!r}")
    return [
        OllamaProvider(
            base_url=base_url,
            keep_alive=keep_alive,
            timeout=table.positive_number("timeout", DEFAULT_TIMEOUT),
            embed_batch_size=table.positive_number("embed_batch_size", DEFAULT_EMBED_BATCH, integer=True),
            priority=table.priority if table.priority is not None else PRIORITY_REMOTE,
            models=models,
        )
    ]


def _shared(settings: Settings) -> list[OllamaProvider]:
    """One provider per settings object, whichever hook asks first."""
    return settings.shared(NAME, lambda: build(settings))


@hookimpl
def ratatoskr_chat_providers(settings: Settings) -> list[OllamaProvider]:
    return _shared(settings)


@hookimpl
def ratatoskr_generate_providers(settings: Settings) -> list[OllamaProvider]:
    return _shared(settings)


@hookimpl
def ratatoskr_embed_providers(settings: Settings) -> list[OllamaProvider]:
    return _shared(settings)
