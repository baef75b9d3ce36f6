"""The serverless router (hf-inference) replayed from cassettes: embeddings, NLI, zero-shot, stance."""

from __future__ import annotations

import math

import pytest
from ratatoskr.errors import ModelNotAvailable
from ratatoskr.types import ClassifyOptions, NliLabel, StanceLabel

MINI = "sentence-transformers/all-MiniLM-L6-v2"


async def test_embed_one_text(make_provider, cassette) -> None:
    provider = make_provider()
    with cassette("serverless_embed"):
        result = await provider.embed("Today is a sunny day and I will get some ice cream.", MINI)
    assert result.values == (0.6, 0.0, -0.8)
    assert (result.model, result.provider, result.dimensions) == (MINI, "huggingface", 3)


async def test_embed_batch_split_to_batch_size_keeps_order(make_provider, cassette) -> None:
    provider = make_provider(batch_size=2, normalize=False)
    with cassette("serverless_embed_batch") as played:
        results = await provider.embed_batch([f"t{i}" for i in range(5)], MINI)
    assert [r.values[0] for r in results] == [0.0, 1.0, 2.0, 3.0, 4.0]
    assert played.play_count == 3


async def test_token_level_answer_is_mean_pooled(make_provider, cassette) -> None:
    provider = make_provider(normalize=False)
    with cassette("serverless_embed_token_level"):
        result = await provider.embed("hello world", "google-bert/bert-base-uncased")
    assert result.values == (3.0, 4.0)


async def test_nli_sends_real_text_pairs_and_maps_labels_case_insensitively(make_provider, cassette) -> None:
    provider = make_provider()
    premise = "A man is playing a guitar on stage."
    with cassette("serverless_nli"):
        first, second = await provider.infer_nli_batch(
            [(premise, "A man is performing music."), (premise, "The stage is empty.")], "microsoft/deberta-large-mnli"
        )
    assert first.label is NliLabel.ENTAILMENT and first.entailment == pytest.approx(0.952)
    assert second.label is NliLabel.CONTRADICTION and second.contradiction == pytest.approx(0.973)
    assert (first.model, first.provider) == ("microsoft/deberta-large-mnli", "huggingface")


async def test_generic_label_names_resolved_through_model_config(make_provider, cassette) -> None:
    provider = make_provider()
    with cassette("serverless_nli_generic_labels"):
        result = await provider.infer_nli(
            "The cat sleeps on the mat.", "An animal is resting.", "example-org/nli-generic-labels"
        )
    assert result.label is NliLabel.ENTAILMENT
    assert (result.entailment, result.neutral, result.contradiction) == (0.91, 0.06, 0.03)


async def test_zero_shot(make_provider, cassette) -> None:
    provider = make_provider()
    text = (
        "Hi, I recently bought a device from your company but it is not working as advertised and I "
        "would like to get reimbursed!"
    )
    with cassette("serverless_zero_shot"):
        result = await provider.classify_zero_shot(
            text, ["refund", "legal", "faq"], "facebook/bart-large-mnli", ClassifyOptions()
        )
    assert list(result.scores) == ["refund", "legal", "faq"]
    assert (result.top_label, result.confidence, result.multi_label) == ("refund", 0.877, False)


async def test_zero_shot_multi_label_with_template_and_legacy_answer(make_provider, cassette) -> None:
    provider = make_provider()
    with cassette("serverless_zero_shot_legacy"):
        result = await provider.classify_zero_shot(
            "I love hiking in the mountains and cooking Italian food.",
            ["travel", "cooking", "finance"],
            "facebook/bart-large-mnli",
            ClassifyOptions(multi_label=True, hypothesis_template="This text is about {}."),
        )
    assert result.scores == {"travel": 0.874, "cooking": 0.981, "finance": 0.003}
    assert result.multi_label and result.top_label == "cooking"


async def test_stance_uses_the_callers_model(make_provider, cassette) -> None:
    provider = make_provider()
    text = "Nuclear plants are the cleanest reliable power we have; we should build more."
    with cassette("serverless_stance"):
        result = await provider.classify_stance(text, "nuclear power", "MoritzLaurer/DeBERTa-v3-base-mnli-fever-anli")
    assert result.label is StanceLabel.FAVOR
    assert (result.favor, result.against, result.neutral) == (0.91, 0.03, 0.06)
    assert result.target == "nuclear power"
    assert result.model == "MoritzLaurer/DeBERTa-v3-base-mnli-fever-anli"
    assert math.isclose(result.favor + result.against + result.neutral, 1.0)


async def test_models_list_restricts_what_is_served(make_provider) -> None:
    provider = make_provider(models=[MINI])
    assert provider.models == frozenset({MINI})
    with pytest.raises(ModelNotAvailable, match="not in providers.huggingface.models"):
        await provider.embed("x", "BAAI/bge-small-en-v1.5")
