"""The one capability enum: what a provider, a model or a gateway can do.

The values are lowercase snake case (``chat``, ``tool_use``, ``tokenize``): the keys of the fallback chains, the
names of the plugin hooks (``ratatoskr_chat_providers``), config and CLI spellings. The model registry's JSON keeps
the original's PascalCase spellings (``"Chat"``, ``"ToolUse"``, ``"TokenCounting"``): the one converter
(:mod:`ratatoskr.serde`) writes those and reads either. :meth:`Capability.parse` (and ``Capability(text)``) accept
any of these spellings.
"""

from __future__ import annotations

import enum
from typing import Any

__all__ = ["Capability"]


class Capability(enum.StrEnum):
    """What a provider, model or gateway can do (the one capability enum; lowercase snake-case values).

    The capabilities with a fallback chain (chat, generate, embed, nli, classify, stance, tokenize, metadata:
    :data:`~ratatoskr.providers.CHAIN_CAPABILITIES`) have a typed dispatch key in :class:`~ratatoskr.providers.Kinds`;
    ``chat_streaming``, ``tool_use`` and ``local_inference`` describe models and gateways.
    ``Capability("ToolUse")``, ``Capability("tool-use")`` and ``Capability.parse("tokens")`` all work."""

    CHAT = "chat"
    CHAT_STREAMING = "chat_streaming"
    GENERATE = "generate"
    TOOL_USE = "tool_use"
    EMBED = "embed"
    NLI = "nli"
    CLASSIFY = "classify"
    STANCE = "stance"
    TOKENIZE = "tokenize"
    METADATA = "metadata"
    LOCAL_INFERENCE = "local_inference"

    @property
    def registry_name(self) -> str:
        """The original registry JSON's spelling: ``Chat``, ``ToolUse``, ``TokenCounting``, ..."""
        return _REGISTRY_NAMES[self]

    @classmethod
    def parse(cls, text: str) -> Capability:
        """``text`` in any spelling (``chat``, ``Chat``, ``tool-use``, ``ToolUse``, ``TokenCounting``, ``tokens``);
        :class:`~ratatoskr.errors.InvalidInput` naming the known ones otherwise."""
        found = cls._lookup(text)
        if found is None:
            from ratatoskr.errors import InvalidInput

            names = ", ".join(c.value for c in cls)
            raise InvalidInput(f"unknown capability {text!r} (known: {names})")
        return found

    @classmethod
    def _missing_(cls, value: object) -> Capability | None:
        return cls._lookup(value)

    @classmethod
    def _lookup(cls, value: Any) -> Capability | None:
        if not isinstance(value, str):
            return None
        return _BY_KEY.get(_key(value))


_REGISTRY_NAMES = {cap: "".join(part.capitalize() for part in cap.value.split("_")) for cap in Capability}
_REGISTRY_NAMES[Capability.TOKENIZE] = "TokenCounting"


def _key(text: str) -> str:
    return text.strip().lower().replace("_", "").replace("-", "").replace(" ", "")


_BY_KEY: dict[str, Capability] = {
    **{_key(cap.value): cap for cap in Capability},
    **{_key(name): cap for cap, name in _REGISTRY_NAMES.items()},
    "tokens": Capability.TOKENIZE,
    "tokencount": Capability.TOKENIZE,
}
