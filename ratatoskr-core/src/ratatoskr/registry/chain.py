"""The provider registry: one fallback chain per capability, and the dispatch loop every call takes.

For each provider in the chain: (chat/generate) validate the options, call it under the retry policy, record
latency and telemetry. ``ModelNotAvailable`` moves on at once; a transient error moves on once its retries are
spent; any other error stops the chain. An exhausted chain raises the last error. ``provider:model`` pins one
provider (no fallback).
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Mapping
from typing import Any, TypeVar, cast

import attrs

from ratatoskr import providers as _p
from ratatoskr.errors import InvalidInput, ModelNotAvailable, NoProvider, RatatoskrError, UnsupportedParameter
from ratatoskr.providers import Capability, Provider
from ratatoskr.registry.discovery import ParameterDiscovery
from ratatoskr.registry.retry import RetryPolicy
from ratatoskr.registry.routing import LatencyTracker, RoutingConfig
from ratatoskr.registry.telemetry import Telemetry
from ratatoskr.registry.validation import check_parameters
from ratatoskr.types import ParameterValidationPolicy, PricingInfo

__all__ = ["PIN_ALIASES", "ProviderRegistry", "protocol_for"]

#: Pin prefixes that name a provider by another name: ``hf:`` is the ``huggingface`` provider (the extra is
#: ``ratatoskr[hf]``), so ``hf:cross-encoder/nli-deberta-v3-small`` pins it instead of reaching a provider as the
#: model name ``hf:cross-encoder/...``.
PIN_ALIASES: Mapping[str, str] = {"hf": "huggingface"}

T = TypeVar("T")
E = TypeVar("E")

_PROTOCOLS: dict[Capability, type] = {
    Capability.CHAT: _p.ChatProvider,
    Capability.GENERATE: _p.GenerateProvider,
    Capability.EMBED: _p.EmbeddingProvider,
    Capability.NLI: _p.NliProvider,
    Capability.CLASSIFY: _p.ClassifyProvider,
    Capability.STANCE: _p.StanceProvider,
    Capability.TOKENIZE: _p.TokenizerProvider,
    Capability.METADATA: _p.MetadataProvider,
}


def protocol_for(capability: Capability) -> type:
    return _PROTOCOLS[capability]


def _stamp(result: Any, provider: str) -> Any:
    """Record which provider served a result, unless the provider already did."""
    if isinstance(result, list):
        return [_stamp(item, provider) for item in result]
    if getattr(result, "provider", provider) is None:
        return attrs.evolve(result, provider=provider)
    return result


class ProviderRegistry:
    def __init__(
        self,
        chains: Mapping[Capability, Iterable[Provider]],
        *,
        routing: RoutingConfig | None = None,
        retry: RetryPolicy | None = None,
        validation: ParameterValidationPolicy = ParameterValidationPolicy.WARN,
        telemetry: Telemetry | None = None,
        discovery: ParameterDiscovery | None = None,
        unusable: Mapping[str, RatatoskrError] | None = None,
    ) -> None:
        self.routing = routing or RoutingConfig()
        #: Configured providers that could not be built (name → why, e.g. a missing key); see ratatoskr.plugins.
        self.unusable: dict[str, RatatoskrError] = dict(unusable or {})
        self.retry = retry or RetryPolicy()
        self.validation = validation
        self.telemetry = telemetry or Telemetry()
        #: Options providers refused at run time (None: discovery off).
        self.discovery = discovery
        self._chains: dict[Capability, tuple[Provider, ...]] = {}
        for cap in Capability:
            # Stable sort: equal priorities keep registration order.
            ordered = sorted(chains.get(cap, ()), key=lambda p: -p.priority)
            self._chains[cap] = tuple(self.routing.order(cap, ordered, lambda p: p.name))
        self._by_name: dict[str, dict[Capability, Provider]] = {}
        for cap, chain in self._chains.items():
            for provider in chain:
                self._by_name.setdefault(provider.name, {})[cap] = provider
        self._latency = {name: LatencyTracker() for name in self._by_name}
        #: provider name, model → that provider's price (set by the gateway from its model registry); used by the
        #: "cost" routing strategy.
        self.prices: Callable[[str, str], PricingInfo | None] | None = None

    # ---- introspection ---------------------------------------------------------------------------------

    def chain(self, capability: Capability) -> tuple[Provider, ...]:
        return self._chains[capability]

    def provider_names(self) -> set[str]:
        return set(self._by_name)

    def all_providers(self) -> list[Provider]:
        """Each provider object once, in chain order."""
        seen: dict[int, Provider] = {}
        for chain in self._chains.values():
            for provider in chain:
                seen.setdefault(id(provider), provider)
        return list(seen.values())

    def latency(self, name: str) -> LatencyTracker:
        return self._latency[name]

    def resolve(self, capability: Capability, model: str) -> tuple[tuple[Provider, ...], str]:
        """The providers to try for ``model``, and the model name they receive.

        ``provider:model`` pins a registered provider; any other colon (``llama3:latest``) is part of the name.
        """
        prefix, sep, rest = model.partition(":")
        if sep and prefix in PIN_ALIASES and prefix not in self._by_name:
            prefix = PIN_ALIASES[prefix]
            if prefix not in self._by_name:
                raise InvalidInput(
                    f"model {model!r} pins the {prefix} provider, which is not installed or not enabled "
                    f"(pip install 'ratatoskr[hf]', then a [providers.{prefix}] table in the config)"
                )
        if sep and prefix in self._by_name:
            provider = self._by_name[prefix].get(capability)
            if provider is None:
                raise InvalidInput(f"provider {prefix!r} has no {capability.value} capability")
            if not rest:
                raise InvalidInput(f"model {model!r} names provider {prefix!r} but no model")
            return (provider,), rest
        chain = self._chains[capability]
        if not chain:
            raise NoProvider(capability.value)
        return tuple(self._arrange(capability, chain, model)), model

    def _arrange(self, capability: Capability, chain: tuple[Provider, ...], model: str) -> list[Provider]:
        """The chain ordered for this request by the routing strategy ([routing] strategy; default: as is)."""

        def latency(name: str) -> float | None:
            return self._latency[name].average

        return self.routing.arrange(
            capability, chain, model, name_of=lambda p: p.name, price=self.prices, latency=latency
        )

    # ---- dispatch ----------------------------------------------------------------------------------------

    async def dispatch(
        self,
        capability: Capability,
        operation: str,
        model: str,
        call: Callable[[Any, Any], Awaitable[T]],
        options: Any = None,
    ) -> T:
        """Run ``call(provider, arg)`` along the chain. ``arg`` is the model name, or, when ``options`` is
        given, the options with the provider's model name, validated for that provider."""
        chain, resolved = self.resolve(capability, model)
        last: RatatoskrError | None = None
        for provider in chain:
            models = provider.models
            if models is not None and resolved not in models:
                last = ModelNotAvailable(resolved, provider=provider.name)
                continue
            if options is not None:
                try:
                    arg = self._prepare(options, resolved, provider)
                except UnsupportedParameter as exc:
                    last = exc
                    continue
            else:
                arg = resolved
            start = time.perf_counter()
            error: str | None = None
            try:
                with self.telemetry.span(operation, provider.name, resolved):
                    result = await self._call(provider, operation, call, arg)
            except RatatoskrError as exc:
                error = type(exc).__name__
                if exc.provider is None:
                    exc.provider = provider.name
                if self.discovery is not None and isinstance(exc, UnsupportedParameter):
                    self.discovery.record(provider.name, resolved, exc.parameter, str(exc))
                if not exc.moves_on:
                    raise
                last = exc
                continue
            finally:
                elapsed = time.perf_counter() - start
                self._latency[provider.name].observe(elapsed)
                self.telemetry.record(operation, provider.name, resolved, elapsed, error)
            return cast(T, _stamp(result, provider.name))
        assert last is not None
        raise last

    async def open_stream(
        self,
        capability: Capability,
        operation: str,
        model: str,
        open_stream: Callable[[Any, Any], AsyncIterator[E]],
        options: Any = None,
    ) -> tuple[Provider, str, AsyncIterator[E]]:
        """Like :meth:`dispatch`, for streams: a provider is chosen once its stream yields a first event
        (errors before that fall back and retry like a call); later errors reach the caller.

        Returns the provider that serves the stream, the model name it got, and the events."""
        chosen: list[tuple[Provider, str]] = []

        async def open_first(provider: Any, arg: Any) -> tuple[AsyncIterator[E], list[E]]:
            events = open_stream(provider, arg)
            try:
                first = [await events.__anext__()]
            except StopAsyncIteration:
                first = []
            except BaseException:
                await _aclose(events)
                raise
            chosen.append((provider, arg if options is None else arg.model))
            return events, first

        events, first = await self.dispatch(capability, operation, model, open_first, options)
        provider, resolved = chosen[-1]
        return provider, resolved, _prepend(first, events)

    def _prepare(self, options: Any, model: str, provider: Provider) -> Any:
        if options.model != model:
            options = attrs.evolve(options, model=model)
        refused = self.discovery.refused(provider.name, model) if self.discovery is not None else frozenset()
        return check_parameters(options, provider, self.validation, refused)

    async def _call(self, provider: Any, operation: str, call: Callable[[Any, Any], Awaitable[T]], arg: Any) -> T:
        if self.retry.max_attempts == 1:
            return await call(provider, arg)

        def on_retry(exc: RatatoskrError, attempt: int, delay: float) -> None:
            self.telemetry.retry(operation, provider.name)

        return await self.retry.call(lambda: call(provider, arg), on_retry)

    async def aclose(self) -> None:
        for provider in self.all_providers():
            close = getattr(provider, "aclose", None)
            if close is not None:
                await close()


async def _aclose(events: Any) -> None:
    close = getattr(events, "aclose", None)
    if close is not None:
        await close()


async def _prepend(first: list[E], events: AsyncIterator[E]) -> AsyncIterator[E]:
    try:
        for event in first:
            yield event
        async for event in events:
            yield event
    finally:
        await _aclose(events)
