"""text-embeddings-inference servers, and model status / listing from the Hub and TEI's /info."""

from __future__ import annotations

import math

import pytest
from ratatoskr.errors import ModelNotAvailable
from ratatoskr.types import Capability, ClassifyOptions, ModelStatusKind, NliLabel

TEI = "http://tei.test:8080"
NLI = "cross-encoder/nli-deberta-v3-small"


async def test_tei_embed_splits_to_the_servers_batch_limit(make_provider, cassette) -> None:
    provider = make_provider(kind="tei", base_url=TEI, api_key="tei_secret")
    with cassette("tei_embed"):
        results = await provider.embed_batch(["a", "b", "c"], "BAAI/bge-small-en-v1.5")
    assert [r.values for r in results] == [(1.0, 0.0), (0.0, 1.0), (0.6, 0.8)]


async def test_tei_nli_sends_pairs(make_provider, cassette) -> None:
    provider = make_provider(kind="tei", base_url=TEI)
    with cassette("tei_nli"):
        result = await provider.infer_nli(
            "A soccer game with multiple males playing.", "Some men are playing a sport.", NLI
        )
    assert result.label is NliLabel.ENTAILMENT and result.entailment == 0.987


async def test_tei_zero_shot_from_nli_logits(make_provider, cassette) -> None:
    provider = make_provider(kind="tei", base_url=TEI)
    with cassette("tei_zero_shot"):
        result = await provider.classify_zero_shot(
            "The team won the cup final.", ["sports", "politics"], NLI, ClassifyOptions()
        )
    assert result.top_label == "sports"
    assert result.scores["sports"] == pytest.approx(1 / (1 + math.exp(-4)))
    assert math.isclose(sum(result.scores.values()), 1.0)


async def test_tei_refuses_a_model_it_does_not_serve(make_provider, cassette) -> None:
    provider = make_provider(kind="tei", base_url=TEI)
    with cassette("tei_info"), pytest.raises(ModelNotAvailable, match="serves BAAI/bge-small-en-v1.5"):
        await provider.embed("x", "thenlper/gte-base")


async def test_tei_status_and_listing(make_provider, cassette) -> None:
    provider = make_provider(kind="tei", base_url=TEI)
    with cassette("tei_info"):
        ready = await provider.model_status("BAAI/bge-small-en-v1.5")
        other = await provider.model_status("thenlper/gte-base")
        listed = await provider.list_models()
    assert ready.kind is ModelStatusKind.READY and ready.provider == "huggingface"
    assert other.kind is ModelStatusKind.UNAVAILABLE
    assert [(m.id, m.capabilities) for m in listed] == [("BAAI/bge-small-en-v1.5", (Capability.EMBED,))]


async def test_serverless_status_from_the_hub(make_provider, cassette) -> None:
    provider = make_provider(
        models=["sentence-transformers/all-MiniLM-L6-v2", "facebook/bart-large-mnli", "someone/never-published"]
    )
    with cassette("hub_status"):
        live = await provider.model_status("sentence-transformers/all-MiniLM-L6-v2")
        zero_shot = await provider.model_status("facebook/bart-large-mnli")
        missing = await provider.model_status("someone/never-published")
    assert live.kind is ModelStatusKind.AVAILABLE and "feature-extraction" in (live.reason or "")
    assert zero_shot.kind is ModelStatusKind.AVAILABLE
    assert missing.kind is ModelStatusKind.UNAVAILABLE and "someone/never-published" in (missing.reason or "")
    with pytest.raises(ModelNotAvailable):
        await provider.model_status("not/configured")


async def test_serverless_listing_with_capabilities_and_seen_dimensions(make_provider, cassette) -> None:
    provider = make_provider(
        models=["sentence-transformers/all-MiniLM-L6-v2", "facebook/bart-large-mnli", "someone/never-published"]
    )
    with cassette("serverless_embed"):
        await provider.embed(
            "Today is a sunny day and I will get some ice cream.", "sentence-transformers/all-MiniLM-L6-v2"
        )
    with cassette("hub_status"):
        listed = {m.id: m for m in await provider.list_models()}
    assert listed["sentence-transformers/all-MiniLM-L6-v2"].capabilities == (Capability.EMBED,)
    assert listed["sentence-transformers/all-MiniLM-L6-v2"].dimensions == 3
    assert listed["facebook/bart-large-mnli"].capabilities == (Capability.CLASSIFY, Capability.STANCE)
    assert listed["someone/never-published"].capabilities == ()


async def test_endpoint_kind_posts_to_the_endpoint_root(make_provider) -> None:
    provider = make_provider(kind="endpoint", base_url="https://xyz.endpoints.huggingface.cloud/")
    status = await provider.model_status("my/model")
    assert status.kind is ModelStatusKind.AVAILABLE
    assert provider.config.base_url == "https://xyz.endpoints.huggingface.cloud"


async def test_offline_mode_never_asks_the_hub(make_provider, monkeypatch: pytest.MonkeyPatch) -> None:
    from ratatoskr.errors import NotAvailableOffline

    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    # No cassette: any request would fail the test (vcr refuses it); the hub_url would not resolve either.
    provider = make_provider(models=["facebook/bart-large-mnli"], hub_url="http://hub.invalid")
    with pytest.raises(NotAvailableOffline, match="HF_HUB_OFFLINE=1") as info:
        await provider.hub_model("facebook/bart-large-mnli")
    assert "unset HF_HUB_OFFLINE" in info.value.hint
    status = await provider.model_status("facebook/bart-large-mnli")
    assert status.kind is ModelStatusKind.UNAVAILABLE and "HF_HUB_OFFLINE=1" in (status.reason or "")
    assert [m.capabilities for m in await provider.list_models()] == [()]
