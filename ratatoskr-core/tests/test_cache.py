from ratatoskr import CacheConfig, EmbeddedGateway
from ratatoskr.testing import FakeEmbeddingProvider, FakeNliProvider


def gateway(*providers: object) -> EmbeddedGateway:
    builder = EmbeddedGateway.builder().cache(CacheConfig(max_entries=100, ttl=60))
    for p in providers:
        builder.provider(p)
    return builder.build()


async def test_embed_is_served_from_the_cache_on_repeat() -> None:
    provider = FakeEmbeddingProvider("p")
    gw = gateway(provider)
    first = await gw.embed("hello", "m")
    second = await gw.embed("hello", "m")
    assert first == second
    assert len(provider.calls) == 1
    assert gw.cache is not None and (gw.cache.hits, gw.cache.misses) == (1, 1)


async def test_batch_sends_only_the_misses_and_keeps_order() -> None:
    provider = FakeEmbeddingProvider("p")
    gw = gateway(provider)
    await gw.embed("bb", "m")
    result = await gw.embed_batch(["a", "bb", "ccc"], "m")
    assert [e.values[0] for e in result] == [1.0, 2.0, 3.0]
    assert provider.calls[-1] == ("embed_batch", (["a", "ccc"], "m"))


async def test_cache_keys_include_the_model_and_the_pair_order() -> None:
    nli = FakeNliProvider("n")
    gw = gateway(nli, FakeEmbeddingProvider("p"))
    await gw.infer_nli("a cat", "cat", "m")
    await gw.infer_nli("cat", "a cat", "m")
    await gw.infer_nli("a cat", "cat", "other")
    assert len(nli.calls) == 3


async def test_without_cache_config_every_call_reaches_the_provider() -> None:
    provider = FakeEmbeddingProvider("p")
    gw = EmbeddedGateway.builder().provider(provider).build()
    await gw.embed("x", "m")
    await gw.embed("x", "m")
    assert len(provider.calls) == 2
