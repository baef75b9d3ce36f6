"""The model metadata registry: curated metadata and presets, merged in layers.

Layers, later wins: the seed shipped with the package (``seed.json``) → a cached remote registry file (local
file only, no network at start) → entries added at run time. The JSON format is the original project's:
``{"version": 1, "models": [ModelMetadata...], "presets": {tier: {capability: "model" | {"model", "parameters"}}}}``;
a legacy bare array of models is accepted; versions above 1 are refused.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from ratatoskr.errors import ConfigurationError, InvalidInput, PresetNotFound
from ratatoskr.types import ModelMetadata, PresetParameters, PresetResolution

__all__ = ["PRESET_SCHEME", "ModelRegistry", "parse_preset_uri"]

PRESET_SCHEME = "ratatoskr:"
SUPPORTED_VERSION = 1


def parse_preset_uri(uri: str) -> tuple[str, str]:
    """``ratatoskr:<tier>/<capability>`` → ``(tier, capability)``."""
    body = uri.removeprefix(PRESET_SCHEME)
    tier, sep, capability = body.partition("/")
    if not sep or not tier or not capability or "/" in capability:
        raise InvalidInput(f"preset URI must be `ratatoskr:<tier>/<capability>`, got `{uri}`")
    return tier, capability


class ModelRegistry:
    """Model metadata and presets by id: the seed, then a cached registry file, then run-time entries."""

    def __init__(self) -> None:
        self._models: dict[str, ModelMetadata] = {}
        self._presets: dict[str, dict[str, PresetResolution]] = {}

    @classmethod
    def with_seed(cls) -> ModelRegistry:
        registry = cls()
        text = resources.files("ratatoskr.metadata").joinpath("seed.json").read_text(encoding="utf-8")
        registry.load_payload(json.loads(text), source="seed.json")
        return registry

    def load_file(self, path: Path) -> bool:
        """Merge a cached registry file; a missing file is skipped, a corrupt one is an error naming it."""
        if not path.is_file():
            return False
        try:
            payload = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ConfigurationError(f"registry file {path} is not valid JSON: {exc}") from exc
        self.load_payload(payload, source=str(path))
        return True

    def load_payload(self, payload: Any, *, source: str) -> None:
        from ratatoskr.serde import structure

        if isinstance(payload, list):  # legacy: a bare array of models, no presets
            models, presets = payload, {}
        elif isinstance(payload, Mapping):
            version = payload.get("version", SUPPORTED_VERSION)
            if not isinstance(version, int) or version > SUPPORTED_VERSION:
                raise ConfigurationError(
                    f"{source}: unsupported registry version {version} (max supported: {SUPPORTED_VERSION})"
                )
            models, presets = payload.get("models", []), payload.get("presets", {})
        else:
            raise ConfigurationError(f"{source}: a registry is an object or an array, got {type(payload).__name__}")
        try:
            self.merge(structure(entry, ModelMetadata) for entry in models)
            for tier, slots in presets.items():
                for capability, entry in slots.items():
                    self.set_preset(tier, capability, _preset_entry(entry))
        except (InvalidInput, AttributeError, TypeError) as exc:
            raise ConfigurationError(f"{source}: invalid registry entry: {exc}") from exc

    def to_payload(self) -> dict[str, Any]:
        from ratatoskr.serde import unstructure

        presets = {
            tier: {
                cap: res.model
                if res.parameters is None
                else {"model": res.model, "parameters": unstructure(res.parameters)}
                for cap, res in sorted(slots.items())
            }
            for tier, slots in sorted(self._presets.items())
        }
        models = [unstructure(m) for _, m in sorted(self._models.items())]
        return {"version": SUPPORTED_VERSION, "models": models, "presets": presets}

    # ---- models ---------------------------------------------------------------------------------------------

    def get(self, model: str) -> ModelMetadata | None:
        return self._models.get(model)

    def list(self) -> list[ModelMetadata]:
        return [self._models[k] for k in sorted(self._models)]

    def merge(self, entries: Iterable[ModelMetadata]) -> None:
        for entry in entries:
            old = self._models.get(entry.info.id)
            self._models[entry.info.id] = entry if old is None else old.merged_with(entry)

    def __len__(self) -> int:
        return len(self._models)

    # ---- presets ---------------------------------------------------------------------------------------------

    def set_preset(self, tier: str, capability: str, resolution: PresetResolution) -> None:
        self._presets.setdefault(tier, {})[capability] = resolution

    def preset(self, tier: str, capability: str) -> PresetResolution | None:
        return self._presets.get(tier, {}).get(capability)

    def resolve_uri(self, uri: str) -> PresetResolution:
        tier, capability = parse_preset_uri(uri)
        found = self.preset(tier, capability)
        if found is None:
            raise PresetNotFound(tier, capability)
        return found

    def presets(self) -> dict[str, frozenset[str]]:
        return {tier: frozenset(slots) for tier, slots in sorted(self._presets.items())}


def _preset_entry(entry: Any) -> PresetResolution:
    from ratatoskr.serde import structure

    if isinstance(entry, str):
        return PresetResolution(entry)
    if isinstance(entry, Mapping) and isinstance(entry.get("model"), str):
        params = entry.get("parameters")
        parsed = structure(params, PresetParameters) if params else None
        return PresetResolution(entry["model"], None if parsed is None or parsed.is_empty else parsed)
    raise InvalidInput(f"preset entry must be a model id or {{model, parameters}}, got {entry!r}")
