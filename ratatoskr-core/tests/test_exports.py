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


def test_every_name_the_type_checker_sees_resolves_at_run_time() -> None:
    """ratatoskr's TYPE_CHECKING block star-imports its homes, so mypy accepts any name in a home's __all__:
    each of them must also resolve on the package (it used to raise AttributeError for names such as Kinds)."""
    from importlib import import_module

    for home in ratatoskr._HOMES:
        module = import_module(home)
        for name in module.__all__:
            assert getattr(ratatoskr, name) is getattr(module, name) or home != _first_home(name), (home, name)


def _first_home(name: str) -> str:
    from importlib import import_module

    return next(home for home in ratatoskr._HOMES if name in import_module(home).__all__)


def test_private_names_never_import_the_homes() -> None:
    import subprocess
    import sys

    code = (
        "import sys, ratatoskr\n"
        "assert not hasattr(ratatoskr, '_probe') and not hasattr(ratatoskr, '__wrapped__')\n"
        "print(sorted(m for m in sys.modules if m.startswith('ratatoskr.')))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
