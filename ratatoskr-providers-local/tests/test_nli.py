"""NLI, zero-shot and stance mechanics on the tiny ONNX cross-encoder in fixtures/tiny-nli (see
fixtures/make_tiny_nli.py for the rule it computes and the traps it sets)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest
from ratatoskr.errors import InvalidInput, ModelNotAvailable
from ratatoskr.types import ClassifyOptions, NliLabel, StanceLabel
from ratatoskr_providers_local import BUNDLED_ID, LocalProvider, ModelFilesError

from .conftest import make_provider

PAIRS = [
    ("A man is eating food.", "A man is eating.", NliLabel.ENTAILMENT),
    ("A man is eating food.", "The man is not eating.", NliLabel.CONTRADICTION),
    ("A man is eating food in the park.", "A woman is sleeping.", NliLabel.NEUTRAL),
]


class _CountingSession:
    """Wraps the real ONNX session to count runs and record batch shapes."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.shapes = inner, []

    def run(self, names: Any, feed: dict[str, Any]) -> Any:
        self.shapes.append(feed["input_ids"].shape)
        return self.inner.run(names, feed)


async def _counting(provider: LocalProvider, model: str) -> _CountingSession:
    m = await provider.nli_model(model)
    m.session = _CountingSession(m.session)
    return m.session


async def test_labels_follow_id2label_not_position(tiny_nli: Path) -> None:
    provider = make_provider()
    results = await provider.infer_nli_batch([(p, h) for p, h, _ in PAIRS], str(tiny_nli))
    assert [r.label for r in results] == [want for *_, want in PAIRS]
    for r in results:
        assert abs(r.entailment + r.contradiction + r.neutral - 1.0) < 1e-6
        assert (r.provider, r.truncated) == ("local", False)


async def test_batch_is_batched_onnx_runs_and_equals_singles(tiny_nli: Path) -> None:
    provider = make_provider()
    session = await _counting(provider, str(tiny_nli))
    pairs = [(p, h) for p, h, _ in PAIRS] * 4
    batch = await provider.infer_nli_batch(pairs, str(tiny_nli))
    assert len(session.shapes) < len(pairs)  # a few padded runs, not a loop of single calls
    assert sum(shape[0] for shape in session.shapes) == len(pairs)
    singles = [await provider.infer_nli(p, h, str(tiny_nli)) for p, h in pairs]
    assert batch == singles  # padding is masked: the fixture turns unmasked padding into contradiction


async def test_concurrent_single_calls_share_runs(tiny_nli: Path) -> None:
    provider = make_provider()
    session = await _counting(provider, str(tiny_nli))
    out: dict[int, NliLabel] = {}

    async def one(i: int) -> None:
        premise, hypothesis, _ = PAIRS[i % 3]
        out[i] = (await provider.infer_nli(premise, hypothesis, str(tiny_nli))).label

    async with anyio.create_task_group() as tg:
        for i in range(30):
            tg.start_soon(one, i)
    assert [out[i] for i in range(30)] == [PAIRS[i % 3][2] for i in range(30)]
    assert len(session.shapes) < 30


async def test_over_long_pair_is_truncated_and_reported(tiny_nli: Path) -> None:
    provider = make_provider()
    result = await provider.infer_nli("a man is eating " * 40, "a man is eating", str(tiny_nli))
    assert result.truncated
    assert result.label is NliLabel.ENTAILMENT


async def test_zero_shot_single_and_multi_label(tiny_nli: Path) -> None:
    provider = make_provider()
    text, labels = "The team won the game in the park.", ["sports", "politics", "game"]
    single = await provider.classify_zero_shot(text, labels, str(tiny_nli), ClassifyOptions())
    assert single.top_label == "game"
    assert abs(sum(single.scores.values()) - 1.0) < 1e-6
    multi = await provider.classify_zero_shot(
        text, labels, str(tiny_nli), ClassifyOptions(multi_label=True, hypothesis_template="It is about {}.")
    )
    assert multi.multi_label and multi.top_label == "game"
    assert min(multi.scores.values()) >= 0.0 and max(multi.scores.values()) <= 1.0
    assert list(multi.scores) == labels


