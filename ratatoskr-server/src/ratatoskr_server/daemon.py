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


def run(
    settings: Settings,
    *,
    address: str | None = None,
    plugins: PluginManager | None = None,
    insecure: bool = False,
    http_listen: str | None = None,
) -> None:
    """Serve in the foreground (used by ``ratd`` and ``ratatoskr serve``); returns after SIGINT/SIGTERM."""
    config = ServerConfig.from_settings(settings, address=address, insecure=insecure, http_listen=http_listen)
    asyncio.run(_serve_until_signalled(settings, config, plugins))


def _parser() -> argparse.ArgumentParser:
    from ratatoskr_server import __version__

    parser = argparse.ArgumentParser(prog="ratd", description="The Ratatoskr gRPC daemon.")
    parser.add_argument("-c", "--config", type=Path, help="config file (default: the usual places, see docs)")
    parser.add_argument("--address", help=f"listen address, overrides [server] address (default {DEFAULT_ADDRESS})")
    parser.add_argument("--http-listen", help="host:port of the OpenAI-compatible HTTP API (overrides [server])")
    parser.add_argument(
        "--insecure",
        action="store_true",
        help="listen on a non-loopback address without TLS and tokens (only behind a proxy that provides them)",
    )
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    parser.add_argument("--version", action="version", version=f"ratd {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="{token}")
    token = commands.add_parser("token", help="manage client tokens").add_subparsers(dest="action", required=True)
    create = token.add_parser("create", help="make a token; it is printed once and only its hash is stored")
    create.add_argument("name")
    create.add_argument("--model", action="append", default=[], help="allowed model glob (repeatable)")
    create.add_argument("--capability", action="append", default=[], help="allowed capability (repeatable)")
    token.add_parser("list", help="the tokens' names, creation times and limits")
    revoke = token.add_parser("revoke", help="remove a token (a running ratd notices within seconds)")
    revoke.add_argument("name")
    return parser


def _token_command(args: argparse.Namespace, settings: Settings) -> int:
    from ratatoskr_server.tokens import TokenStore

    path = ServerConfig.from_settings(settings).tokens_file
    assert path is not None
    store = TokenStore(path)
    if args.action == "create":
        token = store.create(args.name, models=args.model, capabilities=args.capability)
        print(token)
        print(f"token {args.name!r} stored (hash only) in {path}; it is shown once: keep it now", file=sys.stderr)
    elif args.action == "list":
        for grant in store.grants():
            limits = [f"models={','.join(grant.models)}"] if grant.models else []
            limits += [f"capabilities={','.join(grant.capabilities)}"] if grant.capabilities else []
            print(f"{grant.name}\t{grant.created}\t{' '.join(limits) or 'no limits'}")
    else:
        store.revoke(args.name)
        print(f"token {args.name!r} revoked", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=args.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s", stream=sys.stderr
    )
    from ratatoskr.config import Settings

    try:
        settings = Settings.load(args.config)
        if args.command == "token":
            return _token_command(args, settings)
        run(settings, address=args.address, insecure=args.insecure, http_listen=args.http_listen)
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
