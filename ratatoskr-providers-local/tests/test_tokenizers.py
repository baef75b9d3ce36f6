"""Token counting and tokenizing: the resolution rules, byte offsets, no special tokens."""

from __future__ import annotations

from pathlib import Path

import pytest
from ratatoskr.errors import ConfigurationError, ModelNotAvailable
from ratatoskr_providers_local import LocalConfig
from ratatoskr_providers_local._sources import DATA_DIR
from ratatoskr_providers_local._tokenizers import Tokenizers, TokenizerSource

from .conftest import TINY_NLI, make_provider

MINILM_TOKENIZER = str(DATA_DIR / "tokenizer.json")


async def test_count_and_tokenize_with_the_bundled_tokenizer() -> None:
    provider = make_provider()
    text = "Hello wörld, tokenization!"
    tokens = await provider.tokenize(text, "sentence-transformers/all-MiniLM-L6-v2")
    assert await provider.count_tokens(text, "all-MiniLM-L6-v2") == len(tokens)
    assert tokens[0].text == "hello"  # no [CLS]: encoded without special tokens
    data = text.encode()
    # byte offsets: "wörld" spans 6 bytes, and every token's bytes are its piece of the text
    world = next(t for t in tokens if t.text == "world")
    assert data[world.start : world.end].decode() == "wörld"
    assert tokens[-1].end == len(data)


async def test_empty_text_has_no_tokens() -> None:
    provider = make_provider()
    assert await provider.count_tokens("", "all-MiniLM-L6-v2") == 0
    assert await provider.tokenize("", "all-MiniLM-L6-v2") == []


async def test_long_text_is_counted_in_full() -> None:
    assert await make_provider().count_tokens("word " * 1000, "all-MiniLM-L6-v2") == 1000


def test_resolution_exact_then_longest_prefix_then_alias() -> None:
    tokenizers = Tokenizers(
        LocalConfig(
            download=False,
            tokenizers={
                "my-model": f"file:{MINILM_TOKENIZER}",
                "my": "hf:org/other",
                "my-model-v2": "alias:my-model",
                "claude-3": "alias:my-model",
            },
        )
    )
    assert tokenizers.source_for("my-model") == TokenizerSource("file", MINILM_TOKENIZER)
    assert tokenizers.source_for("my-model-v2-large") == TokenizerSource("file", MINILM_TOKENIZER)  # longest prefix
    assert tokenizers.source_for("mystery") == TokenizerSource("hf", "org/other")
    assert tokenizers.source_for("claude-3-opus") == TokenizerSource("file", MINILM_TOKENIZER)  # config beats default
    assert tokenizers.source_for("claude-sonnet-4") == TokenizerSource("hf", "Xenova/claude-tokenizer")
    assert tokenizers.source_for("anthropic/claude-sonnet-4") == TokenizerSource("hf", "Xenova/claude-tokenizer")
    assert tokenizers.source_for("gpt-4o-mini") == TokenizerSource("hf", "Xenova/gpt-4o")
    assert tokenizers.source_for(str(TINY_NLI)) == TokenizerSource("file", str(TINY_NLI / "tokenizer.json"))


def test_alias_cycle_is_a_configuration_error() -> None:
    tokenizers = Tokenizers(LocalConfig(tokenizers={"a": "alias:b", "b": "alias:c", "c": "alias:a"}))
    with pytest.raises(ConfigurationError, match="cycle: a -> b -> c -> a"):
        tokenizers.source_for("a")


def test_bad_source_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="hf:REPO"):
        Tokenizers(LocalConfig(tokenizers={"x": "nonsense"}))


async def test_local_file_mapping(tmp_path: Path) -> None:
    provider = make_provider(tokenizers={"tiny": f"file:{TINY_NLI / 'tokenizer.json'}"})
    tokens = await provider.tokenize("The man is eating.", "tiny-v1")
    assert [t.text for t in tokens] == ["the", "man", "is", "eating", "."]
    assert [(t.start, t.end) for t in tokens][-1] == (17, 18)


async def test_unmapped_or_not_downloaded_tokenizer_is_not_available(tmp_path: Path) -> None:
    provider = make_provider(models_dir=tmp_path)
    with pytest.raises(ModelNotAvailable, match="no tokenizer mapping"):
        await provider.count_tokens("hi", "some-unknown-model")
    with pytest.raises(ModelNotAvailable, match="ratatoskr local pull --tokenizer claude-sonnet-4"):
        await provider.count_tokens("hi", "claude-sonnet-4")
