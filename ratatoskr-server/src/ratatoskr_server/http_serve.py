"""Serve the OpenAI-compatible HTTP API (:mod:`ratatoskr_server.http_app`) with uvicorn, in ratd's asyncio loop.

Why uvicorn with httptools and a hand-written ASGI app: the app is a dict of routes and a JSON codec, so a web
framework would only add per-request layers; uvicorn's httptools protocol is the fastest pure-asyncio HTTP/1.1
server, runs inside the loop that already serves gRPC (one process, one gateway, shared caches and limits), does
TLS with the standard ``ssl`` module, and is one small dependency. Its signal handling is not used: ratd owns
SIGINT/SIGTERM and stops both servers.
"""

from __future__ import annotations

import asyncio
import logging
import socket
import ssl
from typing import Any

from ratatoskr.errors import ConfigurationError
from ratatoskr.protocol import ModelGateway

from ratatoskr_server import http_extra, http_openai
from ratatoskr_server.batching import MicroBatcher
from ratatoskr_server.config import ServerConfig
from ratatoskr_server.http_app import OpenAIApp
from ratatoskr_server.http_metrics import Metrics
from ratatoskr_server.tokens import TokenStore

__all__ = ["HttpServer", "start_http"]

log = logging.getLogger("ratatoskr_server")


def _bind(listen: str) -> socket.socket:
    host, _, port = listen.rpartition(":")
    host = host.strip("[]") or "0.0.0.0"
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # proto=IPPROTO_TCP, not 0 (what socket.create_server uses): asyncio turns Nagle off (TCP_NODELAY) only on
    # sockets that say they are TCP, and with Nagle on, a response written in two parts (headers, body) waits
    # for the client's delayed ACK: 40 ms per request.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, int(port)))
        sock.listen(2048)
    except (OSError, ValueError) as exc:
        sock.close()
        raise ConfigurationError(f"ratd cannot listen on http_listen {listen}: {exc}") from exc
    return sock


class HttpServer:
    """A running HTTP API; ``port`` is the bound port, ``stop()`` lets requests finish within the grace."""

    def __init__(self, server: Any, sock: socket.socket, ticker: asyncio.Task[None], app: OpenAIApp) -> None:
        self._server = server
        self._sock = sock
        self._ticker = ticker
        self.app = app
        self.port: int = sock.getsockname()[1]

    async def stop(self) -> None:
        self._server.should_exit = True
        await self._ticker
        await self._server.shutdown(sockets=[self._sock])


async def start_http(
    gateway: ModelGateway,
    config: ServerConfig,
    tokens: TokenStore | None,
    metrics: Metrics | None = None,
    *,
    batcher: MicroBatcher | None = None,
) -> HttpServer:
    import uvicorn

    assert config.http_listen is not None
    app = OpenAIApp(
        gateway,
        {**http_openai.ROUTES, **http_extra.ROUTES},
        tokens=tokens,
        max_body=config.max_message_mb * 1024 * 1024,
        metrics=metrics,
        batcher=batcher,
    )
    tls: dict[str, Any] = {}
    if config.tls:
        tls = {"ssl_certfile": str(config.tls_cert), "ssl_keyfile": str(config.tls_key)}
        if config.tls_client_ca is not None:
            tls |= {"ssl_ca_certs": str(config.tls_client_ca), "ssl_cert_reqs": ssl.CERT_REQUIRED}
    uv_config = uvicorn.Config(
        app,
        http="httptools",
        lifespan="off",
        log_config=None,
        access_log=False,
        server_header=False,
        backlog=2048,
        timeout_graceful_shutdown=int(config.shutdown_grace) or 1,
        **tls,
    )
    try:
        uv_config.load()
    except (OSError, ssl.SSLError) as exc:
        raise ConfigurationError(f"cannot load the TLS files for the HTTP API: {exc}") from exc
    server = uvicorn.Server(uv_config)
    server.lifespan = uv_config.lifespan_class(uv_config)
    sock = _bind(config.http_listen)
    await server.startup(sockets=[sock])
    ticker = asyncio.create_task(server.main_loop())  # keeps the Date header fresh, notices should_exit
    return HttpServer(server, sock, ticker, app)
