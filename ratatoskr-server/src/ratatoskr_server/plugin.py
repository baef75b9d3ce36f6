"""Plugin registration for the daemon: adds ``ratatoskr serve`` and ``ratatoskr daemon-health`` to the CLI, and
connects the CLI to a running daemon when ``RATATOSKR_DAEMON=ADDRESS`` is set.

Commands are registered by import path, so loading this plugin (every CLI start does) imports neither grpc nor
the daemon.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ratatoskr.plugins import hookimpl

if TYPE_CHECKING:
    from ratatoskr.config import Settings

    from ratatoskr_server.client import ServiceClient


@hookimpl
def ratatoskr_config_sections() -> dict[str, Any]:
    from ratatoskr_server.config import ServerConfig

    return {"server": ServerConfig}


@hookimpl
def ratatoskr_register_commands(app: Any) -> None:
    app.command("ratatoskr_server.cli:serve", name="serve", help="Run the ratd gRPC daemon in the foreground.")
    app.command(
        "ratatoskr_server.cli:daemon_health",
        name="daemon-health",
        help="Ask a running ratd whether it is up, and what it serves.",
    )


@hookimpl
def ratatoskr_remote_gateway(address: str, settings: Settings) -> ServiceClient:
    from ratatoskr_server.client import ServiceClient  # grpc is imported only when a daemon is asked for

    return ServiceClient.from_settings(address, settings)
