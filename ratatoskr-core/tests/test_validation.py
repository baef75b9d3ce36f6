import pytest
from ratatoskr import (
    AllProvidersFailed,
    ChatOptions,
    EmbeddedGateway,
    Message,
    ParameterProblem,
    UnsupportedParameter,
    UnsupportedParameterWarning,
)
from ratatoskr.testing import FakeChatProvider

MSGS = [Message.user("hi")]


def gateway(policy: str, *providers: FakeChatProvider) -> EmbeddedGateway:
    builder = EmbeddedGateway.builder().validation(policy)
    for p in providers:
        builder.provider(p)
    return builder.build()


async def test_warn_policy_reports_and_does_not_send_the_parameter() -> None:
    provider = FakeChatProvider("strict", supported_parameters={"temperature"})
    with pytest.warns(UnsupportedParameterWarning, match="'seed'"):
        await gateway("warn", provider).chat(MSGS, options=ChatOptions(model="m", temperature=0.5, seed=3))
    sent = provider.calls[0][1][2]
    assert (sent.temperature, sent.seed) == (0.5, None)


async def test_error_policy_moves_to_a_provider_that_takes_the_parameter() -> None:
    strict = FakeChatProvider("strict", priority=2, supported_parameters={"temperature"})
    lenient = FakeChatProvider("lenient", priority=1, supported_parameters={"temperature", "seed"})
    reply = await gateway("error", strict, lenient).chat(MSGS, options=ChatOptions(model="m", seed=3))
    assert reply.provider == "lenient"
    assert strict.calls == []


async def test_error_policy_with_no_capable_provider_raises_unsupported_parameter() -> None:
    strict = FakeChatProvider("strict", supported_parameters=set())
    with pytest.raises(AllProvidersFailed) as info:
        await gateway("error", strict).chat(MSGS, options=ChatOptions(model="m", seed=3))
    (attempt,) = info.value.attempts
    assert isinstance(attempt.error, UnsupportedParameter) and attempt.declined
    assert attempt.message == "unsupported parameter 'seed' for model 'm' (provider: strict)"
    assert strict.calls == []


async def test_ignore_policy_and_undeclared_providers_send_everything() -> None:
    strict = FakeChatProvider("strict", supported_parameters=set())
    await gateway("ignore", strict).chat(MSGS, options=ChatOptions(model="m", seed=3))
    assert strict.calls[0][1][2].seed == 3
    silent = FakeChatProvider("silent")
    await gateway("error", silent).chat(MSGS, options=ChatOptions(model="m", seed=3))
    assert silent.calls[0][1][2].seed == 3


async def test_a_parameter_the_provider_refused_is_not_sent_again() -> None:
    from ratatoskr import UnsupportedParameter
    from ratatoskr.testing import Fail

    provider = FakeChatProvider("lenient")  # declares nothing, refuses seed at run time
    provider.queue(Fail(UnsupportedParameter("seed", model="m", provider="lenient", reason="no seeds here")))
    gw = gateway("warn", provider)
    with pytest.raises(UnsupportedParameter, match="seed"):
        await gw.chat(MSGS, options=ChatOptions(model="m", seed=3))
    with pytest.warns(UnsupportedParameterWarning, match="'seed'"):
        await gw.chat(MSGS, options=ChatOptions(model="m", seed=3, temperature=0.5))
    sent = provider.calls[-1][1][2]
    assert (sent.seed, sent.temperature) == (None, 0.5)
    (record,) = gw.dispatcher.discovery.records()  # type: ignore[union-attr]
    assert (record.provider, record.model, record.parameter) == ("lenient", "m", "seed")
    await gw.chat(MSGS, options=ChatOptions(model="other", seed=3))  # another model: not refused there
    assert provider.calls[-1][1][2].seed == 3


async def test_under_the_error_policy_a_refused_parameter_moves_the_request_on() -> None:
    from ratatoskr import UnsupportedParameter
    from ratatoskr.testing import Fail

    first = FakeChatProvider("first", priority=2)
    first.queue(Fail(UnsupportedParameter("seed", model="m", provider="first")))
    second = FakeChatProvider("second", priority=1)
    gw = gateway("error", first, second)
    with pytest.raises(UnsupportedParameter):
        await gw.chat(MSGS, options=ChatOptions(model="m", seed=3))  # raised by the provider: terminal
    reply = await gw.chat(MSGS, options=ChatOptions(model="m", seed=3))
    assert reply.provider == "second"
    assert len(first.calls) == 1


def test_discovery_forgets_after_its_ttl(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from ratatoskr.dispatch.discovery import ParameterDiscovery

    now = [1000.0]
    monkeypatch.setattr(time, "monotonic", lambda: now[0])
    discovery = ParameterDiscovery(ttl=60)
    discovery.record("p", "m", "seed")
    assert discovery.refused("p", "m") == {"seed"}
    now[0] += 61
    assert discovery.refused("p", "m") == frozenset()


def test_discovery_ttl_zero_turns_it_off_and_bad_values_are_refused() -> None:
    from ratatoskr import ConfigurationError, Settings

    off = EmbeddedGateway.builder().settings(Settings.from_dict({"gateway": {"discovery_ttl": 0}})).plugins(False)
    assert off.build().dispatcher.discovery is None
    with pytest.raises(ConfigurationError, match="discovery_ttl"):
        EmbeddedGateway.builder().settings(Settings.from_dict({"gateway": {"discovery_ttl": "1d"}})).plugins(
            False
        ).build()


class Bounded(FakeChatProvider):
    """Takes temperature up to 1 (declared, as Anthropic does) and sends 1.0 instead under warn."""

    def parameter_problems(self, options: ChatOptions) -> list[ParameterProblem]:
        if options.temperature is not None and options.temperature > 1:
            return [ParameterProblem("temperature", f"up to 1, got {options.temperature}", 1.0)]
        return []


async def test_declared_value_problems_follow_the_policy() -> None:
    warned = Bounded("bounded", supported_parameters={"temperature"})
    with pytest.warns(UnsupportedParameterWarning, match=r"'temperature' .*\(up to 1, got 1.5\); sent 1.0 instead"):
        await gateway("warn", warned).chat(MSGS, options=ChatOptions(model="m", temperature=1.5))
    assert warned.calls[0][1][2].temperature == 1.0
    refused, fallback = Bounded("bounded", priority=2), FakeChatProvider("other", priority=1)
    reply = await gateway("error", refused, fallback).chat(MSGS, options=ChatOptions(model="m", temperature=1.5))
    assert reply.provider == "other" and refused.calls == []
    ignored = Bounded("bounded")
    await gateway("ignore", ignored).chat(MSGS, options=ChatOptions(model="m", temperature=1.5))
    assert ignored.calls[0][1][2].temperature == 1.5


async def test_undeclared_options_are_dropped_before_the_values_are_checked() -> None:
    provider = Bounded("bounded", supported_parameters={"seed"})  # no temperature at all: one warning, for that
    with pytest.warns(UnsupportedParameterWarning) as caught:
        await gateway("warn", provider).chat(MSGS, options=ChatOptions(model="m", temperature=1.5, seed=1))
    assert [str(w.message) for w in caught] == [
        "provider bounded does not take 'temperature' for model 'm'; it was not sent"
    ]
    assert provider.calls[0][1][2].temperature is None
