import ratatoskr


def test_all_is_sorted_unique_and_every_name_resolves() -> None:
    names = ratatoskr.__all__
    assert names == sorted(names)
    assert len(names) == len(set(names))
    for name in names:
        assert getattr(ratatoskr, name) is not None, name


def test_unknown_attribute_raises_attribute_error() -> None:
    import pytest

    with pytest.raises(AttributeError, match="nope"):
        ratatoskr.nope  # noqa: B018


def test_importing_the_package_loads_no_submodule() -> None:
    import subprocess
    import sys

    code = "import sys, ratatoskr; print(sorted(m for m in sys.modules if m.startswith('ratatoskr.')))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
