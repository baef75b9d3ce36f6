"""The model metadata registry: curated metadata and presets, merged in layers.

Layers, later wins: the seed shipped with the package (``seed.json``) → the downloaded registry (a local cache file,
no network at start) → the local registry file ``ratatoskr registry`` edits → entries added at run time. A layer file
that cannot be read or is not a valid registry is skipped with a :class:`RegistryWarning`: the layers below it still
serve. The JSON format is the original project's:
``{"version": 1, "models": [ModelMetadata...], "presets": {tier: {capability: "model" | {"model", "parameters"}}}}``;
a legacy bare array of models is accepted; versions above 1 are refused.
"""

from __future__ import annotations

import builtins
import json
import threading
import warnings
from collections.abc import Iterable, Mapping
from importlib import resources
from pathlib import Path
from typing import Any

from ratatoskr.errors import ConfigurationError, InvalidInput, PresetNotFound
from ratatoskr.types import ModelMetadata, PresetParameters, PresetResolution

__all__ = ["PRESET_SCHEME", "ModelRegistry", "RegistryWarning", "parse_preset_uri"]

PRESET_SCHEME = "ratatoskr:"
SUPPORTED_VERSION = 1


class RegistryWarning(UserWarning):
    """A registry file was skipped (unreadable, not JSON, an unsupported version, a bad entry); the rest serves."""


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
        #: The download started for the next start (``[registry] refresh = "background"``), if any.
        self.background_refresh: threading.Thread | None = None

    @classmethod
    def with_seed(cls) -> ModelRegistry:
        registry = cls()
        text = resources.files("ratatoskr.metadata").joinpath("seed.json").read_text(encoding="utf-8")
        registry.load_payload(json.loads(text), source="seed.json")
        return registry

    def load_file(self, path: Path) -> bool:
        """Merge a registry file over what is loaded; ``False`` when it is missing or was skipped.

        A file that cannot be read, is not JSON or is not a valid registry is skipped whole (nothing of it is
        merged) with a :class:`RegistryWarning` naming it: a bad cache must not stop every command.
        """
        try:
            staged = ModelRegistry.from_file(path)
        except FileNotFoundError:
            return False
        except ConfigurationError as exc:
            warnings.warn(f"{exc}; ignoring it", RegistryWarning, stacklevel=2)
            return False
        self.merge(staged.list())
        for tier, slots in staged._presets.items():
            for capability, resolution in slots.items():
                self.set_preset(tier, capability, resolution)
        return True

    @classmethod
    def from_file(cls, path: Path) -> ModelRegistry:
        """Exactly what one registry file holds (no seed). Raises ``FileNotFoundError`` when it is missing and
        ``ConfigurationError`` naming the file when it cannot be read or is not a valid registry."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigurationError(f"registry file {path} cannot be read: {exc}") from exc
        try:
            payload = json.loads(text)
        except ValueError as exc:
            raise ConfigurationError(f"registry file {path} is not valid JSON: {exc}") from exc
        registry = cls()
        registry.load_payload(payload, source=f"registry file {path}")
        return registry

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
        except (InvalidInput, AttributeError, TypeError, ValueError) as exc:
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

    def remove(self, model: str) -> bool:
        """Drop a model; ``False`` when it was not there."""
        return self._models.pop(model, None) is not None

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

    def remove_preset(self, tier: str, capability: str | None = None) -> bool:
        """Drop one preset slot, or a whole tier when ``capability`` is None; ``False`` when it was not there."""
        slots = self._presets.get(tier)
        if slots is None:
            return False
        if capability is None:
            del self._presets[tier]
            return True
        if slots.pop(capability, None) is None:
            return False
        if not slots:
            del self._presets[tier]
        return True

    def presets_using(self, model: str) -> builtins.list[tuple[str, str]]:
        """The ``(tier, capability)`` slots whose preset names ``model``."""
        return [
            (tier, cap)
            for tier, slots in sorted(self._presets.items())
            for cap, res in sorted(slots.items())
            if res.model == model
        ]


def _preset_entry(entry: Any) -> PresetResolution:
    from ratatoskr.serde import structure

    if isinstance(entry, str):
        return PresetResolution(entry)
    if isinstance(entry, Mapping) and isinstance(entry.get("model"), str):
        params = entry.get("parameters")
        parsed = structure(params, PresetParameters) if params else None
        return PresetResolution(entry["model"], None if parsed is None or parsed.is_empty else parsed)
    raise InvalidInput(f"preset entry must be a model id or {{model, parameters}}, got {entry!r}")
