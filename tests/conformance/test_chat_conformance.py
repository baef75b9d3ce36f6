"""Every chat provider, every scenario, streamed and not: same answers, same stream guarantees."""

from __future__ import annotations

import json

import httpx
import pytest
from conformance_kit import ConformanceCase, Scenario, assemble, check_stream_invariants
from loopback import LoopbackServer
from ratatoskr.types import ChatResponse
from ratatoskr.wire._pool import default_ssl_context


def _skip_unless_expressible(case: ConformanceCase, scenario: Scenario) -> None:
    if scenario.reply.finish_reason not in case.finish_reasons:
        pytest.skip(f"{case.name} cannot express finish reason {scenario.reply.finish_reason}")
    if scenario.reply.reasoning and not case.reasoning:
        pytest.skip(f"{case.name} returns no reasoning text")


def _assert_same_answer(case: ConformanceCase, got: ChatResponse, want: ChatResponse) -> None:
    assert got.content == want.content
    assert (got.reasoning or None) == want.reasoning
    if want.reasoning:
        assert want.reasoning not in got.content, "reasoning never inside content"
    assert [(c.id, c.name, c.parse_arguments()) for c in got.tool_calls] == [
        (c.id, c.name, json.loads(c.arguments)) for c in want.tool_calls
    ]
    assert got.finish_reason is want.finish_reason
    assert got.provider == case.name
    assert got.model
    assert got.usage is not None and want.usage is not None
    assert (got.usage.prompt_tokens, got.usage.completion_tokens) == (
        want.usage.prompt_tokens,
        want.usage.completion_tokens,
    )
    assert got.usage.total_tokens == want.usage.total_tokens
    if want.usage.reasoning_tokens is not None and case.reasoning_tokens:
        assert got.usage.reasoning_tokens == want.usage.reasoning_tokens
    if want.usage.cached_tokens is not None and case.cached_tokens:
        assert got.usage.cached_tokens == want.usage.cached_tokens


async def test_chat(case: ConformanceCase, scenario: Scenario, loopback: LoopbackServer) -> None:
    _skip_unless_expressible(case, scenario)
    loopback.handler = lambda request: case.render(scenario, False)
    async with httpx.AsyncClient(verify=default_ssl_context()) as client:
        provider = case.make_provider(loopback.url, client)
        got = await provider.chat(scenario.messages, scenario.tools, scenario.chat_options(case.model))
    _assert_same_answer(case, got, scenario.reply)
    (request,) = loopback.requests
    if case.check_request is not None:
        case.check_request(scenario, request)


async def test_chat_stream(case: ConformanceCase, scenario: Scenario, loopback: LoopbackServer) -> None:
    _skip_unless_expressible(case, scenario)
    loopback.handler = lambda request: case.render(scenario, True)
    async with httpx.AsyncClient(verify=default_ssl_context()) as client:
        provider = case.make_provider(loopback.url, client)
        events = [
            e async for e in provider.chat_stream(scenario.messages, scenario.tools, scenario.chat_options(case.model))
        ]
    check_stream_invariants(events)
    _assert_same_answer(case, assemble(events), scenario.reply)
    (request,) = loopback.requests
    if case.check_request is not None:
        case.check_request(scenario, request)
