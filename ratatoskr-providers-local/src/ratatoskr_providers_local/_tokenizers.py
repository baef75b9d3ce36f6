"""The local tokenizers: which tokenizer counts the tokens of a model, and loading it.

A mapping goes from a model name (or name prefix) to a source: ``hf:REPO`` (the repo's tokenizer.json via
huggingface-hub), ``file:PATH`` (a tokenizer.json on disk) or ``alias:NAME`` (use NAME's mapping).
Resolution: the exact name, then the longest matching prefix, then aliases are followed (a cycle is a
:class:`ConfigurationError`). Models this provider serves (short names, repo ids, directories) use their own
tokenizer. Text is encoded WITHOUT special tokens, so counts are the text's own tokens.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from attrs import frozen
from ratatoskr.errors import ConfigurationError, ModelNotAvailable

from ratatoskr_providers_local._config import LocalConfig
from ratatoskr_providers_local._manager import FAILURE_TTL_S
from ratatoskr_providers_local._offline import check_downloads
from ratatoskr_providers_local._runtime import ModelFilesError, find_tokenizer
from ratatoskr_providers_local._sources import DATA_DIR, http_errors, pull_hint, resolve

if TYPE_CHECKING:
    from tokenizers import Tokenizer

__all__ = ["DEFAULT_TOKENIZERS", "Tokenizers", "TokenizerSource"]

NAME = "local"
MAX_ALIAS_DEPTH = 16
#: Defaults; ``[providers.local.tokenizers]`` entries override or extend them. (meta-llama and mistralai repos
#: are gated on HuggingFace: accept their licence and set HF_TOKEN, or map to a mirror.)
DEFAULT_TOKENIZERS: Mapping[str, str] = {
    "claude": "hf:Xenova/claude-tokenizer",
    "anthropic/claude": "alias:claude",
    "gpt-4": "hf:Xenova/gpt-4",
    "gpt-4o": "hf:Xenova/gpt-4o",
    "gpt-3.5": "hf:Xenova/gpt-3.5-turbo",
    "openai/gpt-4": "alias:gpt-4",
    "openai/gpt-3.5": "alias:gpt-3.5",
    "llama": "hf:meta-llama/Llama-3.2-1B",
    "meta-llama": "hf:meta-llama/Llama-3.2-1B",
    "mistral": "hf:mistralai/Mistral-7B-v0.1",
    "mistralai": "alias:mistral",
}


@frozen
class TokenizerSource:
    kind: str  # "hf" | "file" | "alias" | "bundled"
    target: str

    @classmethod
    def parse(cls, text: str) -> TokenizerSource:
        kind, sep, target = text.partition(":")
        if sep and kind in ("hf", "file", "alias") and target:
            return cls(kind, target)
        if text.endswith(".json") or Path(text).expanduser().is_file():
            return cls("file", text)
        if "/" in text:
            return cls("hf", text)
        raise ConfigurationError(
            f"tokenizer source {text!r} must be hf:REPO, file:PATH or alias:NAME (in [providers.local.tokenizers])"
        )


class Tokenizers:
    def __init__(self, config: LocalConfig) -> None:
        self.config = config
        self.mappings = {k: TokenizerSource.parse(v) for k, v in {**DEFAULT_TOKENIZERS, **config.tokenizers}.items()}
        self._loaded: dict[TokenizerSource, Tokenizer] = {}
        self._failed: dict[TokenizerSource, tuple[float, ModelNotAvailable]] = {}

    def source_for(self, model: str) -> TokenizerSource:
        """The source for ``model`` (exact, longest prefix, aliases followed; served models use their own)."""
        name, seen = model, [model]
        for _ in range(MAX_ALIAS_DEPTH):
            source = self._lookup(name)
            if source is None:
                raise ModelNotAvailable(model, provider=NAME, reason="no tokenizer mapping for this model")
            if source.kind != "alias":
                return source
            name = source.target
            if name in seen:
                raise ConfigurationError(f"tokenizer alias cycle: {' -> '.join([*seen, name])}")
            seen.append(name)
        raise ConfigurationError(f"tokenizer aliases nest deeper than {MAX_ALIAS_DEPTH}: {' -> '.join(seen)}")

    def _lookup(self, name: str) -> TokenizerSource | None:
        if name in self.mappings:
            return self.mappings[name]
        prefixes = [p for p in self.mappings if name.startswith(p)]
        if prefixes:
            return self.mappings[max(prefixes, key=len)]
        served = resolve(name, self.config)
        if served is not None:
            kind = {"bundled": "bundled", "dir": "file", "hub": "hf"}[served.kind]
            if kind == "file":
                return TokenizerSource("file", str(find_tokenizer(Path(served.location).expanduser())))
            return TokenizerSource(kind, served.id)
        return None

    def has_mapping(self, model: str) -> bool:
        """Whether ``model`` has a tokenizer (a mapping, or a model this provider serves)."""
        try:
            self.source_for(model)
        except (ModelNotAvailable, ConfigurationError):
            return False
        return True

    def is_cached(self, repo: str) -> bool:
        """Whether the repo's tokenizer.json is already in the model cache."""
        from huggingface_hub import try_to_load_from_cache

        return isinstance(try_to_load_from_cache(repo, "tokenizer.json", cache_dir=self.config.models_dir), str)

    def get(self, model: str) -> Tokenizer:
        """The tokenizer for ``model``, loaded once per source (blocking: may read or download a file)."""
        source = self.source_for(model)
        found = self._loaded.get(source)
        if found is not None:
            return found
        failed = self._failed.get(source)
        if failed is not None and time.monotonic() - failed[0] < FAILURE_TTL_S:
            raise failed[1]
        try:
            found = self._loaded[source] = self._load(source, model)
        except ModelNotAvailable as exc:
            self._failed[source] = (time.monotonic(), exc)
            raise
        return found

    def _load(self, source: TokenizerSource, model: str) -> Tokenizer:
        from tokenizers import Tokenizer

        if source.kind == "bundled":
            path = DATA_DIR / "tokenizer.json"
        elif source.kind == "file":
            path = Path(source.target).expanduser()
            if not path.is_file():
                raise ModelFilesError(f"tokenizer file {path} does not exist (mapping for {model!r})", provider=NAME)
        else:
            path = self.tokenizer_file(source.target, model)
        try:
            tokenizer = Tokenizer.from_file(str(path))
        except Exception as exc:  # tokenizers raises plain Exception for every parse failure
            raise ModelFilesError(f"cannot load tokenizer {path}: {exc}", provider=NAME) from exc
        tokenizer.no_padding()
        tokenizer.no_truncation()  # counting must see the whole text
        return tokenizer

    def tokenizer_file(self, repo: str, model: str) -> Path:
        """The repo's tokenizer.json: from the cache, else downloaded (one probe first: offline fails at once)."""
        import httpx
        from huggingface_hub import hf_hub_download, try_to_load_from_cache
        from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError

        cached = try_to_load_from_cache(repo, "tokenizer.json", cache_dir=self.config.models_dir)
        if isinstance(cached, str):
            return Path(cached)  # no request at all: huggingface-hub would ask the Hub for a newer revision
        check_downloads(repo, self.config, hint=pull_hint(model, tokenizer=True))
        failures: tuple[type[Exception], ...] = (HfHubHTTPError, httpx.HTTPError, OSError, *http_errors())
        try:
            return Path(hf_hub_download(repo, "tokenizer.json", cache_dir=self.config.models_dir))
        except LocalEntryNotFoundError as exc:
            reason = f"tokenizer.json could not be fetched from the HuggingFace Hub ({exc})"
            raise ModelNotAvailable(repo, provider=NAME, reason=reason) from exc
        except failures as exc:
            raise ModelNotAvailable(repo, provider=NAME, reason=f"cannot get tokenizer.json: {exc}") from exc
