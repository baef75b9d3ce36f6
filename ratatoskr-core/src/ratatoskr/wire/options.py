"""The options a codec has no field of its own for: encoded under their own name, never dropped.

A codec encodes whatever it is given; deciding what a provider may receive is the dispatcher's validation stage.
An option the API has no field for reaches the codec only with ``validation = "ignore"``; :func:`unmapped`
hands it back (as JSON, through the one converter) so the codec sends it and the API answers for itself.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from ratatoskr.types.chat import SamplingOptions

__all__ = ["unmapped"]


def unmapped(options: SamplingOptions, encoded: Collection[str]) -> dict[str, Any]:
    """The parameters set in ``options`` that the codec does not encode itself (``encoded``), as JSON."""
    from ratatoskr.serde import unstructure

    return {name: unstructure(getattr(options, name)) for name in options.set_parameters() if name not in encoded}
