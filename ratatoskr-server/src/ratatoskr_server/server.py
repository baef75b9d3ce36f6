"""Run the gRPC server: :func:`serve` in the current asyncio loop, or :class:`ServerThread` in a thread of its own
(tests, benchmarks, embedding a daemon in a synchronous program)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Callable
from typing import Any

from grpc import aio
from ratatoskr.errors import ConfigurationError
from ratatoskr.protocol import ModelGateway

from ratatoskr_server.batching import MicroBatcher
from ratatoskr_server.config import ServerConfig
from ratatoskr_server.security import check_exposure, grpc_server_credentials
from ratatoskr_server.service import RatatoskrService, RequestGate, add_to_server
from ratatoskr_server.tokens import TokenStore

__all__ = ["ServerThread", "serve", "start_server"]

log = logging.getLogger("ratatoskr_server")


async def start_server(
    gateway: ModelGateway,
    config: ServerConfig,
    tokens: TokenStore | None = None,
    batcher: MicroBatcher | None = None,
) -> tuple[aio.Server, int, RequestGate]:
    """A started gRPC server for ``gateway``, the port it bound and its request gate."""
    gate = RequestGate(config.max_concurrent_requests)
    # grpc sets SO_REUSEPORT by default: a second ratd on a busy port would then silently share its traffic.
    server = aio.server(options=[*config.channel_options, ("grpc.so_reuseport", 0)])
    add_to_server(
        RatatoskrService(gateway, gate=gate, timeout=config.request_timeout, tokens=tokens, batcher=batcher), server
    )
    try:
        if config.tls:
            port = server.add_secure_port(config.address, grpc_server_credentials(config))
        else:
            port = server.add_insecure_port(config.address)
    except RuntimeError as exc:
        raise ConfigurationError(f"ratd cannot listen on {config.address}: {exc}") from exc
    if port == 0:
        raise ConfigurationError(f"ratd cannot listen on {config.address} (address in use or invalid)")
    await server.start()
    return server, port, gate


async def serve(
    gateway: ModelGateway,
    config: ServerConfig,
    stop: asyncio.Event,
    *,
    on_ready: Callable[[int, RequestGate, int | None], Any] | None = None,
) -> None:
    """Serve gRPC (and the HTTP API when ``http_listen`` is set) until ``stop`` is set, then give running requests
    ``config.shutdown_grace`` seconds and close."""
    tokens = TokenStore(config.tokens_file) if config.tokens_file is not None else None
    check_exposure(config, tokens)
    batcher = MicroBatcher(gateway)  # one for both APIs: requests from every client merge
    server, port, gate = await start_server(gateway, config, tokens, batcher)
    http = None
    if config.http_listen is not None:
        from ratatoskr_server.http_serve import start_http

        try:
            http = await start_http(gateway, config, tokens, batcher=batcher)
        except BaseException:
            await server.stop(None)
            raise
        http.app.metrics.track(gate)
        scheme = "https" if config.tls else "http"
        log.info("ratd HTTP API on %s://%s", scheme, bound_address(config.http_listen, http.port))
    log.info(
        "ratd security: %s, %s",
        "TLS" + (" with client certificates" if config.tls_client_ca else "") if config.tls else "no TLS",
        f"client tokens from {config.tokens_file}"
        if config.tokens_file and config.tokens_file.exists()
        else "no tokens",
    )
    log.info("ratd listening on %s", bound_address(config.address, port))
    try:
        if on_ready is not None:
            on_ready(port, gate, http.port if http is not None else None)
        await stop.wait()
        log.info("ratd stopping (grace %g s)", config.shutdown_grace)
    finally:
        if http is not None:
            await http.stop()
        await server.stop(config.shutdown_grace)


def bound_address(address: str, port: int) -> str:
    """``address`` with the port the server actually bound (it differs when the config asked for port 0)."""
    if address.startswith("unix"):
        return address
    host = address.rsplit(":", 1)[0]
    return f"{host}:{port}"


class ServerThread:
    """A daemon in a background thread with its own asyncio loop. ``start()`` returns once it listens.

    ``address`` is what a client connects to (the real port when the config asked for port 0).
    """

    def __init__(self, gateway: ModelGateway, config: ServerConfig | None = None) -> None:
        self.gateway = gateway
        self.config = config or ServerConfig(address="127.0.0.1:0")
        self.address = ""
        self.http_address: str | None = None
        self.gate: RequestGate | None = None
        self._ready = threading.Event()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="ratd", daemon=True)

    def _run(self) -> None:
        async def main() -> None:
            self._loop = asyncio.get_running_loop()
            self._stop = asyncio.Event()
            await serve(self.gateway, self.config, self._stop, on_ready=self._on_ready)

        try:
            asyncio.run(main())
        except BaseException as exc:  # handed to the thread that called start() or stop()
            self._error = exc
        finally:
            self._ready.set()

    def _on_ready(self, port: int, gate: RequestGate, http_port: int | None) -> None:
        self.gate = gate
        self.address = bound_address(self.config.address, port)
        if http_port is not None and self.config.http_listen is not None:
            self.http_address = bound_address(self.config.http_listen, http_port)
        self._ready.set()

    def start(self, timeout: float = 30.0) -> ServerThread:
        self._thread.start()
        if not self._ready.wait(timeout):
            raise TimeoutError(f"ratd did not start within {timeout} s")
        if self._error is not None:
            raise self._error
        return self

    def stop(self, timeout: float = 30.0) -> None:
        if self._loop is not None and self._stop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has already ended (the server failed)
                self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout)
        if self._error is not None:
            raise self._error

    def __enter__(self) -> ServerThread:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
