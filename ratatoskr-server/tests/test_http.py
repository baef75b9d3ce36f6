"""The OpenAI-compatible HTTP API, driven by the official ``openai`` SDK (and httpx for Ratatoskr's own routes)
against a real ratd on loopback: chat, streamed chat with a tool call, embeddings (the SDK's default base64),
models, 401 without a token, https with a throwaway CA."""

from __future__ import annotations

import json
import ssl
from collections.abc import Iterator
from pathlib import Path

import httpx
import openai
import pytest
import trustme
from ratatoskr_server.config import ServerConfig
from ratatoskr_server.server import ServerThread
from ratatoskr_server.tokens import TokenStore

from .conftest import Script, f32, make_gateway

TOOLS = [
    {
        "type": "function",
        "function": {
            "name": "lookup",
            "description": "Look something up",
            "parameters": {"type": "object", "properties": {"q": {"type": "string"}}, "required": ["q"]},
        },
    }
]


@pytest.fixture(scope="module")
def tokens(tmp_path_factory: pytest.TempPathFactory) -> tuple[TokenStore, dict[str, str]]:
    store = TokenStore(tmp_path_factory.mktemp("tokens") / "tokens.toml")
    made = {
        "all": store.create("all"),
        "chat-only": store.create("chat-only", capabilities=["chat"], models=["demo:*"]),
    }
    return store, made


@pytest.fixture(scope="module")
def http(tokens: tuple[TokenStore, dict[str, str]]) -> Iterator[ServerThread]:
    config = ServerConfig(address="127.0.0.1:0", http_listen="127.0.0.1:0", tokens_file=tokens[0].path)
    with ServerThread(make_gateway(), config) as server:
        yield server


@pytest.fixture
def token(tokens: tuple[TokenStore, dict[str, str]]) -> str:
    return tokens[1]["all"]


@pytest.fixture
def sdk(http: ServerThread, token: str) -> Iterator[openai.OpenAI]:
    with openai.OpenAI(base_url=f"http://{http.http_address}/v1", api_key=token, max_retries=0) as client:
        yield client


@pytest.fixture
def web(http: ServerThread, token: str) -> Iterator[httpx.Client]:
    headers = {"authorization": f"Bearer {token}"}
    with httpx.Client(base_url=f"http://{http.http_address}", headers=headers, timeout=10) as client:
        yield client


def test_chat(sdk: openai.OpenAI) -> None:
    reply = sdk.chat.completions.create(model="demo:m", messages=[{"role": "user", "content": "hello there"}])
    assert reply.choices[0].message.content == "echo: hello there"
    assert reply.choices[0].finish_reason == "stop" and reply.usage is not None and reply.usage.total_tokens > 0


def test_chat_with_tools_reasoning_and_options(sdk: openai.OpenAI) -> None:
    reply = sdk.chat.completions.create(
        model="scripted",
        messages=[{"role": "developer", "content": "be brief"}, {"role": "user", "content": "what is x?"}],
        tools=TOOLS,  # type: ignore[arg-type]
        tool_choice={"type": "function", "function": {"name": "lookup"}},
        response_format={"type": "json_object"},
        temperature=0.3,
        seed=5,
    )
    message = reply.choices[0].message
    assert reply.choices[0].finish_reason == "tool_calls"
    assert message.tool_calls is not None and message.tool_calls[0].function.name == "lookup"  # type: ignore[union-attr]
    assert message.model_extra is not None and message.model_extra["reasoning_content"] == "thought"
    received = json.loads(message.content or "")  # what the provider behind ratd received
    assert [m["role"] for m in received["messages"]] == ["system", "user"]
    assert received["tools"][0]["name"] == "lookup"
    options = received["options"]
    assert options["tool_choice"] == {"mode": "function", "function": "lookup"}
    assert (options["response_format"], options["temperature"], options["seed"]) == ({"type": "json_object"}, 0.3, 5)


def test_streamed_chat_with_a_tool_call(sdk: openai.OpenAI) -> None:
    stream = sdk.chat.completions.create(
        model="scripted",
        messages=[{"role": "user", "content": "look it up"}],
        tools=TOOLS,  # type: ignore[arg-type]
        stream=True,
        stream_options={"include_usage": True},
    )
    calls: dict[int, dict[str, str]] = {}
    reasoning, finish, usage = [], None, None
    for chunk in stream:
        if chunk.usage is not None:
            usage = chunk.usage
        for choice in chunk.choices:
            delta = choice.delta
            if delta.model_extra and delta.model_extra.get("reasoning_content"):
                reasoning.append(delta.model_extra["reasoning_content"])
            for call in delta.tool_calls or ():
                entry = calls.setdefault(call.index, {"id": "", "name": "", "arguments": ""})
                entry["id"] = call.id or entry["id"]
                if call.function is not None:
                    entry["name"] = call.function.name or entry["name"]
                    entry["arguments"] += call.function.arguments or ""
            finish = choice.finish_reason or finish
    assert calls == {0: {"id": "call_1", "name": "lookup", "arguments": '{"q": "x"}'}}
    assert reasoning == ["thinking"] and finish == "tool_calls"
    assert usage is not None and (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens) == (10, 5, 15)


