"""The dispatcher: one fallback chain per capability, and the dispatch loop every call takes.

For each provider the plan (:mod:`ratatoskr.dispatch.plan`) puts in front of a request: (chat/generate) validate
the options, call it under the retry policy, record telemetry. ``ModelNotAvailable`` moves on at once; a transient
error moves on once its retries are spent; any other error stops the chain. Anything a provider raises that is not
a :class:`~ratatoskr.errors.RatatoskrError` becomes a :class:`~ratatoskr.errors.ProviderBug` (cause chained),
which moves on. An exhausted chain raises :class:`~ratatoskr.errors.AllProvidersFailed` listing every provider
with what it said; a request pinned to one provider (``name:model``, no fallback) raises that provider's own
error. Explicit-only providers (the demo) are reached only by a pin.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncGenerator, Awaitable, Callable, Iterable, Mapping, Sequence
from typing import Any, TypeVar, cast

import attrs

from ratatoskr.dispatch.discovery import ParameterDiscovery
from ratatoskr.dispatch.plan import PIN_ALIASES, Plan, build_plan
from ratatoskr.dispatch.pricing import ProviderCost, providers_by_cost
from ratatoskr.dispatch.retry import RetryPolicy
from ratatoskr.dispatch.routing import LatencyTracker, RoutingConfig
from ratatoskr.dispatch.telemetry import StreamSpan, Telemetry
from ratatoskr.dispatch.validation import OptionsT, check_parameters, declared_parameters
from ratatoskr.errors import (
    AllProvidersFailed,
    ModelNotAvailable,
    NoProvider,
    ProviderAttempt,
    ProviderBug,
    RatatoskrError,
    UnsupportedParameter,
)
from ratatoskr.providers import CHAIN_CAPABILITIES, Capability, Closeable, ExplicitOnly, Provider, ProviderKind
from ratatoskr.types.chat import ChatResponse, UsageEvent
from ratatoskr.types.generate import GenerateDone, GenerateResponse
from ratatoskr.types.model import PricingInfo
from ratatoskr.types.parameter import ParameterValidationPolicy

__all__ = ["PIN_ALIASES", "Dispatcher"]

T = TypeVar("T")
A = TypeVar("A")
E = TypeVar("E")
P = TypeVar("P", bound=Provider)

#: Results and stream events that carry token usage (``gen_ai.client.token.usage``).
_WITH_USAGE = (ChatResponse, GenerateResponse, UsageEvent, GenerateDone)


def _stamp(result: Any, provider: str) -> Any:
    """Record which provider served a result, unless the provider already did."""
    if isinstance(result, list):
        return [_stamp(item, provider) for item in result]
    if getattr(result, "provider", provider) is None:
        return attrs.evolve(result, provider=provider)
    return result


def _explicit_only(provider: Provider) -> bool:
    return isinstance(provider, ExplicitOnly) and provider.explicit_only


def typed_error(exc: Exception, provider: str) -> RatatoskrError:
    """``exc`` as a Ratatoskr error: itself (with its provider filled in), or a ProviderBug wrapping it."""
    if isinstance(exc, RatatoskrError):
        exc.attribute_to(provider)
        return exc
    error = ProviderBug(f"{type(exc).__name__}: {exc}", provider=provider)
    error.__cause__ = exc
    error.__suppress_context__ = True
    return error


class Dispatcher:
    """The fallback chains of a gateway, and the dispatch loop over them.

    :param chains: the providers of each capability (sorted here by priority, then reordered by ``routing``).
    :param known: installed provider plugins, enabled or not, with the capabilities they register (for messages
        such as "installed but not enabled").
    :param unusable: providers that could not be built (missing key, bad table), with the reason; a request that
        needs one reports that reason.
    """

    def __init__(
        self,
        chains: Mapping[Capability, Iterable[Provider]],
        *,
        routing: RoutingConfig | None = None,
        retry: RetryPolicy | None = None,
        validation: ParameterValidationPolicy = ParameterValidationPolicy.WARN,
        telemetry: Telemetry | None = None,
        discovery: ParameterDiscovery | None = None,
        known: Mapping[str, frozenset[Capability]] | None = None,
        unusable: Mapping[str, RatatoskrError] | None = None,
    ) -> None:
        self.routing = routing or RoutingConfig()
        self.retry = retry or RetryPolicy()
        self.validation = validation
        self.telemetry = telemetry or Telemetry()
        #: Options providers refused at run time (None: discovery off).
        self.discovery = discovery
        self.known: dict[str, frozenset[Capability]] = dict(known or {})
        #: Configured providers that could not be built (name → why, e.g. a missing key); see ratatoskr.plugins.
        self.unusable: dict[str, RatatoskrError] = dict(unusable or {})
        self._chains: dict[Capability, tuple[Provider, ...]] = {}
        self._by_name: dict[str, dict[Capability, Provider]] = {}
        for cap in CHAIN_CAPABILITIES:
            # Stable sort: equal priorities keep registration order.
            ordered = sorted(chains.get(cap, ()), key=lambda p: -p.priority)
            for provider in ordered:
                self._by_name.setdefault(provider.name, {})[cap] = provider
            fallback = [p for p in ordered if not _explicit_only(p)]
            self._chains[cap] = tuple(self.routing.order(cap, fallback, lambda p: p.name))
        self._latency = {name: LatencyTracker() for name in self._by_name}
        # How each provider declares its options, decided once (keyed by id: the dispatcher keeps them alive).
        self._declared = {id(p): declared_parameters(p) for by_cap in self._by_name.values() for p in by_cap.values()}
        #: provider name, model → that provider's price (set by the gateway from its model registry); used by the
        #: "cost" routing strategy.
        self.prices: Callable[[str, str], PricingInfo | None] | None = None

    # ---- introspection ---------------------------------------------------------------------------------

    def chain(self, capability: Capability) -> tuple[Provider, ...]:
        """The fallback chain of ``capability`` (explicit-only providers are not in it)."""
        return self._chains[capability]

    def providers_for(self, capability: Capability) -> list[Provider]:
        """Every usable provider of ``capability``, explicit-only ones included (not in chain order)."""
        return [by_cap[capability] for by_cap in self._by_name.values() if capability in by_cap]

    def provider_names(self) -> set[str]:
        """Every usable provider, explicit-only ones included."""
        return set(self._by_name)

    def capabilities_of(self, name: str) -> frozenset[Capability]:
        """The capabilities provider ``name`` serves here (empty when it is not a usable provider)."""
        return frozenset(self._by_name.get(name, ()))

    def all_providers(self) -> list[Provider]:
        """Each usable provider object once, in chain order (explicit-only ones last)."""
        seen: dict[int, Provider] = {}
        for chain in self._chains.values():
            for provider in chain:
                seen.setdefault(id(provider), provider)
        for by_cap in self._by_name.values():
            for provider in by_cap.values():
                seen.setdefault(id(provider), provider)
        return list(seen.values())

    def providers_by_cost(self, model: str, capability: Capability = Capability.CHAT) -> list[ProviderCost]:
        """The capability's providers with their price for ``model`` (the model registry's, via ``prices``),
        cheapest first, unknown prices last: the original's ``providers_by_cost``, with a price per provider."""
        return providers_by_cost(self._chains[capability], model, self.prices)

    def latency(self, name: str) -> LatencyTracker:
        return self._latency[name]

    def plan(self, capability: Capability, model: str) -> Plan:
        """The providers a request for ``model`` reaches, in order, and those declined before any call."""
        return build_plan(
            capability,
            model,
            chain=tuple(self._arrange(capability, self._chains[capability], model)),
            by_name=self._by_name,
            known=self.known,
            unusable=self.unusable,
        )

    def _arrange(self, capability: Capability, chain: tuple[Provider, ...], model: str) -> list[Provider]:
        """The chain ordered for this request by the routing strategy ([routing] strategy; default: as is)."""
        if not chain:
            return []

        def latency(name: str) -> float | None:
            return self._latency[name].average

        return self.routing.arrange(
            capability, chain, model, name_of=lambda p: p.name, price=self.prices, latency=latency
        )

    def exhausted(self, plan: Plan, attempts: Sequence[ProviderAttempt]) -> RatatoskrError:
        """The error of a plan whose providers all declined or failed: AllProvidersFailed with the attempts in
        chain order, or the pinned provider's own error (there was no chain)."""
        if plan.pinned is not None and len(attempts) == 1:
            return attempts[0].error
        order = {p.name: i for i, p in enumerate(self._chains[plan.capability])}
        ordered = sorted(attempts, key=lambda a: order.get(a.provider, len(order)))
        if not ordered and not plan.candidates and plan.pinned is None and not self._chains[plan.capability]:
            return NoProvider(plan.capability.value, plan.model, note=plan.note)
        return AllProvidersFailed(plan.capability.value, plan.model, ordered, note=plan.note)

    # ---- dispatch ----------------------------------------------------------------------------------------

    async def call(
        self, kind: ProviderKind[P], operation: str, model: str, call: Callable[[P, str], Awaitable[T]]
    ) -> T:
        """Run ``call(provider, model_name)`` along the chain for ``model`` until a provider answers."""
        served: tuple[P, str, T] = await self._run(kind, operation, model, call, None)
        return served[2]

    async def call_with_options(
        self, kind: ProviderKind[P], operation: str, options: OptionsT, call: Callable[[P, OptionsT], Awaitable[T]]
    ) -> T:
        """Like :meth:`call`, handing each provider ``options`` for its model name, validated for it."""
        served: tuple[P, OptionsT, T] = await self._run(kind, operation, options.model, call, options)
        return served[2]

    async def open_stream(
        self,
        kind: ProviderKind[P],
        operation: str,
        options: OptionsT,
        open_stream: Callable[[P, OptionsT], AsyncGenerator[E, None]],
    ) -> tuple[P, OptionsT, AsyncGenerator[E, None]]:
        """Like :meth:`call_with_options`, for streams: a provider is chosen once its stream yields a first event
        (errors before that fall back and retry like a call); later errors reach the caller, typed.

        Returns the provider that serves the stream, the options it got, and the events (close them)."""

        started: dict[str, int] = {}

        async def open_first(provider: P, opts: OptionsT) -> tuple[AsyncGenerator[E, None], list[E]]:
            started[provider.name] = time.time_ns()
            events = open_stream(provider, opts)
            try:
                first = [await events.__anext__()]
            except StopAsyncIteration:
                first = []
            except BaseException:
                await events.aclose()
                raise
            return events, first

        provider, opts, (events, first) = await self._run(
            kind, operation, options.model, open_first, options, span=False
        )
        span = self.telemetry.stream_span(operation, provider.name, opts.model, started.get(provider.name))
        return provider, opts, self._continue(operation, first, events, provider.name, span)

    async def _continue(
        self, operation: str, first: list[E], events: AsyncGenerator[E, None], provider: str, span: StreamSpan
    ) -> AsyncGenerator[E, None]:
        """The first events, then the rest of the stream; a non-Ratatoskr error mid-stream becomes a ProviderBug.
        The stream's span ends with the stream (with the error that ended it); its usage is recorded."""
        error: BaseException | None = None
        last_usage: object = None  # the stream's latest usage figures, recorded once at its end
        try:
            for event in first:
                last_usage = event if isinstance(event, _WITH_USAGE) and event.usage else last_usage
                yield event
            async for event in events:
                last_usage = event if isinstance(event, _WITH_USAGE) and event.usage else last_usage
                yield event
        except Exception as exc:
            error = typed_error(exc, provider)
            raise error  # noqa: B904 (a ProviderBug chains its cause itself)
        finally:
            try:
                await events.aclose()
            finally:
                span.end(error)
                self._count_usage(operation, provider, last_usage)

    def _count_usage(self, operation: str, provider: str, result: object) -> None:
        """``gen_ai.client.token.usage`` for an answer, a stream's usage event or its final event."""
        usage = result.usage if isinstance(result, _WITH_USAGE) else None
        if usage is not None:
            self.telemetry.tokens(operation, provider, usage.prompt_tokens, usage.completion_tokens)

    async def _run(
        self,
        kind: ProviderKind[P],
        operation: str,
        model: str,
        call: Callable[[P, A], Awaitable[T]],
        options: A | None,
        *,
        span: bool = True,
    ) -> tuple[P, A, T]:
        plan = self.plan(kind.capability, model)
        attempts = list(plan.declined)
        for provider, name in plan.candidates:
            typed = cast(P, provider)  # the builder and the plugin manager checked it against kind.protocol
            if options is not None:
                try:
                    arg = cast(A, self._prepare(options, name, provider))
                except UnsupportedParameter as exc:
                    attempts.append(ProviderAttempt(provider.name, exc, declined=True))
                    continue
            else:
                arg = cast(A, name)
            start = time.perf_counter()
            error: str | None = None
            try:
                with self.telemetry.span(operation, provider.name, name) if span else contextlib.nullcontext():
                    result = await self._call(typed, operation, call, arg)
            except RatatoskrError as exc:
                error = type(exc).__name__
                exc.attribute_to(provider.name)
                if self.discovery is not None and isinstance(exc, UnsupportedParameter):
                    self.discovery.record(provider.name, name, exc.parameter, str(exc))
                    self.telemetry.refusal(provider.name, name, exc.parameter)
                if not exc.moves_on:
                    raise
                attempts.append(ProviderAttempt(provider.name, exc, declined=isinstance(exc, ModelNotAvailable)))
                continue
            finally:
                elapsed = time.perf_counter() - start
                self._latency[provider.name].observe(elapsed)
                self.telemetry.record(operation, provider.name, name, elapsed, error)
            self._count_usage(operation, provider.name, result)
            return typed, arg, cast(T, _stamp(result, provider.name))
        raise self.exhausted(plan, attempts)

    def _prepare(self, options: Any, model: str, provider: Provider) -> Any:
        if options.model != model:
            options = attrs.evolve(options, model=model)
        refused = self.discovery.refused(provider.name, model) if self.discovery is not None else frozenset()
        return check_parameters(options, provider, self.validation, refused, self._declared.get(id(provider)))

    async def _call(self, provider: P, operation: str, call: Callable[[P, A], Awaitable[T]], arg: A) -> T:
        async def once() -> T:
            try:
                return await call(provider, arg)
            except Exception as exc:  # typed here, so retry and fallback see one kind of error
                raise typed_error(exc, provider.name)  # noqa: B904 (a ProviderBug chains its cause itself)

        if self.retry.max_attempts == 1:
            return await once()

        def on_retry(exc: RatatoskrError, attempt: int, delay: float) -> None:
            self.telemetry.retry(operation, provider.name)

        return await self.retry.call(once, on_retry)

    async def aclose(self) -> None:
        for provider in self.all_providers():
            if isinstance(provider, Closeable):
                await provider.aclose()
