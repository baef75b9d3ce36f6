"""HttpProvider: what every HTTP provider has, once."""

from __future__ import annotations

import httpx
import pytest
from ratatoskr import errors
from ratatoskr.wire._pool import default_ssl_context
from ratatoskr.wire.base import HttpProvider
from ratatoskr.wire.endpoint import Limits


class Acme(HttpProvider):
    name = "acme"


async def test_the_common_parts() -> None:
    async with httpx.AsyncClient(verify=default_ssl_context()) as client:
        acme = Acme("https://api.acme.ai/", headers={"k": "v"}, client=client, timeout=9, models=["a"], priority=7)
        assert (acme.name, acme.priority, acme.models, acme.base_url) == (
            "acme",
            7,
            frozenset({"a"}),
            "https://api.acme.ai",
        )
        assert acme.endpoint.provider == "acme" and acme.endpoint.headers == {"k": "v"}
        assert acme.endpoint.limits.timeout == 9 and acme.endpoint.client is client
        assert repr(acme) == "<Acme acme https://api.acme.ai>"
        acme.check_model("a")
        with pytest.raises(errors.ModelNotAvailable, match="models"):
            acme.check_model("b")
        await acme.aclose()
        assert not client.is_closed  # injected: not ours to close


def test_one_class_configured_twice_keeps_two_names() -> None:
    local = Acme("http://127.0.0.1:8000", name="local-acme", limits=Limits(idle_timeout=5))
    assert (local.name, Acme.name, local.endpoint.provider) == ("local-acme", "acme", "local-acme")
    assert local.models is None and local.endpoint.limits.idle == 5
    local.check_model("anything")
