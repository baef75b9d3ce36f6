"""``AllProvidersFailed`` crosses the daemon with its ``attempts``: each provider's own typed error comes back
(ServiceClient, grpc.aio under asyncio and worker threads under trio, unary and stream), and the HTTP API lists
them in the OpenAI error body."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import grpc
import httpx
import pytest
import ratatoskr.demo
from ratatoskr import errors as E
from ratatoskr.config import Settings
from ratatoskr.gateway import EmbeddedGateway
from ratatoskr.plugins import PluginManager, hookimpl
from ratatoskr.types import ChatOptions, Embedding, Message, ToolDefinition
from ratatoskr.wire._pool import default_ssl_context
from ratatoskr_server import ServiceClient
from ratatoskr_server.config import ServerConfig
from ratatoskr_server.errors import from_rpc_error, to_status
from ratatoskr_server.server import ServerThread

#: A model every provider here refuses; "wordy" makes each refusal long (the metadata size limit).
MODEL = "scarce"


def refusal(provider: str, model: str) -> E.RatatoskrError:
    if provider == "shy":
        return E.ModelNotAvailable(model, provider=provider, reason="not loaded")
    if provider == "busy":
        return E.RateLimited("slow down", retry_after=2.0, provider=provider)
    return E.ApiError(
        f"upstream broke: {'x' * 3000}" if model == "wordy" else "upstream broke", provider=provider, status=502
    )


class Refuses:
    """Chat and embed providers that fail every request in their own way."""

    priority = 100
    models = None
    supported_parameters = None

    def __init__(self, name: str, priority: int) -> None:
        self.name = name
        self.priority = priority

    async def embed(self, text: str, model: str) -> Embedding:
        raise refusal(self.name, model)

    async def embed_batch(self, texts: Sequence[str], model: str) -> list[Embedding]:
        raise refusal(self.name, model)

    async def chat(
        self, messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
    ) -> Any:
        raise refusal(self.name, options.model)

    async def chat_stream(
        self, messages: Sequence[Message], tools: Sequence[ToolDefinition] | None, options: ChatOptions
    ) -> AsyncIterator[Any]:
        raise refusal(self.name, options.model)
        yield  # an async generator


PROVIDERS = [Refuses("shy", 300), Refuses("busy", 200), Refuses("broken", 100)]
WORDY = [Refuses(f"broken{i}", 90 - i) for i in range(12)]


class Plugin:
    @hookimpl
    def ratatoskr_chat_providers(self, settings: Settings) -> list[Any]:
        return PROVIDERS

    @hookimpl
    def ratatoskr_embed_providers(self, settings: Settings) -> list[Any]:
        return PROVIDERS + WORDY


def make_gateway() -> EmbeddedGateway:
    plugins = PluginManager(env={})
    plugins.register(ratatoskr.demo.plugin, "demo")
    plugins.register(Plugin(), "refuses")
    settings = Settings.from_dict({"retry": {"max_attempts": 1}})
    return EmbeddedGateway.builder().settings(settings).plugins(plugins).build()


@pytest.fixture(scope="module")
def daemon() -> Iterator[ServerThread]:
    config = ServerConfig(address="127.0.0.1:0", http_listen="127.0.0.1:0")
    with ServerThread(make_gateway(), config) as server:
        yield server


@pytest.fixture
async def direct() -> AsyncIterator[EmbeddedGateway]:
    async with make_gateway() as gateway:
        yield gateway


def described(error: BaseException) -> Any:
    """Everything a caller can read off an AllProvidersFailed, attempts included (errors compare by identity)."""
    assert isinstance(error, E.AllProvidersFailed)
    return (
        type(error),
        str(error),
        error.is_transient,
        error.retry_after,
        [
            (a.provider, a.declined, type(a.error), str(a.error), vars(a.error), a.error.retry_after, a.error.moves_on)
            for a in error.attempts
        ],
    )


async def test_attempts_come_back_with_their_own_typed_errors(daemon: ServerThread, direct: EmbeddedGateway) -> None:
    with pytest.raises(E.AllProvidersFailed) as local:
        await direct.embed("text", MODEL)
    async with ServiceClient(daemon.address, timeout=10) as client:
        with pytest.raises(E.AllProvidersFailed) as remote:
            await client.embed("text", MODEL)
    assert [(a.provider, type(a.error), a.declined) for a in remote.value.attempts][:3] == [
        ("shy", E.ModelNotAvailable, True),
        ("busy", E.RateLimited, False),
        ("broken", E.ApiError, False),
    ]
    assert described(remote.value) == described(local.value)
    busy = remote.value.attempts[1].error
    assert isinstance(busy, E.RateLimited) and busy.retry_after == 2.0 and busy.provider == "busy"
    assert remote.value.is_transient and remote.value.retry_after == 2.0  # both derived from the attempts


async def test_a_streams_attempts_come_back_too(daemon: ServerThread, direct: EmbeddedGateway) -> None:
    options = ChatOptions(model=MODEL)
    with pytest.raises(E.AllProvidersFailed) as local:
        async for _ in direct.chat_stream([Message.user("hi")], None, options):
            pass
    async with ServiceClient(daemon.address, timeout=10) as client:
        with pytest.raises(E.AllProvidersFailed) as remote:
            async for _ in client.chat_stream([Message.user("hi")], None, options):
                pass
    assert [a.provider for a in remote.value.attempts] == ["shy", "busy", "broken"]
    assert described(remote.value) == described(local.value)


async def test_long_attempts_are_shortened_not_lost(daemon: ServerThread, direct: EmbeddedGateway) -> None:
    """Thirteen 3 KB refusals would be 80 KB of trailing metadata, which gRPC refuses (the RPC would fail with
    RESOURCE_EXHAUSTED): the texts are shortened, every attempt still comes back typed with its fields."""
    with pytest.raises(E.AllProvidersFailed) as local:
        await direct.embed("text", "wordy")
    assert len(str(local.value)) > 39_000
    _, details, metadata = to_status(local.value)
    assert len(details) < 2100 and sum(len(v) for _, v in metadata) < 6000
    async with ServiceClient(daemon.address, timeout=10) as client:
        with pytest.raises(E.AllProvidersFailed) as remote:
            await client.embed("text", "wordy")
    assert str(remote.value).startswith(str(local.value)[:400]) and len(str(remote.value)) < 600
    assert [(a.provider, type(a.error), a.declined) for a in remote.value.attempts] == [
        (a.provider, type(a.error), a.declined) for a in local.value.attempts
    ]
    assert len(remote.value.attempts) == 15
    assert all(a.error.status == 502 and a.error.is_transient for a in remote.value.attempts[2:])  # type: ignore[attr-defined]
    assert remote.value.retry_after == 2.0


async def test_http_error_body_lists_the_attempts(daemon: ServerThread) -> None:
    async with httpx.AsyncClient(
        verify=default_ssl_context(), base_url=f"http://{daemon.http_address}", timeout=10
    ) as web:
        reply = await web.post("/v1/embeddings", json={"model": MODEL, "input": "text"})
        chat = await web.post(
            "/v1/chat/completions", json={"model": MODEL, "messages": [{"role": "user", "content": "hi"}]}
        )
    error = reply.json()["error"]
    # OpenAI's shape stays as it was (message, type, param, code); the attempts are an extra field
    assert {"message", "type", "param", "code"} <= error.keys() and isinstance(error["message"], str)
    assert error["ratatoskr_error"] == "AllProvidersFailed"
    assert error["attempts"][:3] == [
        {
            "provider": "shy",
            "declined": True,
            "error": "ModelNotAvailable",
            "message": "model 'scarce' is not available from provider shy: not loaded",
        },
        {
            "provider": "busy",
            "declined": False,
            "error": "RateLimited",
            "message": "slow down",
            "retry_after": 2.0,
            "status": 429,
        },
        {"provider": "broken", "declined": False, "error": "ApiError", "message": "upstream broke", "status": 502},
    ]
    assert reply.status_code == 503 and reply.headers["retry-after"] == "2"  # busy failed transiently
    assert [a["provider"] for a in chat.json()["error"]["attempts"]] == ["shy", "busy", "broken"]


def through_status(error: E.RatatoskrError) -> E.RatatoskrError:
    """``error`` as a gRPC status (checked to fit gRPC's 8 KiB metadata limit) and back, as ServiceClient reads it."""
    code, details, metadata = to_status(error)
    assert len(details.encode()) + sum(len(k) + len(v) for k, v in metadata) < 8000

    class Status(grpc.RpcError):
        def code(self) -> grpc.StatusCode:
            return code

        def details(self) -> str:
            return details

        def trailing_metadata(self) -> Any:
            return metadata

    return from_rpc_error(Status(), "Chat")


@pytest.mark.parametrize("count", [1, 30, 400])
def test_any_chain_fits_grpcs_metadata_limit(count: int) -> None:
    """However many providers failed, and however much each said, the status stays under gRPC's 8 KiB; the
    classes of the attempts survive while they fit at all."""
    attempts = [E.ProviderAttempt(f"p{i}", E.Overloaded("busy " * 500, provider=f"p{i}")) for i in range(count)]
    error = E.AllProvidersFailed("chat", "m", attempts)
    back = through_status(error)
    assert type(back) is E.AllProvidersFailed and back.headline == "no provider served chat model 'm'"
    if count <= 30:
        assert [(a.provider, type(a.error)) for a in back.attempts] == [(f"p{i}", E.Overloaded) for i in range(count)]
    else:
        assert back.attempts == ()  # too many to carry: the message (cut) still names the first ones


@pytest.mark.parametrize(
    ("attempts", "status"),
    [
        ([E.ProviderAttempt("a", E.ModelNotAvailable("m", provider="a"), declined=True)], 404),
        ([E.ProviderAttempt("a", E.AuthenticationFailed("bad key", provider="a", status=401))], 502),
        ([E.ProviderAttempt("a", E.Overloaded("busy", provider="a", status=503))], 503),
    ],
)
def test_http_status_of_an_exhausted_chain(attempts: list[E.ProviderAttempt], status: int) -> None:
    """Every provider declined: 404 (nobody serves the model); one failed for good: 502; transiently: 503."""
    from ratatoskr_server.http_app import error_status

    assert error_status(E.AllProvidersFailed("chat", "m", attempts))[0] == status
    assert error_status(E.NoProvider("chat"))[0] == 404


def test_one_long_error_fits_too() -> None:
    """Not only chains: one error with a 40 KB message (an upstream's whole error page) keeps its class and fields
    within the limit, where its metadata used to make gRPC drop the reply."""
    back = through_status(E.ApiError("page " * 8000, provider="p", status=502))
    assert type(back) is E.ApiError and back.status == 502 and back.provider == "p"  # type: ignore[attr-defined]
    assert str(back).startswith("page page") and len(str(back)) < 2100