@pytest.mark.parametrize(
    ("labels", "template", "match"),
    [
        ([], None, "non-empty list"),
        (["a", "b", "a"], None, "repeated: a"),
        (["a", " "], None, r"labels\[1\] is empty"),
        (["a"], "no placeholder", "must contain {}"),
    ],
)
async def test_bad_labels_are_invalid_input(
    tiny_nli: Path, labels: list[str], template: str | None, match: str
) -> None:
    with pytest.raises(InvalidInput, match=match):
        await make_provider().classify_zero_shot(
            "text", labels, str(tiny_nli), ClassifyOptions(hypothesis_template=template)
        )


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("The team supports the tax policy.", StanceLabel.FAVOR),
        ("The team opposes the tax policy.", StanceLabel.AGAINST),
    ],
)
async def test_stance_toward_a_target(tiny_nli: Path, text: str, label: StanceLabel) -> None:
    result = await make_provider().classify_stance(text, "tax policy", str(tiny_nli))
    assert result.label is label
    assert result.target == "tax policy"
    assert abs(result.favor + result.against + result.neutral - 1.0) < 1e-6


async def test_nli_on_an_embedding_model_is_a_clear_error(minilm: Any) -> None:
    with pytest.raises(ModelFilesError, match="not an NLI model"):
        await make_provider(minilm).infer_nli("a", "b", BUNDLED_ID)


async def test_config_without_nli_labels_is_a_clear_error(tiny_nli: Path) -> None:
    config = json.loads((tiny_nli / "config.json").read_text())
    config["id2label"] = {"0": "LABEL_0", "1": "LABEL_1", "2": "LABEL_2"}
    (tiny_nli / "config.json").write_text(json.dumps(config))
    with pytest.raises(ModelFilesError, match="not a 3-way NLI model"):
        await make_provider().infer_nli("a", "b", str(tiny_nli))


async def test_directory_without_onnx_weights(tiny_nli: Path) -> None:
    (tiny_nli / "model.onnx").unlink()
    with pytest.raises(ModelFilesError, match="has no ONNX weights"):
        await make_provider().infer_nli("a", "b", str(tiny_nli))


async def test_corrupt_onnx_file(tiny_nli: Path) -> None:
    (tiny_nli / "model.onnx").write_bytes(b"\x08\x01this is not a protobuf model")
    with pytest.raises(ModelFilesError, match="ONNX Runtime cannot load"):
        await make_provider().infer_nli("a", "b", str(tiny_nli))


async def test_missing_directory_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ModelFilesError, match="has no ONNX weights|does not exist"):
        await make_provider().infer_nli("a", "b", str(tmp_path / "nowhere"))


async def test_default_nli_model_offline_names_the_model_and_the_fix(tmp_path: Path) -> None:
    provider = make_provider(models_dir=tmp_path)
    with pytest.raises(ModelNotAvailable) as info:
        await provider.infer_nli("a", "b", "cross-encoder/nli-deberta-v3-small")
    assert "cross-encoder/nli-deberta-v3-small" in str(info.value)
    assert "ratatoskr local pull cross-encoder/nli-deberta-v3-small" in str(info.value)


async def test_bad_pairs_are_invalid_input(tiny_nli: Path) -> None:
    provider = make_provider()
    with pytest.raises(InvalidInput):
        await provider.infer_nli_batch([], str(tiny_nli))
    with pytest.raises(InvalidInput, match=r"pairs\[0\]"):
        await provider.infer_nli_batch([("only one",)], str(tiny_nli))  # type: ignore[list-item]
    with pytest.raises(InvalidInput, match="hypothesis is empty"):
        await provider.infer_nli("premise", "", str(tiny_nli))
