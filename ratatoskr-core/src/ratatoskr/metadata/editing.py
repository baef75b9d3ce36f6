"""One registry file opened for editing (``ratatoskr registry model/preset ...``): read strictly, changed in memory,
checked, then written atomically in the original's JSON format (pretty, sorted by model id, a trailing newline).

Unlike a gateway, which skips a bad registry file with a warning, an editor refuses to touch a file it cannot read:
writing over it would lose whatever it held.
"""

from __future__ import annotations

from pathlib import Path

from ratatoskr.errors import ConfigurationError, InvalidInput
from ratatoskr.metadata.registry import ModelRegistry
from ratatoskr.types import ModelMetadata, PresetResolution

__all__ = ["RegistryFile"]


class RegistryFile:
    """A registry file and its content; :meth:`save` checks the result and replaces the file atomically."""

    def __init__(self, path: Path, *, base: ModelRegistry | None = None) -> None:
        self.path = path
        try:
            self.registry = ModelRegistry.from_file(path)
            self.existed = True
        except FileNotFoundError:
            self.registry = ModelRegistry()
            self.existed = False
        #: What gateways load under this file (the seed and the download), to check preset targets against.
        self.base = base if base is not None else ModelRegistry()

    def known(self, model: str) -> ModelMetadata | None:
        """The model as a gateway would see it: this file's entry merged over the layers below."""
        mine, below = self.registry.get(model), self.base.get(model)
        if mine is None or below is None:
            return mine or below
        return below.merged_with(mine)

    def effective(self) -> ModelRegistry:
        """The layers below with this file merged over them."""
        merged = ModelRegistry()
        merged.merge(self.base.list())
        merged.merge(self.registry.list())
        for registry in (self.base, self.registry):
            for tier, slots in registry.presets().items():
                for cap in slots:
                    found = registry.preset(tier, cap)
                    assert found is not None
                    merged.set_preset(tier, cap, found)
        return merged

    def put_model(self, entry: ModelMetadata, *, replace: bool) -> None:
        if not replace and self.registry.get(entry.info.id) is not None:
            raise InvalidInput(f"model {entry.info.id} is already in {self.path}; pass --force to replace it")
        self.registry.remove(entry.info.id)
        self.registry.merge([entry])

    def set_preset(self, tier: str, capability: str, resolution: PresetResolution) -> None:
        for name, value in (("tier", tier), ("capability", capability)):
            if not value or "/" in value or value != value.strip():
                raise InvalidInput(f"preset {name} must be a non-empty name without '/' or spaces, got {value!r}")
        if self.known(resolution.model) is None:
            raise InvalidInput(
                f"model {resolution.model} is not in the registry; add it first (ratatoskr registry model add)"
            )
        self.registry.set_preset(tier, capability, resolution)

    def save(self) -> None:
        """Check the new content loads back exactly (version, every entry, every preset), then replace the file."""
        from ratatoskr.metadata.remote import save_registry

        payload = self.registry.to_payload()
        check = ModelRegistry()
        try:
            check.load_payload(payload, source=str(self.path))
        except ConfigurationError as exc:
            raise ConfigurationError(f"refusing to write {self.path}: {exc}") from exc
        if check.to_payload() != payload:
            raise ConfigurationError(f"refusing to write {self.path}: its content would not load back unchanged")
        save_registry(payload, self.path)
        self.existed = True
