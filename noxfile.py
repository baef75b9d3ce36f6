"""Developer sessions: tests, lint, typecheck, docs, bench. Run with `uv run nox -s NAME`."""

from __future__ import annotations

import glob
import os
import shutil
import sys
import tempfile
from pathlib import Path

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
    """mypy --strict on the source of every distribution (not the tests), in one run: what .ci/run checks."""
    _sync(session)
    session.run("mypy", "--strict", *_typed_sources())


def _typed_sources() -> list[str]:
    """Every distribution's import package: core's ``ratatoskr`` and each ``ratatoskr_*`` (a new one is found)."""
    return ["ratatoskr-core/src/ratatoskr", *sorted(glob.glob("ratatoskr-*/src/ratatoskr_*"))]


@nox.session(python="3.11")
def docs(session: nox.Session) -> None:
    """The docs site, built into site/ (posargs: another folder): MkDocs with Material and mkdocstrings, strict, so
    a broken internal link or anchor, or a page left out of the navigation, fails it. Then the checks that the docs
    cover every hook and public name, and that every example marked runnable runs (the same tests run in CI)."""
    session.run_install(
        _uv(),
        "sync",
        "--all-packages",
        "--locked",
        "--group",
        "docs",
        env={"UV_PROJECT_ENVIRONMENT": session.virtualenv.location},
        external=True,
    )
    session.run("python", "docs/build_reference.py", "--check")
    site = session.posargs[0] if session.posargs else "site"
    # No network at build time: the theme loads no web fonts (mkdocs.yml); NO_MKDOCS_2_WARNING quiets Material's
    # end-of-life banner (see docs/contributing.md for the choice).
    session.run("mkdocs", "build", "--strict", "--site-dir", site, env={"NO_MKDOCS_2_WARNING": "1"})
    session.run("pytest", "tests/test_docs.py", "tests/test_hooks.py", "tests/test_docs_site.py", "-q")


def _uv() -> str:
    # `uv run nox` names uv in $UV even when it is not on PATH (a fresh `pip install uv` behind pyenv shims).
    found = os.environ.get("UV") or shutil.which("uv")
    if not found:
        raise RuntimeError("uv is needed: pip install uv")
    return found


@nox.session(venv_backend="none")
def wheelhouse(session: nox.Session) -> None:
    """What a user does before the name is ours on the index: every wheel in a folder, then an UNPINNED
    `pip install "ratatoskr[local]" --find-links FOLDER` in a fresh venv with the public index reachable (the unrelated
    ratatoskr 0.1.9 there must lose), then `ratatoskr embed` offline from the installed packages."""
    with tempfile.TemporaryDirectory(prefix="ratatoskr-wheelhouse-") as tmp:
        work = Path(tmp)
        wheels, venv = work / "wheels", work / "venv"
        session.run(_uv(), "build", "--all-packages", "--wheel", "--out-dir", str(wheels), external=True)
        session.log("wheelhouse: " + ", ".join(sorted(p.name for p in wheels.glob("*.whl"))))
        session.run(sys.executable, "-m", "venv", str(venv), external=True)
        python = str(venv / "bin" / "python")
        session.run(
            python, "-m", "pip", "install", "--quiet", "--find-links", str(wheels), "ratatoskr[local]", external=True
        )
        session.run(python, "-m", "pip", "list", external=True)
        # A clean home: no user config, an offline hub, run from outside the source tree.
        env = {
            "HF_HUB_OFFLINE": "1",
            "HOME": str(work),
            "XDG_CONFIG_HOME": str(work / "config"),
            "XDG_DATA_HOME": str(work / "data"),
            "XDG_CACHE_HOME": str(work / "cache"),
        }
        ratatoskr = str(venv / "bin" / "ratatoskr")
        with session.chdir(work):
            version = session.run(ratatoskr, "--version", env=env, external=True, silent=True)
            expected = _project_version()
            if not isinstance(version, str) or version.split()[-1] != expected:
                session.error(f"installed ratatoskr says {version!r}, the workspace is at {expected}")
            session.run(ratatoskr, "embed", "The quick brown fox jumps over the lazy dog", env=env, external=True)


def _project_version() -> str:
    import tomllib

    with (Path(__file__).parent / "pyproject.toml").open("rb") as f:
        return str(tomllib.load(f)["project"]["version"])


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
