"""Developer sessions: tests, lint, typecheck, docs, bench. Run with `uv run nox -s NAME`."""

from __future__ import annotations

import glob

import nox

nox.options.default_venv_backend = "uv"
nox.options.sessions = ["tests", "lint", "typecheck", "docs"]


def _sync(session: nox.Session) -> None:
    # The uv workspace is the one source of truth for versions: install exactly what uv.lock says.
    session.run_install(
        "uv",
        "sync",
        "--all-packages",
        "--locked",
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
    )


@nox.session(python="3.11")
def tests(session: nox.Session) -> None:
    """The whole test suite, every async test on asyncio and trio."""
    _sync(session)
    session.run("pytest", *session.posargs)


@nox.session(python="3.11")
def lint(session: nox.Session) -> None:
    _sync(session)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")


@nox.session(python="3.11")
def typecheck(session: nox.Session) -> None:
    """mypy: strict on core, the default checks on every other distribution."""
    _sync(session)
    session.run("mypy", "--strict", "ratatoskr-core/src/ratatoskr")
    for src in sorted(glob.glob("ratatoskr-*/src/ratatoskr_*")):
        session.run("mypy", "--warn-unused-ignores", src)


@nox.session(python="3.11")
def docs(session: nox.Session) -> None:
    """Checks that the docs cover every hook and every public name (the same checks run in the tests)."""
    _sync(session)
    session.run("python", "docs/build_reference.py", "--check")
    session.run("pytest", "tests/test_docs.py", "tests/test_hooks.py", "-q")


@nox.session(python="3.11")
def proto(session: nox.Session) -> None:
    """Regenerate the daemon's protobuf code (committed, so installs need no codegen); --check only compares."""
    _sync(session)
    session.run("python", "-m", "ratatoskr_server._build_proto", *session.posargs)


@nox.session(python="3.11")
def bench(session: nox.Session) -> None:
    """Benchmarks: each prints its figures and ratios measured side by side in one run."""
    _sync(session)
    scripts = sorted(glob.glob("bench/bench_*.py"))
    for script in session.posargs or scripts:
        session.run("python", script)
