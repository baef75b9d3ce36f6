"""``keys``: set, list and remove provider API keys in the secrets file, without a key ever reaching argv or output.

``keys set PROVIDER`` reads the key from a hidden prompt, or from stdin when it is piped
(``pass show openai | ratatoskr keys set openai``): never from the command line, where ``ps`` and the shell history
would see it. ``keys list`` says where each provider's key comes from (config, secrets file, environment), never the
key itself.
"""

from __future__ import annotations

import sys
from typing import Annotated

from cyclopts import App, Parameter

from ratatoskr.cli.context import CliContext, Ctx
from ratatoskr.cli.options import JsonFlag
from ratatoskr.errors import InvalidInput

__all__ = ["keys_app"]

keys_app = App(
    name="keys",
    help="Provider API keys in the secrets file: set (hidden prompt or stdin), list, remove, path.",
    help_format="plaintext",
)

Provider = Annotated[str, Parameter(help="The provider, as in its [providers.NAME] table (e.g. openai, openrouter).")]


def _known_provider(ctx: CliContext, provider: str) -> str:
    from ratatoskr.cli._secrets import KEY_ENV

    known = set(KEY_ENV) | {info.name for info in ctx.plugins.plugins()} | ctx.plugins.installed()
    if provider not in known:
        raise InvalidInput(f"unknown provider {provider!r}; installed: {', '.join(sorted(known))}")
    return provider


def _read_key(ctx: CliContext, provider: str) -> str:
    piped = ctx.piped_text()
    if piped is None:
        import getpass

        try:
            piped = getpass.getpass(f"{provider} API key (input hidden): ")
        except EOFError:
            piped = ""
    key = piped.strip()
    if not key:
        raise InvalidInput("no key given (type it at the prompt, or pipe it on stdin)")
    if any(ch.isspace() for ch in key):
        raise InvalidInput("the key contains whitespace or several lines; pipe exactly one key")
    return key


@keys_app.command(name="set")
def set_key(
    provider: Provider, /, *extra: Annotated[str, Parameter(show=False, allow_leading_hyphen=True)], ctx: Ctx
) -> int:
    """Store PROVIDER's key in the secrets file (created with mode 0600). The key is read from a hidden prompt,
    or from stdin when piped; never from the command line."""
    from ratatoskr.cli._secrets import secrets_path
    from ratatoskr.cli._secrets import set_key as store

    if extra:  # a key typed after the provider: refuse it without echoing it back
        raise InvalidInput(
            "the key is read from a hidden prompt or stdin, never on the command line (it would stay in the shell "
            "history and be visible to other users in ps); run: ratatoskr keys set PROVIDER"
        )
    provider = _known_provider(ctx, provider)
    path = secrets_path(ctx.env)
    store(path, provider, _read_key(ctx, provider))
    print(f"saved the {provider} key in {path}")
    if "config" in _sources(ctx, provider):
        note = f"note: [providers.{provider}] api_key in the config file is used before the secrets file"
        print(note, file=sys.stderr)
    return 0


@keys_app.command(name="remove")
def remove_key(provider: Provider, /, *, ctx: Ctx) -> int:
    """Remove PROVIDER's key from the secrets file (comments and other tables are kept)."""
    from ratatoskr.cli._secrets import remove_key as drop
    from ratatoskr.cli._secrets import secrets_path

    path = secrets_path(ctx.env)
    if not drop(path, provider):
        raise InvalidInput(f"no {provider} key in the secrets file {path}")
    print(f"removed the {provider} key from {path}")
    left = _sources(ctx, provider, reload=True)
    if left:
        print(f"note: {provider} still has a key from: {', '.join(left)}", file=sys.stderr)
    return 0


@keys_app.command(name="list")
def list_keys(*, as_json: JsonFlag = False, ctx: Ctx) -> int:
    """The providers that have a key, and where it comes from (the first source listed is the one used)."""
    from ratatoskr.cli._secrets import key_sources, key_variables

    settings = ctx.settings()
    variables = key_variables(ctx.plugins, settings)
    names = set(variables) | set(settings.secrets) | set(settings.section("providers"))
    rows = [
        (name, sources)
        for name in sorted(names)
        if (sources := key_sources(name, settings.data, settings.secrets, ctx.env, variables))
    ]
    if as_json:
        from ratatoskr.cli._output import print_json

        print_json([{"provider": name, "source": sources[0], "also": sources[1:]} for name, sources in rows])
        return 0
    if not rows:
        print("no provider has a key (set one with: ratatoskr keys set PROVIDER)")
    for name, sources in rows:
        shadowed = f"  (also in {', '.join(sources[1:])}, not used)" if sources[1:] else ""
        print(f"{name}  {sources[0]}{shadowed}")
    return 0


@keys_app.command(name="path")
def path(*, ctx: Ctx) -> int:
    """The secrets file `keys set` writes (and the gateway reads)."""
    from ratatoskr.cli._secrets import secrets_path

    print(secrets_path(ctx.env))
    return 0


def _sources(ctx: CliContext, provider: str, *, reload: bool = False) -> list[str]:
    from ratatoskr.cli._secrets import key_sources
    from ratatoskr.config import Settings

    settings = Settings.load(ctx.config, env=ctx.env) if reload else ctx.settings()  # reload: the file just changed
    return key_sources(provider, settings.data, settings.secrets, ctx.env)
