"""Endpoint clients share one default TLS context per process (loading the CA bundle costs ~25 ms of CPU), and a
change of ``SSL_CERT_FILE`` or an explicit ``verify`` still gets its own."""

from __future__ import annotations

import ssl
from pathlib import Path

import certifi
import pytest
from ratatoskr.wire._pool import PooledClient, default_ssl_context


def _context(client: PooledClient) -> ssl.SSLContext | None:
    return client._transport._pool._ssl_context  # type: ignore[attr-defined]


async def test_clients_share_the_default_context_and_it_verifies() -> None:
    async with PooledClient() as one, PooledClient() as two:
        shared = _context(one)
        assert shared is _context(two) is default_ssl_context()
        assert shared is not None
        assert shared.verify_mode == ssl.CERT_REQUIRED
        assert shared.check_hostname
        assert shared.get_ca_certs() or shared.cert_store_stats()["x509_ca"] > 0


@pytest.fixture
def ca_bundle(tmp_path: Path) -> Path:
    bundle = tmp_path / "ca.pem"
    bundle.write_bytes(Path(certifi.where()).read_bytes())
    return bundle


async def test_an_explicit_verify_or_another_ca_file_gets_its_own(
    monkeypatch: pytest.MonkeyPatch, ca_bundle: Path
) -> None:
    mine = ssl.create_default_context()
    async with PooledClient(verify=mine) as client:
        assert _context(client) is mine
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_bundle))
    async with PooledClient() as client:
        assert _context(client) is not default_ssl_context(trust_env=False)
        assert _context(client) is default_ssl_context()
    monkeypatch.delenv("SSL_CERT_FILE")
    assert default_ssl_context() is not default_ssl_context(trust_env=False)
