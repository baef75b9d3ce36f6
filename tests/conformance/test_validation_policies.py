"""Every validation policy against every chat provider: the dispatcher's validation stage alone decides what happens to
an option a provider does not declare; codecs encode whatever they are given (issue 9 §3).

For each provider, the option is the first one it does not declare (a provider that declares every option is still
checked: nothing it takes is dropped or refused under any policy). ``warn`` drops it with a warning (the request is
the one sent without it), ``error`` refuses before anything is sent, ``ignore`` sends it (the request differs).

The same holds for the values a provider declares it cannot take (``ConformanceCase.value_problems``: Anthropic's
temperature above 1 and a forced tool_choice with thinking, a reasoning token budget to an OpenAI-compatible server):
those checks left the codecs for the validation stage, so each is tried under every policy too.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from conformance_kit import SCENARIOS, WEATHER, ConformanceCase, ValueProblem
from loopback import LoopbackServer
from ratatoskr import EmbeddedGateway, RetryPolicy, UnsupportedParameter, UnsupportedParameterWarning
from ratatoskr.dispatch.validation import supported_parameters
from ratatoskr.types import CHAT_PARAMETERS, ChatOptions, ResponseFormat
from ratatoskr.wire._pool import default_ssl_context

TEXT = SCENARIOS[0]  # a plain text answer
#: Options tried in this order, with values whose encoding is visible in any request body.
SAMPLES: dict[str, Any] = {
    "seed": 4242,
    "top_k": 37,
    "frequency_penalty": 1.25,
    "presence_penalty": 1.5,
    "cache_prompt": True,
    "response_format": ResponseFormat("json_object"),
    "temperature": 0.25,
}


def _undeclared(provider: Any, model: str) -> str | None:
    declared = supported_parameters(provider, ChatOptions(model=model))
    if declared is None:
        return None
    missing = CHAT_PARAMETERS - declared
    return next((name for name in SAMPLES if name in missing), None)


async def _send(
    case: ConformanceCase, loopback: LoopbackServer, policy: str, *, tools: bool = False, **options: Any
) -> dict[str, Any]:
    loopback.reset()
    loopback.handler = lambda request: case.render(TEXT, False)
    async with httpx.AsyncClient(verify=default_ssl_context()) as client:
        provider = case.make_provider(loopback.url, client)
        gateway = (
            EmbeddedGateway.builder().provider(provider, "chat").validation(policy).retry(RetryPolicy.disabled())
        ).build()
        pinned = f"{provider.name}:{case.model}"
        reply = await gateway.chat(TEXT.messages, [WEATHER] if tools else None, ChatOptions(model=pinned, **options))
    assert reply.content == TEXT.reply.content
    (request,) = loopback.requests
    body: dict[str, Any] = json.loads(request.body)
    return body


@pytest.mark.parametrize("policy", ["warn", "error", "ignore"])
async def test_every_policy_against_every_provider(
    case: ConformanceCase, policy: str, loopback: LoopbackServer
) -> None:
    async with httpx.AsyncClient(verify=default_ssl_context()) as client:
        name = _undeclared(case.make_provider(loopback.url, client), case.model)
    baseline = await _send(case, loopback, policy)
    if name is None:  # it declares every option we try: all are sent under every policy
        assert await _send(case, loopback, policy, seed=4242) != baseline
        return
    option = {name: SAMPLES[name]}
    if policy == "warn":
        with pytest.warns(UnsupportedParameterWarning, match=f"does not take '{name}'"):
            assert await _send(case, loopback, policy, **option) == baseline  # dropped, said so
    elif policy == "error":
        with pytest.raises(UnsupportedParameter, match=f"'{name}'"):
            await _send(case, loopback, policy, **option)
        assert loopback.requests == []  # refused before anything was sent
    else:
        assert await _send(case, loopback, policy, **option) != baseline  # sent, not refused


@pytest.mark.parametrize("policy", ["warn", "error", "ignore"])
async def test_every_policy_against_every_declared_value_problem(
    case: ConformanceCase, policy: str, loopback: LoopbackServer
) -> None:
    for problem in case.value_problems:
        await _check_value_problem(case, problem, policy, loopback)


async def _check_value_problem(
    case: ConformanceCase, problem: ValueProblem, policy: str, loopback: LoopbackServer
) -> None:
    instead = await _send(case, loopback, policy, tools=problem.tools, **problem.sent)
    if policy == "warn":
        with pytest.warns(UnsupportedParameterWarning, match=f"does not take this '{problem.parameter}'"):
            assert await _send(case, loopback, policy, tools=problem.tools, **problem.options) == instead
    elif policy == "error":
        with pytest.raises(UnsupportedParameter, match=f"'{problem.parameter}'"):
            await _send(case, loopback, policy, tools=problem.tools, **problem.options)
        assert loopback.requests == []  # refused before anything was sent
    else:
        assert await _send(case, loopback, policy, tools=problem.tools, **problem.options) != instead  # sent as is
