"""Options shared by several commands, as annotated types (``model: ModelOption = None``).

Public: a plugin that adds commands through ``ratatoskr_register_commands`` uses the same ``--json`` and
``--model`` options as the built-in ones.
"""

from __future__ import annotations

from typing import Annotated

from cyclopts import Parameter

__all__ = ["JsonFlag", "ModelOption", "TextArgument"]

ModelOption = Annotated[
    str | None,
    Parameter(
        name=["--model", "-m"],
        help="Model, `provider:model` or a `ratatoskr:<tier>/<capability>` preset "
        "(default: [defaults] in the config, else the built-in default).",
    ),
]
#: The positional text of a command that reads it from stdin when none is given (``ctx.text(command, text)``).
TextArgument = Annotated[str | None, Parameter(help="The text (also read from stdin when piped).")]
JsonFlag = Annotated[bool, Parameter(name="--json", negative="", show_default=False, help="Print JSON for scripts.")]
