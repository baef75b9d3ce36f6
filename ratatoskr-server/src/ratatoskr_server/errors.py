"""Errors ⇄ gRPC status, the one mapping used by the daemon (:func:`to_status`) and the client (:func:`from_rpc_error`).

The status code is for any gRPC client; a Python client rebuilds the SAME error class from the trailing metadata:

- ``ratatoskr-error-class``: the class name (``RateLimited``);
- ``ratatoskr-error-bases``: its Ratatoskr base classes, nearest first (``ProviderError,RatatoskrError``), so an
  error class the client does not know (a third-party plugin's) comes back as its nearest known base;
- ``ratatoskr-error-bin``: UTF-8 JSON ``{"message", "retry_after", "attributes"}``; ``attributes`` holds the
  error's own fields (``provider``, ``status``, ``model``, ``limit``, ...), restored as they were. An
  ``AllProvidersFailed`` adds ``"attempts": [{"provider", "declined", "error": {"class", "bases", "message",
  "retry_after", "attributes"}}]``, one per provider tried, so the client rebuilds ``.attempts`` with each
  provider's own typed error (messages are shortened when the list would outgrow gRPC's metadata limit);
- ``ratatoskr-retry-after``: seconds, only when the error carries a retry delay (for non-Python clients).

A status without that metadata (the transport failed, an old or foreign server) is mapped by its code alone.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import grpc
from ratatoskr import errors as E

__all__ = ["DAEMON", "details", "from_rpc_error", "status_code", "to_status"]

#: ``provider`` of the errors the client makes itself (transport failures, bad responses from the daemon).
DAEMON = "ratd"

CLASS_KEY = "ratatoskr-error-class"
BASES_KEY = "ratatoskr-error-bases"
BODY_KEY = "ratatoskr-error-bin"
RETRY_AFTER_KEY = "ratatoskr-retry-after"

#: Nearest class in the MRO wins. The codes are the original daemon's (its ``to_status``), so the original's
#: clients map them back to the right error: UNAVAILABLE means "model not available" there (not "retry"), and
#: anything transient is INTERNAL, which they retry. Where the original had no such error, the code is one its
#: client maps the same way as INTERNAL (DEADLINE_EXCEEDED, FAILED_PRECONDITION) or the nearest meaning.
_CODES: dict[type[E.RatatoskrError], grpc.StatusCode] = {
    E.InvalidInput: grpc.StatusCode.INVALID_ARGUMENT,
    E.ConfigurationError: grpc.StatusCode.FAILED_PRECONDITION,
    E.NoProvider: grpc.StatusCode.FAILED_PRECONDITION,
    E.AllProvidersFailed: grpc.StatusCode.NOT_FOUND,  # UNAVAILABLE when a provider failed transiently
    E.CapabilityNotSupported: grpc.StatusCode.UNIMPLEMENTED,
    E.ModelNotAvailable: grpc.StatusCode.UNAVAILABLE,
    E.ModelNotFound: grpc.StatusCode.NOT_FOUND,
    E.PresetNotFound: grpc.StatusCode.NOT_FOUND,  # the original said INTERNAL, which its client retried
    E.AuthenticationFailed: grpc.StatusCode.UNAUTHENTICATED,
    E.PaymentRequired: grpc.StatusCode.FAILED_PRECONDITION,
    E.PermissionDenied: grpc.StatusCode.PERMISSION_DENIED,
    E.ContentFiltered: grpc.StatusCode.PERMISSION_DENIED,
    E.ContextLengthExceeded: grpc.StatusCode.OUT_OF_RANGE,
    E.RequestTooLarge: grpc.StatusCode.OUT_OF_RANGE,
    E.RateLimited: grpc.StatusCode.RESOURCE_EXHAUSTED,
    E.Overloaded: grpc.StatusCode.RESOURCE_EXHAUSTED,
    E.RequestTimeout: grpc.StatusCode.DEADLINE_EXCEEDED,
    E.TransportError: grpc.StatusCode.INTERNAL,
    E.StreamError: grpc.StatusCode.INTERNAL,
    E.EmptyResponse: grpc.StatusCode.INTERNAL,
    E.ResponseFormatError: grpc.StatusCode.INTERNAL,
}

_KNOWN: dict[str, type[E.RatatoskrError]] = {
    name: cls for name in E.__all__ if isinstance(cls := getattr(E, name), type) and issubclass(cls, E.RatatoskrError)
}
_SCALARS = (str, int, float, bool, type(None))
#: gRPC refuses a reply whose trailing metadata passes 16 KiB, and may refuse one over 8 KiB: the status message
#: and the JSON body are kept under these sizes (long texts are shortened, never the classes or the attempts).
_DETAILS_MAX = 2000
_BODY_BUDGET = 5 * 1024
#: How deep nested ``AllProvidersFailed`` attempts travel.
_MAX_DEPTH = 3


def _short(text: str, limit: int | None) -> str:
    return text if limit is None or len(text) <= limit else text[:limit] + "..."


def status_code(exc: BaseException) -> grpc.StatusCode:
    """The gRPC code for ``exc``: by class (nearest first), else INTERNAL."""
    if type(exc) is E.AllProvidersFailed and exc.is_transient:
        return grpc.StatusCode.UNAVAILABLE  # a provider failed transiently: trying again later may work
    for cls in type(exc).__mro__:
        code = _CODES.get(cls)
        if code is not None:
            return code
    return grpc.StatusCode.INTERNAL  # ApiError (transient or not) and anything else


def _bases(exc: E.RatatoskrError) -> list[str]:
    return [c.__name__ for c in type(exc).__mro__[1:] if issubclass(c, E.RatatoskrError)]


def _body(exc: E.RatatoskrError, limit: int | None = None, top: int | None = None, depth: int = 0) -> dict[str, Any]:
    """The JSON body of ``exc``: message, retry delay, scalar attributes and (``AllProvidersFailed``) its attempts;
    texts cut at ``limit`` characters (the message at ``top``); ``limit=-1``: attempts with their classes only."""
    attributes = {
        k: _short(v, limit) if isinstance(v, str) else v
        for k, v in vars(exc).items()
        if not k.startswith("__") and k != "message" and isinstance(v, _SCALARS)
    }
    if depth and limit == -1:  # no texts: the numbers (status, retry delay) are short and say the most
        numbers = {k: v for k, v in attributes.items() if not isinstance(v, str) and v is not None}
        return {"attributes": numbers} if numbers else {}
    message = _short(exc.message, top if depth == 0 else limit)
    body: dict[str, Any] = {"message": message, "retry_after": exc.retry_after, "attributes": attributes}
    if isinstance(exc, E.AllProvidersFailed) and exc.attempts and depth < _MAX_DEPTH:
        body["attempts"] = [
            {
                "provider": a.provider,
                "declined": a.declined,
                "error": {"class": type(a.error).__name__, "bases": _bases(a.error)}
                | _body(a.error, limit, top, depth + 1),
            }
            for a in exc.attempts
        ]
    return body


#: (attempt text limit, message limit) tried in turn until the body fits ``_BODY_BUDGET``.
_STEPS = ((None, None), (1000, _DETAILS_MAX), (300, _DETAILS_MAX), (80, 1000), (24, 500), (-1, 500))


def _encoded_body(exc: E.RatatoskrError) -> bytes:
    """``exc``'s body as UTF-8 JSON, within ``_BODY_BUDGET``: long texts are shortened step by step, then the
    attempts keep only their providers and classes; a chain so long that even that does not fit leaves them out."""
    for limit, top in _STEPS:
        body = _body(exc, limit, top)
        raw = _dumps(body)
        if len(raw) <= _BODY_BUDGET:
            return raw
    body.pop("attempts", None)
    return _dumps(body)


def _dumps(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()


def to_status(exc: BaseException) -> tuple[grpc.StatusCode, str, tuple[tuple[str, str | bytes], ...]]:
    """Code, details and trailing metadata for ``exc``; anything that is not a Ratatoskr error is INTERNAL."""
    if not isinstance(exc, E.RatatoskrError):
        text = f"internal error in {DAEMON}: {type(exc).__name__}: {exc}"
        return grpc.StatusCode.INTERNAL, _short(text, _DETAILS_MAX), ()
    metadata: list[tuple[str, str | bytes]] = [
        (CLASS_KEY, type(exc).__name__),
        (BASES_KEY, ",".join(_bases(exc))),
        (BODY_KEY, _encoded_body(exc)),
    ]
    if exc.retry_after is not None:
        metadata.append((RETRY_AFTER_KEY, repr(float(exc.retry_after))))
    code = status_code(exc)
    return code, details(exc, code), tuple(metadata)


def _duration(seconds: float) -> str:
    """A delay as the original's client parses it (Rust's ``Duration`` debug form): ``1.5s``, ``500ms``."""
    if seconds < 1:
        return f"{round(seconds * 1000)}ms"
    return f"{seconds:g}s"


def details(exc: E.RatatoskrError, code: grpc.StatusCode) -> str:
    """The status message: the original's wording where its client parses it, else the error's own text."""
    if code is grpc.StatusCode.RESOURCE_EXHAUSTED:
        retry = exc.retry_after
        return "Rate limited" if retry is None else f"Rate limited, retry after {_duration(retry)}"
    if isinstance(exc, E.ModelNotFound):
        return f"Model not found: {exc.model}"
    if isinstance(exc, E.CapabilityNotSupported):
        return f"Not implemented: {exc.operation}"
    text = _short(str(exc), _DETAILS_MAX)
    if isinstance(exc, E.ContextLengthExceeded) and exc.limit is not None:
        return f"{text}; context length exceeded: {exc.limit} tokens"  # the original's client reads the last number
    return text


# ---- client side --------------------------------------------------------------------------------------------


def _metadata(call: Any) -> dict[str, str | bytes]:
    try:
        items: Sequence[tuple[str, str | bytes]] = call.trailing_metadata() or ()
    except (AttributeError, TypeError):  # not a Call (e.g. a bare RpcError from an interceptor)
        items = ()
    return dict(items)


def _known(names: Sequence[Any]) -> type[E.RatatoskrError] | None:
    return next((_KNOWN[n] for n in names if isinstance(n, str) and n in _KNOWN), None)


def _attempts(entries: Any) -> tuple[E.ProviderAttempt, ...]:
    """The ``attempts`` of an ``AllProvidersFailed`` body, each with its own error class rebuilt."""
    out: list[E.ProviderAttempt] = []
    for entry in entries if isinstance(entries, list) else ():
        error = entry.get("error") if isinstance(entry, dict) else None
        if not isinstance(error, dict):
            continue
        bases = error.get("bases")
        cls = _known([error.get("class"), *(bases if isinstance(bases, list) else ())]) or E.RatatoskrError
        provider = entry.get("provider")
        rebuilt = _rebuild(cls, error)
        rebuilt.attribute_to(str(provider))
        out.append(E.ProviderAttempt(str(provider), rebuilt, declined=entry.get("declined") is True))
    return tuple(out)


def _rebuild(cls: type[E.RatatoskrError], body: dict[str, Any]) -> E.RatatoskrError:
    """An instance of ``cls`` with the daemon's message and attributes, without calling its ``__init__``
    (each class has its own constructor arguments; the attributes it set are what we restore), and an
    ``AllProvidersFailed``'s attempts."""
    message = str(body.get("message") or (cls.__doc__ or cls.__name__).strip().splitlines()[0])
    exc = cls.__new__(cls)
    Exception.__init__(exc, message)
    exc.message = message
    exc.provider = None
    attributes = body.get("attributes")
    if isinstance(attributes, dict):
        for key, value in attributes.items():
            if isinstance(key, str) and key.isidentifier() and not key.startswith("__"):
                setattr(exc, key, value)
    if isinstance(exc, E.AllProvidersFailed) and "attempts" in body:
        exc.attempts = _attempts(body["attempts"])
    return exc


