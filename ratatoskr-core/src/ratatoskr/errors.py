"""The error hierarchy of Ratatoskr.

Every error raised by the gateway, its dispatcher or a provider derives from :class:`RatatoskrError`.
Each class knows two things the dispatch pipeline needs:

- ``transient``: a retry of the same call may succeed (rate limits, 5xx, timeouts, dropped connections).
- ``moves_on``: the request should go to the next provider in the fallback chain. ``ModelNotAvailable``
  always moves on; a transient error moves on once its retries are exhausted; anything else stops the chain.

::

    RatatoskrError
    ├── ConfigurationError ............ bad settings, a missing plugin, a bad plugin hook result
    │   ├── InsecureSecretsFile ....... secrets file readable by group/other
    │   └── InvalidSetting ............ a config key that does not exist, or a value of the wrong type or range
    ├── InvalidInput .................. bad arguments from the caller (also a ValueError)
    │   └── UnsupportedParameter ...... an option the provider/model cannot take
    ├── CapabilityNotSupported ........ the gateway has no provider for a capability (also NotImplementedError)
    ├── AllProvidersFailed ............ no provider served the request; ``attempts`` says why each declined or failed
    │   └── NoProvider ................ the chain for a capability is empty (no attempts)
    ├── ModelNotAvailable ............. "not served here": moves the request to the next provider
    │   └── NotAvailableOffline ....... needs a download or Hub lookup, impossible offline; ``hint``: what to run
    ├── ModelNotFound ................. the provider knows the model does not exist
    ├── PresetNotFound ................ ``ratatoskr:<tier>/<capability>`` names no preset
    └── ProviderError ................. the provider failed; ``status`` is the HTTP status when there was one
        ├── AuthenticationFailed ...... 401
        ├── PaymentRequired ........... 402
        ├── PermissionDenied .......... 403
        ├── ContentFiltered ........... refused by a safety filter
        ├── ContextLengthExceeded ..... the input does not fit the model's context
        ├── RequestTooLarge ........... 413
        ├── RateLimited ............... 429, transient, carries ``retry_after``
        ├── ApiError .................. any other HTTP error; transient when status >= 500
        │   └── Overloaded ............ 503/529, transient
        ├── TransportError ............ connection refused/reset, DNS, TLS; transient
        │   └── RequestTimeout ........ transient
        ├── StreamError ............... a stream broke or carried an error object; transient
        ├── ResponseFormatError ....... the provider sent something we cannot decode
        ├── ResponseTooLarge .......... an answer or stream event over ``max_response_bytes``
        ├── EmptyResponse ............. transient
        └── ProviderBug ............... the provider raised a non-Ratatoskr exception (chained); moves on

An exhausted chain raises ``AllProvidersFailed``; its ``attempts`` hold one ``ProviderAttempt`` per provider: who,
whether it declined (before doing any work) or failed, and the typed error it gave. A provider that raises anything
that is not a Ratatoskr error is reported as ``ProviderBug`` (the original exception chained as ``__cause__``).

Every case of the original project's error enum has a home here: ``Http`` → TransportError, ``Api`` → ApiError
(transient when status >= 500), ``RateLimited``, ``AuthenticationFailed``, ``ModelNotFound``, ``PresetNotFound``,
``Stream`` → StreamError, ``Json`` and ``DataError`` → ResponseFormatError, ``InvalidInput``, ``NoProvider``,
``ModelNotAvailable``, ``Configuration`` → ConfigurationError, ``NotImplemented`` and ``Unsupported`` →
CapabilityNotSupported, ``UnsupportedParameter``, ``EmptyResponse``, ``ContentFiltered``,
``ContextLengthExceeded``; the catch-all ``Llm`` (classified by keywords) is replaced by mapping each provider error
to its specific class at the provider's boundary.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import attrs

__all__ = [
    "AllProvidersFailed",
    "ApiError",
    "AuthenticationFailed",
    "CapabilityNotSupported",
    "ConfigurationError",
    "ContentFiltered",
    "ContextLengthExceeded",
    "EmptyResponse",
    "InsecureSecretsFile",
    "InvalidInput",
    "InvalidSetting",
    "ModelNotAvailable",
    "ModelNotFound",
    "NoProvider",
    "NotAvailableOffline",
    "Overloaded",
    "PaymentRequired",
    "PermissionDenied",
    "PresetNotFound",
    "ProviderAttempt",
    "ProviderBug",
    "ProviderError",
    "RateLimited",
    "RatatoskrError",
    "RequestTimeout",
    "RequestTooLarge",
    "ResponseFormatError",
    "ResponseTooLarge",
    "StreamError",
    "TransportError",
    "UnsupportedParameter",
]


class RatatoskrError(Exception):
    """Root of every error this library raises."""

    transient: ClassVar[bool] = False
    #: Whether the fallback chain tries the next provider (after retries, when transient).
    moves_on_when_exhausted: ClassVar[bool] = False

    def __init__(self, message: str = "", *, provider: str | None = None) -> None:
        super().__init__(message or self.__class__.__doc__ or self.__class__.__name__)
        self.message = message or (self.__class__.__doc__ or "").strip().splitlines()[0]
        self.provider = provider

    @property
    def is_transient(self) -> bool:
        """Whether retrying the same call may succeed."""
        return self.transient

    def attribute_to(self, provider: str) -> None:
        """Name ``provider`` as the source of this error, unless one is named already."""
        if self.provider is None:
            self.provider = provider

    @property
    def moves_on(self) -> bool:
        """Whether the request goes to the next provider once retries (if any) are exhausted."""
        return self.moves_on_when_exhausted or self.is_transient

    @property
    def retry_after(self) -> float | None:
        """Seconds the provider asked us to wait before retrying, when it said so."""
        return None

    def __str__(self) -> str:
        return self.message


class ConfigurationError(RatatoskrError):
    """The configuration is invalid."""


class InsecureSecretsFile(ConfigurationError):
    """The secrets file is readable by other users."""

    def __init__(self, path: str, mode: int) -> None:
        super().__init__(
            f"secrets file {path} has insecure permissions {mode:04o}; it must be 0600 or 0400 (run: chmod 600 {path})"
        )
        self.path = path
        self.mode = mode


class InvalidSetting(ConfigurationError):
    """A key in the config that does not exist, or a value of the wrong type or out of range.

    Unlike a missing key or an unreachable service (which make one provider *not usable*), this is a mistake in
    the file itself: it is refused wherever it is, so a typo never silently changes what answers.
    """

    def __init__(self, message: str, *, table: str | None = None, key: str | None = None, unknown: bool = False):
        super().__init__(message)
        #: The table it is in (``providers.openai``), when known.
        self.table = table
        #: The key (``timeout``; ``instances.vllm.base_url`` inside a nested table).
        self.key = key
        #: Whether the key does not exist (a typo) rather than holding a bad value.
        self.unknown = unknown


class InvalidInput(RatatoskrError, ValueError):
    """The request is invalid."""


class UnsupportedParameter(InvalidInput):
    """A parameter the provider or model cannot take."""

    def __init__(self, parameter: str, *, model: str, provider: str, reason: str = "") -> None:
        text = f"unsupported parameter {parameter!r} for model {model!r} (provider: {provider})"
        super().__init__(f"{text}: {reason}" if reason else text, provider=provider)
        self.parameter = parameter
        self.model = model


class CapabilityNotSupported(RatatoskrError, NotImplementedError):
    """The gateway cannot perform this operation."""

    def __init__(self, operation: str, detail: str = "") -> None:
        super().__init__(f"operation not supported: {operation}" + (f" ({detail})" if detail else ""))
        self.operation = operation


@attrs.frozen
class ProviderAttempt:
    """What one provider said about a request: it ``declined`` it before doing any work (does not serve the model,
    is not enabled or configured, cannot take an option, cannot download offline), or it failed with ``error``."""

    provider: str
    error: RatatoskrError
    declined: bool = False

    @property
    def kind(self) -> str:
        """The error class name (``ModelNotAvailable``, ``Overloaded``, ...)."""
        return type(self.error).__name__

    @property
    def message(self) -> str:
        return str(self.error)

    def __str__(self) -> str:
        return f"{self.provider}: {'declined' if self.declined else 'failed'} ({self.kind}): {self.message}"


class AllProvidersFailed(RatatoskrError):
    """No provider served the request: each one in the chain declined or failed (see ``attempts``)."""

    #: Each provider considered, in chain order, with what it said.
    attempts: tuple[ProviderAttempt, ...] = ()

    def __init__(
        self,
        capability: str,
        model: str,
        attempts: Sequence[ProviderAttempt] = (),
        *,
        note: str = "",
        message: str = "",
    ) -> None:
        self.capability = capability
        self.model = model
        if attempts:  # else the class default: an error without attempts has only plain attributes to carry
            self.attempts = tuple(attempts)
        self.note = note
        head = message or f"no provider served {capability} model {model!r}"
        if note:
            head = f"{head}: {note}"
        lines = [head, *(f"  - {attempt}" for attempt in self.attempts)]
        super().__init__("\n".join(lines))

    @property
    def headline(self) -> str:
        """The first line of the message, without the per-provider list."""
        return self.message.split("\n", 1)[0]

    @property
    def is_transient(self) -> bool:
        """True when a provider failed with a transient error: trying again later may succeed."""
        return any(not a.declined and a.error.is_transient for a in self.attempts)

    @property
    def retry_after(self) -> float | None:
        waits = [a.error.retry_after for a in self.attempts if a.error.retry_after is not None]
        return min(waits) if waits else None


class NoProvider(AllProvidersFailed):
    """No provider is configured for this capability."""

    def __init__(
        self, capability: str, model: str = "", attempts: Sequence[ProviderAttempt] = (), *, note: str = ""
    ) -> None:
        wanted = f" (model {model!r})" if model else ""
        extra = _EXAMPLE_EXTRA.get(capability)
        example = f" (e.g. `pip install 'ratatoskr[{extra}]'`)" if extra else ""
        advice = "" if note else f"; install a provider plugin{example} and enable it in the config"
        message = f"no provider configured for {capability}{wanted}{advice}"
        super().__init__(capability, model, attempts, note=note, message=message)


#: A distribution that serves each capability, for the hint in :class:`NoProvider` (metadata: only OpenRouter).
_EXAMPLE_EXTRA = {
    "chat": "openrouter",
    "generate": "openrouter",
    "metadata": "openrouter",
    "embed": "local",
    "nli": "local",
    "classify": "local",
    "stance": "local",
    "tokenize": "local",
}


class ModelNotAvailable(RatatoskrError):
    """The model is not served by this provider."""

    moves_on_when_exhausted = True

    def __init__(self, model: str = "", *, provider: str | None = None, reason: str = "") -> None:
        super().__init__(self._text(model, provider, reason), provider=provider)
        self.model = model
        self.reason = reason
        self._detail = reason

    @staticmethod
    def _text(model: str, provider: str | None, reason: str) -> str:
        text = f"model {model!r} is not available from provider {provider or '?'}"
        return f"{text}: {reason}" if reason else text

    def attribute_to(self, provider: str) -> None:
        if self.provider is None:
            self.provider = provider
            self.message = self._text(self.model, provider, self._detail)


class NotAvailableOffline(ModelNotAvailable):
    """The model (or its tokenizer) is not here and cannot be fetched now: offline, or downloads are off.

    Raised at once, without retries, when ``HF_HUB_OFFLINE=1`` is set, downloads are switched off, or the
    HuggingFace Hub cannot be reached. ``hint`` is the command to run on a machine with network access (e.g.
    ``ratatoskr local pull MODEL``). It moves the request on like every :class:`ModelNotAvailable`; a list of
    declined providers can show it as "download impossible offline".
    """

    def __init__(self, model: str = "", *, provider: str | None = None, reason: str = "", hint: str = "") -> None:
        super().__init__(model, provider=provider, reason=f"{reason}; {hint}" if reason and hint else reason or hint)
        self.reason = reason
        self.hint = hint


class ModelNotFound(RatatoskrError):
    """The model does not exist."""

    def __init__(self, model: str, *, provider: str | None = None, detail: str = "") -> None:
        super().__init__(f"model not found: {model}" + (f" ({detail})" if detail else ""), provider=provider)
        self.model = model


class PresetNotFound(RatatoskrError):
    """No preset for this tier and capability."""

    def __init__(self, tier: str, capability: str) -> None:
        super().__init__(f"preset not found: tier {tier!r}, capability {capability!r}")
        self.tier = tier
        self.capability = capability


class ProviderError(RatatoskrError):
    """The provider failed."""

    def __init__(self, message: str = "", *, provider: str | None = None, status: int | None = None) -> None:
        super().__init__(message, provider=provider)
        self.status = status


class AuthenticationFailed(ProviderError):
    """Authentication failed: check the API key."""


class PaymentRequired(ProviderError):
    """The account has insufficient credits."""


class PermissionDenied(ProviderError):
    """The key is not allowed to use this model or endpoint."""


class ContentFiltered(ProviderError):
    """The request or response was blocked by a content filter."""


class ContextLengthExceeded(ProviderError):
    """The input does not fit in the model's context window."""

    def __init__(self, message: str = "", *, limit: int | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.limit = limit


class RequestTooLarge(ProviderError):
    """The request body is too large for the endpoint."""


class RateLimited(ProviderError):
    """Rate limited by the provider."""

    transient = True

    def __init__(
        self,
        message: str = "",
        *,
        retry_after: float | None = None,
        provider: str | None = None,
        status: int | None = 429,
    ) -> None:
        super().__init__(message, provider=provider, status=status)
        self._retry_after = retry_after

    @property
    def retry_after(self) -> float | None:
        return self._retry_after


class ApiError(ProviderError):
    """The provider returned an error status."""

    @property
    def is_transient(self) -> bool:
        return self.status is not None and (self.status >= 500 or self.status == 408)


class Overloaded(ApiError):
    """The provider is overloaded or the model is still loading."""

    transient = True

    def __init__(self, message: str = "", *, retry_after: float | None = None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self._retry_after = retry_after

    @property
    def is_transient(self) -> bool:
        return True

    @property
    def retry_after(self) -> float | None:
        return self._retry_after


class TransportError(ProviderError):
    """The connection to the provider failed."""

    transient = True


class RequestTimeout(TransportError):
    """The provider did not answer in time."""


class StreamError(ProviderError):
    """The response stream broke or carried an error."""

    transient = True


class ResponseFormatError(ProviderError):
    """The provider's response could not be decoded."""


class ResponseTooLarge(ProviderError):
    """The provider's answer (or one stream event) is larger than the configured ``max_response_bytes``."""

    def __init__(self, message: str = "", *, limit: int, provider: str | None = None) -> None:
        super().__init__(message, provider=provider)
        #: The cap in bytes that the answer went over.
        self.limit = limit


class EmptyResponse(ProviderError):
    """The model returned an empty response."""

    transient = True


class ProviderBug(ProviderError):
    """The provider raised an exception that is not a Ratatoskr error (a bug in it or in a library it uses).

    The original exception is chained as ``__cause__``. The request moves on to the next provider."""

    moves_on_when_exhausted = True
