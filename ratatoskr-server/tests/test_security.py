"""TLS, client certificates, client tokens and the refusal to listen on a public address unprotected.

Certificates come from a throwaway CA made in the test (trustme); nothing leaves loopback.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import anyio
import pytest
import trustme
from ratatoskr import errors as E
from ratatoskr.config import Settings
from ratatoskr.types import ChatOptions, Message
from ratatoskr_server import ServiceClient
from ratatoskr_server.config import ServerConfig, is_local
from ratatoskr_server.daemon import main as ratd_main
from ratatoskr_server.server import ServerThread
from ratatoskr_server.tokens import TokenStore


class Pki:
    """A CA, a server certificate for 127.0.0.1/localhost and a client certificate, as PEM files."""

    def __init__(self, root: Path) -> None:
        self.ca = trustme.CA()
        self.ca_pem = root / "ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_pem))
        server = self.ca.issue_cert("127.0.0.1", "localhost")
        self.cert, self.key = root / "server.pem", root / "server.key"
        self.cert.write_bytes(b"".join(p.bytes() for p in server.cert_chain_pems))
        server.private_key_pem.write_to_path(str(self.key))
        client = self.ca.issue_cert("client@example.org")
        self.client_cert, self.client_key = root / "client.pem", root / "client.key"
        self.client_cert.write_bytes(b"".join(p.bytes() for p in client.cert_chain_pems))
        client.private_key_pem.write_to_path(str(self.client_key))


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    return Pki(tmp_path_factory.mktemp("pki"))


@pytest.fixture
def store(tmp_path: Path) -> TokenStore:
    return TokenStore(tmp_path / "tokens.toml", recheck_seconds=0)


@pytest.fixture
def tokens(store: TokenStore) -> dict[str, str]:
    """Made before the daemon starts (a running daemon notices new ones within its recheck interval)."""
    return {
        "alice": store.create("alice"),
        "bob": store.create("bob"),
        "embedder": store.create("embedder", models=["demo:*"], capabilities=["embed"]),
    }


@pytest.fixture
def secure(
    pki: Pki, store: TokenStore, tokens: dict[str, str], gateway_factory: Callable[[], Any]
) -> Iterator[ServerThread]:
    config = ServerConfig(address="127.0.0.1:0", tls_cert=pki.cert, tls_key=pki.key, tokens_file=store.path)
    with ServerThread(gateway_factory(), config) as server:
        yield server


async def test_tls_and_token(secure: ServerThread, pki: Pki, tokens: dict[str, str]) -> None:
    token = tokens["alice"]
    async with ServiceClient(secure.address, ca=pki.ca_pem, token=token, timeout=10) as client:
        assert (await client.embed("x", "demo:m")).provider == "demo"
        reply = await client.chat([Message.user("hi")], None, ChatOptions(model="demo:m"))
        assert reply.content == "echo: hi"
        assert (await client.health()).healthy
    for wrong in (None, "rat_not-a-real-token", "Basic abc"):
        async with ServiceClient(secure.address, ca=pki.ca_pem, token=wrong, timeout=10) as client:
            with pytest.raises(E.AuthenticationFailed, match="token"):
                await client.embed("x", "demo:m")
            assert (await client.health()).healthy  # the health check needs no token (load balancers)


async def test_plaintext_client_cannot_talk_to_a_tls_daemon(secure: ServerThread) -> None:
    async with ServiceClient(secure.address, timeout=5) as client:
        with pytest.raises(E.TransportError):
            await client.health()


async def test_revoked_token_stops_working_without_a_restart(
    secure: ServerThread, pki: Pki, store: TokenStore, tokens: dict[str, str]
) -> None:
    token = tokens["bob"]
    async with ServiceClient(secure.address, ca=pki.ca_pem, token=token, timeout=10) as client:
        await client.embed("x", "demo:m")
        store.revoke("bob")
        deadline = time.monotonic() + 10
        while True:  # the daemon re-reads the store within a couple of seconds
            try:
                await client.embed("x", "demo:m")
            except E.AuthenticationFailed:
                break
            assert time.monotonic() < deadline, "a revoked token still works"
            await anyio.sleep(0.2)


async def test_token_limited_to_models_and_capabilities(secure: ServerThread, pki: Pki, tokens: dict[str, str]) -> None:
    token = tokens["embedder"]
    async with ServiceClient(secure.address, ca=pki.ca_pem, token=token, timeout=10) as client:
        assert (await client.embed_batch(["a", "b"], "demo:m"))[0].provider == "demo"
        with pytest.raises(E.PermissionDenied, match="may not use model 'other'"):
            await client.embed("x", "other")
        with pytest.raises(E.PermissionDenied, match="may not use chat"):
            await client.chat([Message.user("hi")], None, ChatOptions(model="demo:m"))
        assert isinstance(await client.list_models(), list)  # introspection needs only a valid token


async def test_client_certificates(pki: Pki, gateway_factory: Callable[[], Any]) -> None:
    config = ServerConfig(
        address="127.0.0.1:0", tls_cert=pki.cert, tls_key=pki.key, tls_client_ca=pki.ca_pem, tokens_file=None
    )
    with ServerThread(gateway_factory(), config) as server:
        async with ServiceClient(server.address, ca=pki.ca_pem, timeout=5) as anonymous:
            with pytest.raises(E.TransportError):
                await anonymous.health()
        kw: dict[str, Any] = {"client_cert": pki.client_cert, "client_key": pki.client_key}
        async with ServiceClient(server.address, ca=pki.ca_pem, timeout=5, **kw) as client:
            assert (await client.health()).healthy


def test_token_store_keeps_only_hashes_in_a_private_file(store: TokenStore, capsys: pytest.CaptureFixture[str]) -> None:
    token = store.create("ci", models=["demo:*"])
    assert token.startswith("rat_") and len(token) > 40
    text = store.path.read_text()
    assert token not in text and "sha256:" in text
    assert stat.S_IMODE(store.path.stat().st_mode) == 0o600
    assert store.authenticate(f"Bearer {token}").name == "ci"  # type: ignore[union-attr]
    with pytest.raises(E.InvalidInput, match="exists already"):
        store.create("ci")
    with pytest.raises(E.InvalidInput, match="unknown capabilities"):
        store.create("x", capabilities=["teleport"])
    store.path.chmod(0o644)
    with pytest.raises(E.ConfigurationError, match="insecure permissions 0644"):
        TokenStore(store.path)


def test_ratd_token_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "tokens.toml"
    monkeypatch.setenv("RATATOSKR_TOKENS", str(path))
    config = tmp_path / "config.toml"
    config.write_text("")
    assert ratd_main(["-c", str(config), "token", "create", "alice", "--capability", "chat", "--model", "demo:*"]) == 0
    token = capsys.readouterr().out.strip()
    assert token.startswith("rat_") and token not in path.read_text()
    assert ratd_main(["-c", str(config), "token", "list"]) == 0
    listed = capsys.readouterr().out
    assert "alice" in listed and "models=demo:*" in listed and "capabilities=chat" in listed and token not in listed
    assert ratd_main(["-c", str(config), "token", "revoke", "alice"]) == 0
    assert TokenStore(path).grants() == []
    assert ratd_main(["-c", str(config), "token", "revoke", "alice"]) == 2
    path.chmod(0o640)
    assert ratd_main(["-c", str(config), "token", "list"]) == 2  # refused, not read


def test_service_client_from_settings_takes_the_token() -> None:
    settings = Settings.from_dict({}, secrets={"daemon": {"token": "rat_from_file"}})
    client = ServiceClient.from_settings("127.0.0.1:1", settings)
    assert client._metadata == (("authorization", "Bearer rat_from_file"),)
    settings = Settings.from_dict({}, env={"RATATOSKR_DAEMON_TOKEN": "rat_env"})
    assert ServiceClient.from_settings("127.0.0.1:1", settings)._metadata == (("authorization", "Bearer rat_env"),)


def test_is_local() -> None:
    for address in ("127.0.0.1:9741", "localhost:1", "[::1]:9", "127.8.0.1:5", "unix:/run/ratd.sock"):
        assert is_local(address), address
    for address in ("0.0.0.0:9741", "[::]:9741", "10.0.0.5:1", "example.org:443"):
        assert not is_local(address), address


@pytest.mark.parametrize("address", ["0.0.0.0:0", "[::]:0"])
def test_public_address_without_tls_and_tokens_is_refused(
    address: str, gateway_factory: Callable[[], Any], pki: Pki, tmp_path: Path
) -> None:
    with pytest.raises(E.ConfigurationError, match=r"tls_cert and tls_key.*ratd token create NAME.*--insecure"):
        ServerThread(gateway_factory(), ServerConfig(address=address)).start()
    tls_only = ServerConfig(address=address, tls_cert=pki.cert, tls_key=pki.key, tokens_file=tmp_path / "none.toml")
    with pytest.raises(E.ConfigurationError, match="without client tokens"):
        ServerThread(gateway_factory(), tls_only).start()
    with ServerThread(gateway_factory(), ServerConfig(address=address, insecure=True)):
        pass  # told so explicitly
    http_public = ServerConfig(address="127.0.0.1:0", http_listen=address)
    with pytest.raises(E.ConfigurationError, match="refuses to listen on"):
        ServerThread(gateway_factory(), http_public).start()


def test_ratd_process_refuses_a_public_address(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    config.write_text("")
    env = {**os.environ, "RATATOSKR_DISABLE_PLUGIN_AUTOLOAD": "1", "RATATOSKR_TOKENS": str(tmp_path / "t.toml")}
    result = subprocess.run(
        [sys.executable, "-m", "ratatoskr_server.daemon", "--config", str(config), "--address", "0.0.0.0:0"],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    assert "refuses to listen on 0.0.0.0:0" in result.stderr and "tls_cert" in result.stderr
