"""Exposure rules, TLS credentials and the per-RPC token check shared by the gRPC and HTTP sides.

ratd listens on loopback or a unix socket by default. Any other address needs TLS (``[server] tls_cert`` and
``tls_key``) AND client tokens (a token store, see :mod:`ratatoskr_server.tokens`), or ``--insecure`` for a daemon
behind a proxy that provides both; otherwise it refuses to start and says how to fix it.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from ratatoskr.errors import ConfigurationError

from ratatoskr_server.config import ServerConfig, is_local
from ratatoskr_server.tokens import Grant, TokenStore

__all__ = ["MODELS_OF", "check_exposure", "grpc_server_credentials", "permitted", "ssl_context"]

PRESET = "ratatoskr:"

#: RPC → (capability, the model strings of its request). Capability None: a valid token is enough.
MODELS_OF: dict[str, tuple[str | None, Callable[[Any], list[str]]]] = {
    "Chat": ("chat", lambda r: [r.options.model]),
    "ChatStream": ("chat", lambda r: [r.options.model]),
    "Generate": ("generate", lambda r: [r.options.model]),
    "GenerateStream": ("generate", lambda r: [r.options.model]),
    "Embed": ("embed", lambda r: [r.model]),
    "EmbedBatch": ("embed", lambda r: [r.model]),
    "InferNli": ("nli", lambda r: [r.model]),
    "InferNliBatch": ("nli", lambda r: [r.model]),
    "ClassifyZeroShot": ("classify", lambda r: [r.model]),
    "ClassifyStance": ("stance", lambda r: [r.model]),
    "CountTokens": ("tokenize", lambda r: [r.model]),
    "Tokenize": ("tokenize", lambda r: [r.model]),
    "FetchModelMetadata": ("metadata", lambda r: [r.model]),
}


def check_exposure(config: ServerConfig, tokens: TokenStore | None) -> None:
    """Refuse a non-local listen address without TLS and tokens, unless ``config.insecure``."""
    if config.insecure:
        return
    exposed = [a for a in (config.address, config.http_listen) if a is not None and not is_local(a)]
    if not exposed:
        return
    missing = []
    if not config.tls:
        missing.append("TLS (set [server] tls_cert and tls_key)")
    if tokens is None or not tokens.enabled:
        missing.append("client tokens (run: ratd token create NAME)")
    if missing:
        raise ConfigurationError(
            f"ratd refuses to listen on {', '.join(exposed)} without {' and '.join(missing)}: anyone who can reach "
            "it could use your providers and keys. Add them, or listen on 127.0.0.1 or unix:/path, or pass "
            "--insecure if a proxy in front provides TLS and authentication."
        )


def _read(path: Any) -> bytes:
    try:
        data: bytes = path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(f"cannot read {path}: {exc}") from exc
    return data


def grpc_server_credentials(config: ServerConfig) -> Any:
    """``grpc.ServerCredentials`` for the config's TLS files (client certificates required with a client CA)."""
    import grpc

    assert config.tls_cert is not None and config.tls_key is not None
    ca = _read(config.tls_client_ca) if config.tls_client_ca is not None else None
    return grpc.ssl_server_credentials(
        [(_read(config.tls_key), _read(config.tls_cert))], root_certificates=ca, require_client_auth=ca is not None
    )


def ssl_context(config: ServerConfig) -> Any:
    """An ``ssl.SSLContext`` for the HTTP side, with the same files."""
    import ssl

    assert config.tls_cert is not None and config.tls_key is not None
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        context.load_cert_chain(config.tls_cert, config.tls_key)
        if config.tls_client_ca is not None:
            context.load_verify_locations(config.tls_client_ca)
            context.verify_mode = ssl.CERT_REQUIRED
    except (OSError, ssl.SSLError) as exc:
        raise ConfigurationError(f"cannot load the TLS files: {exc}") from exc
    return context


async def permitted(
    tokens: TokenStore | None,
    authorization: str | None,
    capability: str | None,
    models: Iterable[str],
    resolve_preset: Callable[[str, str], Awaitable[Any]],
) -> Grant | None:
    """Authenticate ``authorization`` and check the token's limits for this request (raises on refusal).

    A preset model (``ratatoskr:<tier>/<capability>``) is checked as written AND as the model it resolves to."""
    if tokens is None:
        return None
    grant = tokens.authenticate(authorization)
    if grant is None or (not grant.models and not grant.capabilities):
        return grant
    checked = []
    for model in models:
        checked.append(model)
        if grant.models and model.startswith(PRESET):
            tier, _, capability_name = model[len(PRESET) :].partition("/")
            found = await resolve_preset(tier, capability_name)
            if found is not None:
                checked.append(found.model)
    grant.allows(capability, checked)
    return grant
