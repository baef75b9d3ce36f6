"""Loads every provider case in ``cases/`` and serves a loopback HTTP server per test."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

HERE = Path(__file__).parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))  # so cases import conformance_kit and loopback by name
if str(HERE / "cases") not in sys.path:
    sys.path.insert(0, str(HERE / "cases"))  # and share helpers with each other

from conformance_kit import SCENARIOS, ConformanceCase  # noqa: E402
from loopback import LoopbackServer  # noqa: E402


def _load_cases() -> list[ConformanceCase]:
    cases = []
    for path in sorted((HERE / "cases").glob("case_*.py")):
        spec = importlib.util.spec_from_file_location(f"conformance_cases.{path.stem}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        try:
            spec.loader.exec_module(module)
        except ImportError as exc:  # the provider's distribution is not installed
            cases.append(pytest.param(None, marks=pytest.mark.skip(reason=f"{path.stem}: {exc}")))
            continue
        cases.append(module.CASE)
    return cases


CASES = _load_cases()


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "case" in metafunc.fixturenames:
        metafunc.parametrize(
            "case", CASES, ids=[c.name if isinstance(c, ConformanceCase) else c.id or "skipped" for c in CASES]
        )
    if "scenario" in metafunc.fixturenames:
        metafunc.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])


@pytest.fixture(scope="session")
def _shared_loopback() -> Iterator[LoopbackServer]:
    with LoopbackServer() as server:
        yield server


@pytest.fixture
def loopback(_shared_loopback: LoopbackServer) -> LoopbackServer:
    _shared_loopback.reset()
    return _shared_loopback