def _by_code(code: grpc.StatusCode | None, details: str, method: str) -> E.RatatoskrError:
    """A status without Ratatoskr metadata: the transport failed, or the server is not (this version of) ratd."""
    text = f"{DAEMON} {method}: {details or (code.name if code else 'unknown error')}"
    if code is grpc.StatusCode.UNAVAILABLE:
        return E.TransportError(text, provider=DAEMON)
    if code is grpc.StatusCode.DEADLINE_EXCEEDED:
        return E.RequestTimeout(text, provider=DAEMON)
    if code is grpc.StatusCode.RESOURCE_EXHAUSTED and "larger than max" in details:
        # grpc's own size check ("Received message larger than max (N vs. M)"): the same message fails again, so
        # this is permanent, never Overloaded (which callers retry).
        return E.RequestTooLarge(
            f"{text}; the message is over the gRPC size limit: send less per call, or raise max_message_mb "
            "([server] max_message_mb for ratd, ServiceClient(max_message_mb=...) for the client)",
            provider=DAEMON,
        )
    if code is grpc.StatusCode.RESOURCE_EXHAUSTED:
        return E.Overloaded(text, provider=DAEMON)
    if code is grpc.StatusCode.INVALID_ARGUMENT:
        return E.InvalidInput(text)
    if code is grpc.StatusCode.UNIMPLEMENTED:
        return E.CapabilityNotSupported(method, f"the daemon does not implement it: {details}")
    if code is grpc.StatusCode.UNAUTHENTICATED:
        return E.AuthenticationFailed(text, provider=DAEMON)
    if code is grpc.StatusCode.PERMISSION_DENIED:
        return E.PermissionDenied(text, provider=DAEMON)
    return E.ProviderError(text, provider=DAEMON)


def from_rpc_error(error: grpc.RpcError, method: str) -> E.RatatoskrError:
    """The Ratatoskr error a failed call stands for (the same class the daemon raised, when it said which)."""
    code: grpc.StatusCode | None = getattr(error, "code", lambda: None)()
    details: str = getattr(error, "details", lambda: "")() or ""
    metadata = _metadata(error)
    cls = _known([metadata.get(CLASS_KEY, ""), *str(metadata.get(BASES_KEY, "")).split(",")])
    if cls is None:
        return _by_code(code, details, method)
    raw = metadata.get(BODY_KEY, b"")
    try:
        body = json.loads(raw) if raw else {}
    except ValueError:
        body = {}
    if not isinstance(body, dict):
        body = {}
    body.setdefault("message", details)
    return _rebuild(cls, body)
