import httpx
from ratatoskr.wire.client import OwnedClient


async def test_created_client_is_closed_and_recreated_on_next_use() -> None:
    holder = OwnedClient(None, 5.0)
    first = holder.get()
    assert holder.get() is first
    assert first.timeout.connect == 5.0 and first.timeout.read == 5.0
    await holder.aclose()
    assert first.is_closed
    assert holder.get() is not first
    await holder.aclose()


async def test_injected_client_is_never_closed_by_the_holder() -> None:
    async with httpx.AsyncClient() as injected:
        holder = OwnedClient(injected, 5.0)
        assert holder.get() is injected
        await holder.aclose()
        assert not injected.is_closed
