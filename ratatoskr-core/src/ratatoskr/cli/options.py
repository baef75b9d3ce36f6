"""Options shared by several commands, as annotated types (``model: ModelOption = None``).

Public: a plugin that adds commands through ``ratatoskr_register_commands`` uses the same ``--json`` and
``--model`` options as the built-in ones.
"""

from __future__ import annotations

from typing import Annotated

from cyclopts import Parameter

__all__ = ["JsonFlag", "ModelOption"]

ModelOption = Annotated[
    str | None,
    Parameter(
        name=["--model", "-m"],
        help="Model, `provider:model` or a `ratatoskr:<tier>/<capability>` preset "
        "(default: [defaults] in the config, else the built-in default).",
    ),
]
JsonFlag = Annotated[bool, Parameter(name="--json", negative="", show_default=False, help="Print JSON for scripts.")]
