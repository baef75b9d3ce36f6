"""``ratatoskr serve`` and ``ratatoskr daemon-health`` (registered by :mod:`ratatoskr_server.plugin`)."""

from __future__ import annotations

import json
import sys

from ratatoskr.cli.context import Ctx
from ratatoskr.cli.options import JsonFlag

__all__ = ["daemon_health", "serve"]


def serve(*, address: str | None = None, http_listen: str | None = None, insecure: bool = False, ctx: Ctx) -> int:
    """Run the ratd daemon in the foreground until Ctrl-C or SIGTERM (same as the ``ratd`` command).

    :param address: listen address, e.g. 127.0.0.1:9741 or unix:/run/ratd.sock (default: [server] address).
    :param http_listen: host:port of the OpenAI-compatible HTTP API (default: [server] http_listen, else off).
    :param insecure: allow a non-loopback address without TLS and tokens (behind a proxy that provides them).
    """
    import logging

    from ratatoskr_server.daemon import run

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run(ctx.settings(), address=address, plugins=ctx.plugins, insecure=insecure, http_listen=http_listen)
    return 0


def daemon_health(*, address: str | None = None, wait: float = 5.0, as_json: JsonFlag = False, ctx: Ctx) -> int:
    """Check that a ratd answers; print its version and providers.

    :param address: the daemon's address (default: $RATATOSKR_DAEMON, the daemon every other command uses; else
        [server] address of the config, else 127.0.0.1:9741).
    :param wait: seconds to wait for an answer.
    """
    import anyio
    import attrs

    from ratatoskr_server.client import DaemonHealth, ServiceClient
    from ratatoskr_server.config import ServerConfig

    target = address or ctx.env.get("RATATOSKR_DAEMON") or ServerConfig.from_settings(ctx.settings()).address

    async def check() -> DaemonHealth:
        async with await ServiceClient.connect(target, wait=wait) as client:
            return await client.health()

    health = anyio.run(check)
    if as_json:
        print(json.dumps({"address": target, **attrs.asdict(health)}))
    else:
        providers = ", ".join(health.providers) or "none"
        state = "healthy" if health.healthy else "UNHEALTHY"
        print(
            f"ratd at {target}: {state}, version {health.version} (core {health.core_version}), providers: {providers}"
        )
    sys.stdout.flush()
    return 0 if health.healthy else 1