def test_embeddings_base64_default_and_float(sdk: openai.OpenAI, web: httpx.Client) -> None:
    texts = ["a", "héllo wörld"]
    raw = [d["embedding"] for d in web.post("/v1/embeddings", json={"model": "demo:m", "input": texts}).json()["data"]]
    expected = [f32(e) for e in raw]  # base64 carries float32
    reply = sdk.embeddings.create(model="demo:m", input=texts)  # the SDK asks for base64 and decodes it
    assert [d.embedding for d in reply.data] == expected and len(expected[0]) == 64
    floats = sdk.embeddings.create(model="demo:m", input="a", encoding_format="float")
    assert floats.data[0].embedding == raw[0]  # JSON floats carry the full value
    # usage: the tokens the provider counted (the demo counts words: 1 + 2)
    assert reply.usage.prompt_tokens == reply.usage.total_tokens == 3
    assert floats.usage.prompt_tokens == 1


def test_embeddings_usage_is_null_when_the_provider_did_not_count(
    sdk: openai.OpenAI, web: httpx.Client, script: Script
) -> None:
    script.release.set()  # the scripted provider answers "gated" at once, with no token count
    body = web.post("/v1/embeddings", json={"model": "errors:gated", "input": ["x", "y"]}).json()
    assert body["usage"] == {"prompt_tokens": None, "total_tokens": None}  # unknown, never a made-up 0
    assert sdk.embeddings.create(model="errors:gated", input="x").usage.prompt_tokens is None  # the SDK takes it


def test_models(sdk: openai.OpenAI) -> None:
    ids = {m.id for m in sdk.models.list()}
    assert "demo" not in ids  # the demo lists nothing: it answers only demo: pins
    assert any(i.startswith("ratatoskr:") for i in ids)


def test_completions(sdk: openai.OpenAI, web: httpx.Client) -> None:
    reply = sdk.completions.create(model="demo:m", prompt="once upon", max_tokens=5)
    assert reply.choices[0].text == "echo: once upon" and reply.choices[0].finish_reason == "stop"
    stream = sdk.completions.create(model="demo:m", prompt="once upon", stream=True)
    assert "".join(c.choices[0].text for c in stream if c.choices) == "echo: once upon"


def test_without_a_token_is_401(http: ServerThread) -> None:
    for key in ("wrong", "rat_unknown"):
        with openai.OpenAI(base_url=f"http://{http.http_address}/v1", api_key=key, max_retries=0) as client:
            with pytest.raises(openai.AuthenticationError) as info:
                client.models.list()
            assert info.value.status_code == 401
    bare = httpx.post(f"http://{http.http_address}/v1/embeddings", json={"model": "demo:m", "input": "a"})
    assert bare.status_code == 401 and bare.json()["error"]["type"] == "authentication_error"
    assert httpx.get(f"http://{http.http_address}/health").status_code == 200  # health needs no token


def test_limited_token_is_403(http: ServerThread, tokens: tuple[TokenStore, dict[str, str]]) -> None:
    headers = {"authorization": f"Bearer {tokens[1]['chat-only']}"}
    base = f"http://{http.http_address}"
    chat = {"model": "demo:m", "messages": [{"role": "user", "content": "hi"}]}
    assert httpx.post(f"{base}/v1/chat/completions", json=chat, headers=headers).status_code == 200
    other = httpx.post(f"{base}/v1/chat/completions", json={**chat, "model": "scripted"}, headers=headers)
    assert other.status_code == 403 and "may not use model" in other.json()["error"]["message"]
    embed = httpx.post(f"{base}/v1/embeddings", json={"model": "demo:m", "input": "a"}, headers=headers)
    assert embed.status_code == 403 and "may not use embed" in embed.json()["error"]["message"]


