"""Requests that are not valid protobuf: a typed ``InvalidInput`` (INVALID_ARGUMENT), not a logged traceback.

grpc decodes a request before the servicer runs; when decoding raises, grpc logs the traceback and ends the RPC
with UNKNOWN. Here every method's decoder returns an :class:`Undecodable` instead, and the servicer's one
boundary (``service._unary`` / ``_streaming``) turns it into ``InvalidInput``, so the client gets
INVALID_ARGUMENT with the usual error metadata, and the daemon logs nothing and goes on.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import grpc
from attrs import frozen
from google.protobuf.message import DecodeError
from grpc import aio
from ratatoskr.errors import InvalidInput

__all__ = ["Undecodable", "add_guarded"]


@frozen
class Undecodable:
    """A request body that did not decode as ``message``."""

    message: str
    reason: str

    def error(self) -> InvalidInput:
        return InvalidInput(f"the request is not a valid {self.message} protobuf message: {self.reason}")


def _guarded(decode: Callable[[bytes], Any]) -> Callable[[bytes], Any]:
    message = getattr(getattr(decode, "__self__", None), "__name__", "request")

    def run(data: bytes) -> Any:
        try:
            return decode(data)
        except DecodeError as exc:
            return Undecodable(message, str(exc))

    return run


class _Collect:
    """Stands in for the server while the generated code registers its method handlers."""

    def __init__(self) -> None:
        self.service = ""
        self.handlers: Mapping[str, Any] = {}

    def add_generic_rpc_handlers(self, handlers: object) -> None:
        pass

    def add_registered_method_handlers(self, service: str, handlers: Mapping[str, Any]) -> None:
        self.service, self.handlers = service, handlers


def add_guarded(register: Callable[[Any, Any], None], servicer: object, server: aio.Server) -> None:
    """``register(servicer, server)`` (a generated ``add_*Servicer_to_server``), every decoder guarded."""
    collect = _Collect()
    register(servicer, collect)
    handlers = {
        name: handler._replace(request_deserializer=_guarded(handler.request_deserializer))
        if handler.request_deserializer is not None
        else handler
        for name, handler in collect.handlers.items()
    }
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(collect.service, handlers),))
    server.add_registered_method_handlers(collect.service, handlers)
