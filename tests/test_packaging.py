"""Every distribution ships one version, pinned in step, and the root sdist is metadata only.

The name ``ratatoskr`` on the public index belongs to an unrelated project (0.1.9): our versions must stay above it,
or an unpinned ``pip install "ratatoskr[local]"`` picks that one.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tarfile
import tomllib
from pathlib import Path

import pytest
import ratatoskr
from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PYPROJECTS = [ROOT / "pyproject.toml", *sorted(ROOT.glob("ratatoskr-*/pyproject.toml"))]
#: The highest version of the unrelated ``ratatoskr`` on PyPI; an unpinned install must prefer ours.
SQUATTED = Version("0.1.9")


def _project(path: Path) -> dict[str, object]:
    with path.open("rb") as f:
        project: dict[str, object] = tomllib.load(f)["project"]
    return project


def _ours(requirement: str) -> Requirement | None:
    req = Requirement(requirement)
    return req if req.name.startswith("ratatoskr") else None


def test_every_distribution_has_one_version_above_the_squatted_name() -> None:
    versions = {str(_project(path)["name"]): Version(str(_project(path)["version"])) for path in PYPROJECTS}
    assert len(versions) == 10, versions
    assert len(set(versions.values())) == 1, f"versions drifted apart: {versions}"
    (version,) = set(versions.values())
    assert version > SQUATTED
    assert Version(ratatoskr.__version__) == version


def test_internal_requirements_accept_exactly_the_version_in_step() -> None:
    version = Version(str(_project(ROOT / "pyproject.toml")["version"]))
    seen = 0
    for path in PYPROJECTS:
        project = _project(path)
        extras = project.get("optional-dependencies", {})
        assert isinstance(extras, dict)
        requirements = [*project.get("dependencies", []), *(r for reqs in extras.values() for r in reqs)]  # type: ignore[misc]
        for req in filter(None, map(_ours, requirements)):
            seen += 1
            assert req.specifier, f"{path.parent.name}: {req} is unpinned (the squatted name could win)"
            assert version in req.specifier, f"{path.parent.name}: {req} refuses {version}"
            assert SQUATTED not in req.specifier
    assert seen >= 15


@pytest.mark.slow
def test_root_sdist_holds_only_the_metadata(tmp_path: Path) -> None:
    uv = os.environ.get("UV") or shutil.which("uv")  # `uv run` names itself in $UV, even when not on PATH
    assert uv, "uv is needed to build the sdist"
    subprocess.run(
        [uv, "build", "--sdist", "--out-dir", str(tmp_path), str(ROOT)], check=True, capture_output=True, timeout=120
    )
    (sdist,) = tmp_path.glob("ratatoskr-*.tar.gz")
    with tarfile.open(sdist) as tar:
        names = sorted(re.sub(r"^ratatoskr-[^/]+/", "", name) for name in tar.getnames() if "/" in name)
    # hatchling always adds .gitignore (it decides what the sdist leaves out); nothing else may come along.
    assert names == [".gitignore", "PKG-INFO", "README.md", "pyproject.toml"]
