import pytest
from ratatoskr import (
    ChatOptions,
    EmbeddedGateway,
    Message,
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
    with pytest.raises(UnsupportedParameter, match="seed.*strict"):
        await gateway("error", strict).chat(MSGS, options=ChatOptions(model="m", seed=3))


async def test_ignore_policy_and_undeclared_providers_send_everything() -> None:
    strict = FakeChatProvider("strict", supported_parameters=set())
    await gateway("ignore", strict).chat(MSGS, options=ChatOptions(model="m", seed=3))
    assert strict.calls[0][1][2].seed == 3
    silent = FakeChatProvider("silent")
    await gateway("error", silent).chat(MSGS, options=ChatOptions(model="m", seed=3))
    assert silent.calls[0][1][2].seed == 3
