"""Plugin registration for the daemon: adds ``ratatoskr serve`` and ``ratatoskr daemon-health`` to the CLI.

Commands are registered by import path, so loading this plugin (every CLI start does) imports neither grpc nor
the daemon.
"""

from __future__ import annotations

from typing import Any

from ratatoskr.plugins import hookimpl


@hookimpl
def ratatoskr_register_commands(app: Any) -> None:
    app.command("ratatoskr_server.cli:serve", name="serve", help="Run the ratd gRPC daemon in the foreground.")
    app.command(
        "ratatoskr_server.cli:daemon_health",
        name="daemon-health",
        help="Ask a running ratd whether it is up, and what it serves.",
    )
