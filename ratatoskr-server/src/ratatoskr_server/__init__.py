"""The Ratatoskr daemon (``ratd``, gRPC) and ``ServiceClient``, the ``ModelGateway`` that talks to it.

Names are imported on first use: the ``ratatoskr`` CLI loads :mod:`ratatoskr_server.plugin` at every start, and
that must not import grpc.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ratatoskr_server.client import DaemonHealth, ServiceClient
    from ratatoskr_server.config import DEFAULT_ADDRESS, ServerConfig

__all__ = ["DEFAULT_ADDRESS", "DaemonHealth", "ServerConfig", "ServiceClient", "__version__"]

_HOMES = {
    "ServiceClient": "ratatoskr_server.client",
    "DaemonHealth": "ratatoskr_server.client",
    "ServerConfig": "ratatoskr_server.config",
    "DEFAULT_ADDRESS": "ratatoskr_server.config",
}


def __getattr__(name: str) -> Any:
    if name == "__version__":
        from importlib import metadata

        try:
            return metadata.version("ratatoskr-server")
        except metadata.PackageNotFoundError:  # a source tree that is not installed
            return "0.0.0"
    if name in _HOMES:
        import importlib

        return getattr(importlib.import_module(_HOMES[name]), name)
    raise AttributeError(f"module 'ratatoskr_server' has no attribute {name!r}")
