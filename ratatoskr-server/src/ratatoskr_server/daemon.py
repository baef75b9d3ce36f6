"""``ratd``: the Ratatoskr daemon. Serves an ``EmbeddedGateway`` built from the config over gRPC until SIGINT or
SIGTERM, then lets running RPCs finish (``[server] shutdown_grace``) and closes the providers.

Exit codes: 0 after a clean shutdown, 2 for a bad config or address, 1 for any other Ratatoskr error.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from ratatoskr.errors import ConfigurationError, InvalidInput, RatatoskrError

from ratatoskr_server.config import DEFAULT_ADDRESS, ServerConfig
from ratatoskr_server.server import serve

if TYPE_CHECKING:
    from ratatoskr.config import Settings
    from ratatoskr.plugins import PluginManager

__all__ = ["main", "run"]

log = logging.getLogger("ratatoskr_server")


async def _serve_until_signalled(settings: Settings, config: ServerConfig, plugins: PluginManager | None) -> None:
    from ratatoskr.gateway import EmbeddedGateway

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):  # not the main thread, or no signals here
            loop.add_signal_handler(sig, stop.set)
    gateway = EmbeddedGateway.from_settings(settings, plugins=plugins)
    log.info("ratd gateway: %r", gateway)
    try:
        await serve(gateway, config, stop)
    finally:
        await gateway.aclose()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(sig)


def run(settings: Settings, *, address: str | None = None, plugins: PluginManager | None = None) -> None:
    """Serve in the foreground (used by ``ratd`` and ``ratatoskr serve``); returns after SIGINT/SIGTERM."""
    config = ServerConfig.from_settings(settings, address=address)
    asyncio.run(_serve_until_signalled(settings, config, plugins))


def _parser() -> argparse.ArgumentParser:
    from ratatoskr_server import __version__

    parser = argparse.ArgumentParser(prog="ratd", description="The Ratatoskr gRPC daemon.")
    parser.add_argument("-c", "--config", type=Path, help="config file (default: the usual places, see docs)")
    parser.add_argument("--address", help=f"listen address, overrides [server] address (default {DEFAULT_ADDRESS})")
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    parser.add_argument("--version", action="version", version=f"ratd {__version__}")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    from ratatoskr.config import Settings

    try:
        run(Settings.load(args.config), address=args.address)
    except (ConfigurationError, InvalidInput) as exc:
        log.error("%s", exc)
        return 2
    except RatatoskrError as exc:
        log.error("%s", exc)
        return 1
    except KeyboardInterrupt:  # a second Ctrl-C during the grace period
        return 130
    log.info("ratd stopped")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
