"""The ``ratatoskr`` command tree.

Built-in commands are registered by import path, so ``ratatoskr --help`` imports none of them (nor the gateway);
only the command that runs is imported. Plugins add theirs through ``ratatoskr_register_commands(app)``.
A meta app in front takes the global options (``--config``) and hands its :class:`CliContext` to every command
parameter annotated ``Ctx`` (``Annotated[CliContext, Parameter(parse=False)]``), whatever its name.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from cyclopts import App, Parameter

from ratatoskr import __version__
from ratatoskr.cli._help import HelpFormatter, fast_root_help
from ratatoskr.cli.context import CliContext
from ratatoskr.errors import ConfigurationError, RatatoskrError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from ratatoskr.plugins import PluginManager

__all__ = [
    "COMMANDS",
    "CONFIG_HELP",
    "ROOT_HELP_TOKENS",
    "build_app",
    "check_help_target",
    "local_short_options",
    "root_help",
]

#: name → (import path, one-line help). The help is given here so the listing needs no import.
COMMANDS: dict[str, tuple[str, str]] = {
    "chat": ("ratatoskr.cli._generate:chat", "Chat with a model; the answer streams to stdout."),
    "generate": ("ratatoskr.cli._generate:generate", "Complete a prompt (plain text generation), streaming."),
    "embed": ("ratatoskr.cli._analysis:embed", "Embed a text."),
    "nli": ("ratatoskr.cli._analysis:nli", "Natural language inference: does PREMISE entail HYPOTHESIS?"),
    "classify": ("ratatoskr.cli._analysis:classify", "Zero-shot classification of a text against --label's."),
    "stance": ("ratatoskr.cli._analysis:stance", "Stance of a text toward a --target (favor/against/neutral)."),
    "tokens": ("ratatoskr.cli._analysis:tokens", "Count (or --show) the tokens of a text."),
    "models": ("ratatoskr.cli._info:models", "List the models the configured providers serve."),
    "status": ("ratatoskr.cli._info:status", "Whether a model can be used now."),
    "metadata": ("ratatoskr.cli._info:metadata", "Model metadata from the registry (or --fetch it)."),
    "presets": ("ratatoskr.cli._info:presets", "List presets, or resolve one (e.g. free/agentic)."),
    "plugins": ("ratatoskr.cli._info:plugins", "List the installed plugins and what they provide."),
    "registry": (
        "ratatoskr.cli._registry:registry_app",
        "Administer the model registry: update it, add/remove models, set presets.",
    ),
    "update-registry": ("ratatoskr.cli._registry:update_registry", "Same as `registry update` (kept as an alias)."),
    "keys": ("ratatoskr.cli._keys:keys_app", "Provider API keys: set (hidden prompt or stdin), list, remove, path."),
    "logs": ("ratatoskr.cli._logs:logs_app", "The history of chat and generate calls: list, search, off/on/status."),
}
#: Short options a command gives its own meaning, which the global ones (before the command) must not take:
#: `chat -c` continues the latest conversation; `-c PATH` before the command is still the config file.
COMMAND_SHORT_OPTIONS: dict[str, dict[str, str]] = {"chat": {"-c": "--continue"}}


def local_short_options(tokens: list[str]) -> list[str]:
    """``tokens`` with a command's own short options (after the command name) spelled long, see above."""
    for index, token in enumerate(tokens):
        if token in ("-c", "--config"):  # the global option's value follows: skip it
            continue
        if (index and tokens[index - 1] in ("-c", "--config")) or token.startswith("-"):
            continue
        local = COMMAND_SHORT_OPTIONS.get(token, {})
        return [*tokens[: index + 1], *(local.get(t, t) for t in tokens[index + 1 :])]
    return tokens


CONFIG_HELP = (
    "Config file (default: $RATATOSKR_CONFIG, else ~/.config/ratatoskr/config.toml or ~/.ratatoskr/config.toml)."
)
#: Argument lists that show the root help page.
ROOT_HELP_TOKENS = ((), ("--help",), ("-h",))
HELP_FLAGS = ("--help", "-h")

HELP = """Ratatoskr: one gateway to chat, generation, embeddings, NLI, zero-shot, stance and tokens.

Every data command takes --json for scripts and reads its text from stdin when it is piped."""


def build_app(plugins: PluginManager, *, env: Mapping[str, str] | None = None) -> App:
    """The root app with the built-in commands and the plugins' commands; call ``app.meta(tokens)`` to run."""
    app = App(
        name="ratatoskr",
        help=HELP,
        version=f"ratatoskr {__version__}",
        # Plain docstrings: rendering them as Markdown would import markdown-it and pygments (~0.1 s) per --help.
        help_format="plaintext",
        help_formatter=HelpFormatter(),
        result_action="return_value",
        suppress_keyboard_interrupt=False,
    )
    for name, (path, summary) in COMMANDS.items():
        app.command(path, name=name, help=summary)
    try:
        plugins.register_commands(app)
    except RatatoskrError:
        raise
    except Exception as exc:  # a plugin's bug: say so in one line instead of a trace that looks like ours
        raise ConfigurationError(f"a plugin failed to add its commands: {exc!r}") from exc

    @app.meta.default
    def launcher(
        *tokens: Annotated[str, Parameter(show=False, allow_leading_hyphen=True)],
        config: Annotated[Path | None, Parameter(name=["--config", "-c"], help=CONFIG_HELP)] = None,
    ) -> Any:
        command, bound, ignored = app.parse_args(tokens)
        wanted = [name for name, hint in ignored.items() if hint is CliContext]
        if wanted:
            context = CliContext(plugins, config=config, env=env)
            bound.arguments.update(dict.fromkeys(wanted, context))
        return command(*bound.args, **bound.kwargs)

    app.meta.suppress_keyboard_interrupt = False
    return app


def _without_global_options(tokens: list[str]) -> list[str]:
    out: list[str] = []
    skip = False
    for token in tokens:
        if skip:
            skip = False
        elif token in ("--config", "-c"):
            skip = True
        elif not token.startswith("--config="):
            out.append(token)
    return out


def check_help_target(app: App, tokens: list[str]) -> None:
    """``ratatoskr daemon --help``: cyclopts shows the root help page (exit 0) for a command that does not exist.
    Raise the ``UnknownCommandError`` that ``ratatoskr daemon`` gets instead (usage error, "did you mean")."""
    if not any(token in HELP_FLAGS for token in tokens):
        return
    from cyclopts import UnknownCommandError

    words = _without_global_options([token for token in tokens if token not in HELP_FLAGS])
    _, apps, unused = app.parse_commands(words)
    if unused and not unused[0].startswith("-") and apps[-1].default_command is None:
        raise UnknownCommandError(unused_tokens=list(unused), app=apps[-1], verbose=False)


def root_help(app: App) -> str | None:
    """The root help page without importing rich (see :mod:`ratatoskr.cli._help`), or ``None``."""
    return fast_root_help(app, COMMANDS, CONFIG_HELP)