def test_errors_in_openai_shape(web: httpx.Client) -> None:
    limited = web.post("/v1/embeddings", json={"model": "errors:boom", "input": "RateLimited"})
    assert limited.status_code == 429 and limited.headers["retry-after"] == "2"
    assert limited.json()["error"]["type"] == "rate_limit_error"
    overloaded = web.post("/v1/embeddings", json={"model": "errors:boom", "input": "Overloaded"})
    assert overloaded.status_code == 503 and overloaded.headers["retry-after"] == "3"
    bad = web.post("/v1/chat/completions", json={"model": "demo:m"})
    assert bad.status_code == 400 and bad.json()["error"]["type"] == "invalid_request_error"
    assert web.post("/v1/chat/completions", content=b"{not json").status_code == 400
    assert web.post("/v1/embeddings", json={"model": "demo:m", "input": [1, 2]}).status_code == 400
    missing = web.post("/v1/embeddings", json={"model": "errors:boom", "input": "ModelNotFound"})
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "model_not_found"
    assert web.get("/v1/nope").status_code == 404 and web.get("/v1/chat/completions").status_code == 405
    upstream = web.post("/v1/embeddings", json={"model": "errors:boom", "input": "AuthenticationFailed"})
    assert upstream.status_code == 502  # the daemon's provider key was refused, not the client's token


def test_mid_stream_error_is_a_last_event(web: httpx.Client) -> None:
    body = {"model": "scripted", "stream": True, "messages": [{"role": "user", "content": "fail midway"}]}
    with web.stream("POST", "/v1/chat/completions", json=body) as response:
        assert response.status_code == 200
        events = [line[6:] for line in response.iter_lines() if line.startswith("data: ")]
    assert events[-1] == "[DONE]" and "dropped mid-stream" in json.loads(events[-2])["error"]["message"]
    assert json.loads(events[1])["choices"][0]["delta"] == {"content": "partial"}


def test_ratatoskr_routes(web: httpx.Client) -> None:
    nli = web.post("/v1/nli", json={"model": "demo:m", "premise": "the cat sat on the mat", "hypothesis": "a cat sat"})
    assert nli.status_code == 200 and nli.json()["data"][0]["label"] == "entailment"
    pairs = web.post("/v1/nli", json={"model": "demo:m", "pairs": [["a b", "a"], ["x", "not x"]]}).json()
    assert [d["label"] for d in pairs["data"]] == ["entailment", "contradiction"]
    labels = ["tech", "food", "love"]
    classified = web.post("/v1/classify", json={"model": "demo:m", "input": "I love this phone", "labels": labels})
    assert list(classified.json()["scores"]) == labels and classified.json()["top_label"] == "love"
    stance = web.post("/v1/stance", json={"model": "demo:m", "input": "taxes should go down", "target": "taxes"})
    assert stance.json()["label"] == "favor"
    tokens = web.post("/v1/tokenize", json={"model": "demo:m", "input": "héllo wörld"}).json()
    assert [t["text"] for t in tokens["tokens"]] == ["héllo", "wörld"] and tokens["tokens"][1]["start"] == 7
    assert web.post("/v1/count_tokens", json={"model": "demo:m", "input": "a b c"}).json()["count"] == 3
    metrics = web.get("/metrics")
    assert metrics.headers["content-type"].startswith("text/plain")
    nli = 'http_server_request_duration_seconds_count{http_request_method="POST",http_response_status_code="200",'
    assert nli + 'http_route="/v1/nli"}' in metrics.text  # test_metrics.py checks the format itself


def test_https_with_the_test_ca(tmp_path: Path, tokens: tuple[TokenStore, dict[str, str]]) -> None:
    ca = trustme.CA()
    cert = ca.issue_cert("127.0.0.1", "localhost")
    chain, key = tmp_path / "chain.pem", tmp_path / "key.pem"
    chain.write_bytes(b"".join(p.bytes() for p in cert.cert_chain_pems))
    cert.private_key_pem.write_to_path(str(key))
    config = ServerConfig(
        address="127.0.0.1:0", http_listen="127.0.0.1:0", tls_cert=chain, tls_key=key, tokens_file=tokens[0].path
    )
    with ServerThread(make_gateway(), config) as server:
        context = ssl.create_default_context()
        ca.configure_trust(context)
        with (
            httpx.Client(verify=context) as http_client,
            openai.OpenAI(
                base_url=f"https://{server.http_address}/v1",
                api_key=tokens[1]["all"],
                http_client=http_client,
                max_retries=0,
            ) as client,
        ):
            reply = client.chat.completions.create(model="demo:m", messages=[{"role": "user", "content": "hi"}])
            assert reply.choices[0].message.content == "echo: hi"
        with pytest.raises((httpx.ConnectError, httpx.RemoteProtocolError)):  # plain http to the TLS port
            httpx.get(f"http://{server.http_address}/health", timeout=5)


def test_http_socket_says_it_is_tcp() -> None:
    """asyncio sets TCP_NODELAY only on sockets whose proto is TCP; without it every response waited 40 ms for the
    client's delayed ACK (the response goes out as headers, then body)."""
    import socket

    from ratatoskr_server.http_serve import _bind

    sock = _bind("127.0.0.1:0")
    try:
        assert sock.proto == socket.IPPROTO_TCP
    finally:
        sock.close()
