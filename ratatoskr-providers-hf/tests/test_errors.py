"""Every documented failure mapped to the error tree: cassettes for HTTP answers, loopback for the rest."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest
from ratatoskr.errors import (
    ApiError,
    AuthenticationFailed,
    ModelNotFound,
    Overloaded,
    PermissionDenied,
    RateLimited,
    RequestTimeout,
    ResponseFormatError,
    TransportError,
)
from ratatoskr.testing import closed_port_url

MINI = "sentence-transformers/all-MiniLM-L6-v2"


@pytest.mark.parametrize(
    ("name", "error", "transient"),
    [
        ("error_401", AuthenticationFailed, False),
        ("error_403", PermissionDenied, False),
        ("error_404", ModelNotFound, False),
        ("error_500", ApiError, True),
        ("error_html", ResponseFormatError, False),
        ("error_shape", ResponseFormatError, False),
    ],
)
async def test_status_and_body_mapping(make_provider, cassette, name, error, transient) -> None:
    provider = make_provider()
    with cassette(name), pytest.raises(error) as raised:
        await provider.embed("hello", MINI)
    assert raised.value.provider == "huggingface"
    assert raised.value.is_transient is transient


async def test_404_names_the_model(make_provider, cassette) -> None:
    with cassette("error_404"), pytest.raises(ModelNotFound, match=MINI):
        await make_provider().embed("hello", MINI)


async def test_429_carries_retry_after(make_provider, cassette) -> None:
    with cassette("error_429"), pytest.raises(RateLimited) as raised:
        await make_provider().embed("hello", MINI)
    assert raised.value.retry_after == 30.0
    assert raised.value.is_transient and raised.value.moves_on


async def test_503_model_loading_is_transient_with_the_estimated_wait(make_provider, cassette) -> None:
    with cassette("error_503_loading"), pytest.raises(Overloaded) as raised:
        await make_provider().embed("hello", MINI)
    assert raised.value.retry_after == 20.0
    assert raised.value.is_transient
    assert "currently loading" in str(raised.value)


async def test_wait_for_model_sends_the_header(make_provider, cassette) -> None:
    # The cassette names both headers, so replay fails unless they were sent.
    with cassette("wait_for_model"):
        result = await make_provider(wait_for_model=True).embed("hello", MINI)
    assert result.values == (1.0, 0.0)


@pytest.fixture
def silent_server() -> Iterator[str]:
    """A loopback server that accepts connections and never answers."""
    server = socket.create_server(("127.0.0.1", 0))
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.05)
        while not stop.is_set():
            try:
                accepted.append(server.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    for conn in accepted:
        conn.close()
    server.close()


@pytest.fixture
def closed_port() -> str:
    return closed_port_url()


async def test_timeout(make_provider, silent_server) -> None:
    provider = make_provider(kind="endpoint", base_url=silent_server, timeout=0.2)
    with pytest.raises(RequestTimeout) as raised:
        await provider.embed("hello", MINI)
    assert raised.value.is_transient


async def test_connection_refused(make_provider, closed_port) -> None:
    provider = make_provider(kind="endpoint", base_url=closed_port)
    with pytest.raises(TransportError) as raised:
        await provider.embed("hello", MINI)
    assert raised.value.is_transient


async def test_an_unanswering_hub_is_bounded_and_asked_once_per_listing(
    make_provider, silent_server, monkeypatch: pytest.MonkeyPatch
) -> None:
    import time

    from ratatoskr.types import ModelStatusKind
    from ratatoskr_providers_hf import _hub

    monkeypatch.setattr(_hub, "HUB_LOOKUP_TIMEOUT_S", 0.3)
    models = ["a/one", "b/two", "c/three"]
    provider = make_provider(models=models, hub_url=silent_server, timeout=60.0)  # the request timeout: 60 s
    started = time.monotonic()
    status = await provider.model_status("a/one")
    assert status.kind is ModelStatusKind.UNAVAILABLE
    assert f"the HuggingFace Hub at {silent_server} did not answer within 0.3 s" in (status.reason or "")
    asked: list[str] = []
    lookup = provider.hub_model

    async def counting(model: str) -> object:
        asked.append(model)
        return await lookup(model)

    monkeypatch.setattr(provider, "hub_model", counting)
    assert [(m.id, m.capabilities) for m in await provider.list_models()] == [(m, ()) for m in models]
    assert asked == ["a/one"]  # the Hub did not answer: not asked again for the next models
    assert time.monotonic() - started < 30  # bounded by the lookup limit, nowhere near the 60 s request timeout
