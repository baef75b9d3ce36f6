"""The ``ratatoskr`` command line: ``main()`` is the console script.

Errors end the run with one line on stderr, ``error: <message>``, and an exit code: 2 for bad input, bad options
and bad configuration, 1 for any other Ratatoskr error (a provider failed, no provider, ...), 130 on Ctrl-C.
When no provider served a request, the line is followed by one short line per provider saying why.
Everything heavy is imported late; see :mod:`ratatoskr.cli.app`.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ratatoskr.errors import AllProvidersFailed
    from ratatoskr.plugins import PluginManager

__all__ = ["EXIT_ERROR", "EXIT_INTERRUPTED", "EXIT_OK", "EXIT_USAGE", "main"]

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130


def _fail(message: object, code: int) -> int:
    text = " ".join(str(message).split()) or "unknown error"  # one line, whatever the message held
    sys.stderr.write(f"error: {text}\n")
    sys.stderr.flush()
    return code


def _fail_with_attempts(exc: AllProvidersFailed) -> int:
    """``error: <headline>`` then ``  - provider: declined|failed (Kind): message``, one line each."""
    _fail(exc.headline, EXIT_ERROR)
    for attempt in exc.attempts:
        sys.stderr.write(f"  - {' '.join(str(attempt).split())}\n")
    sys.stderr.flush()
    return EXIT_ERROR


def _show_warning(message: Any, category: type[Warning], *_: Any, **__: Any) -> None:
    sys.stderr.write(f"warning: {message}\n")


def main(
    argv: Sequence[str] | None = None,
    *,
    plugins: PluginManager | None = None,
    env: Mapping[str, str] | None = None,
) -> int:
    """Run ``ratatoskr`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit code.

    :param plugins: the plugin manager to use as is (tests, embedding); default: load the entry points.
    :param env: the environment for plugin switches and settings; default: ``os.environ``.
    """
    tokens = list(sys.argv[1:] if argv is None else argv)
    if tokens == ["--version"]:  # needs no plugin, no cyclopts
        from ratatoskr import __version__

        sys.stdout.write(f"ratatoskr {__version__}\n")
        return EXIT_OK

    from cyclopts import CycloptsError

    from ratatoskr.errors import AllProvidersFailed, ConfigurationError, InvalidInput, RatatoskrError

    try:
        from ratatoskr.cli.app import ROOT_HELP_TOKENS, build_app, check_help_target, local_short_options, root_help

        if plugins is None:
            from ratatoskr.plugins import PluginManager

            plugins = PluginManager(env)
            plugins.load_entrypoints()
        app = build_app(plugins, env=env)
        check_help_target(app, local_short_options(tokens))
        if tuple(tokens) in ROOT_HELP_TOKENS and (page := root_help(app)) is not None:
            sys.stdout.write(page)
            return EXIT_OK
        with warnings.catch_warnings():
            # Provider warnings (an option that was not sent, ...) are for the user: one line each, not a trace.
            warnings.simplefilter("default", UserWarning)
            warnings.showwarning = _show_warning
            result = app.meta(local_short_options(tokens), exit_on_error=False, print_error=False)
    except KeyboardInterrupt:
        sys.stderr.write("\n")
        return EXIT_INTERRUPTED
    except CycloptsError as exc:
        return _fail(exc, EXIT_USAGE)
    except (InvalidInput, ConfigurationError) as exc:
        return _fail(exc, EXIT_USAGE)
    except AllProvidersFailed as exc:
        return _fail_with_attempts(exc)
    except RatatoskrError as exc:
        return _fail(exc, EXIT_ERROR)
    except BrokenPipeError:
        # The reader went away (`ratatoskr models | head -1`): not an error of ours; keep Python quiet at exit.
        _silence_stdout()
        return EXIT_OK
    except Exception as exc:
        # A bug (ours or a plugin's) still gets one line; RATATOSKR_TRACEBACK=1 shows the trace for a report.
        if (env if env is not None else os.environ).get("RATATOSKR_TRACEBACK"):
            raise
        sys.stderr.write(f"error: unexpected {type(exc).__name__}: {exc} (set RATATOSKR_TRACEBACK=1 for details)\n")
        return EXIT_ERROR
    return result if isinstance(result, int) else EXIT_OK


def _silence_stdout() -> None:
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):  # not a real file (captured in tests): nothing will be flushed to a pipe
        pass
