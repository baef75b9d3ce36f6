import pytest
from ratatoskr import errors as e


@pytest.mark.parametrize(
    ("error", "transient", "moves_on"),
    [
        (e.ModelNotAvailable("m"), False, True),
        (e.NotAvailableOffline("m", reason="offline", hint="run x"), False, True),
        (e.RateLimited(retry_after=2), True, True),
        (e.ApiError("boom", status=500), True, True),
        (e.ApiError("bad", status=400), False, False),
        (e.ApiError("timeout", status=408), True, True),
        (e.Overloaded("busy", status=529), True, True),
        (e.TransportError("reset"), True, True),
        (e.RequestTimeout("slow"), True, True),
        (e.StreamError("cut"), True, True),
        (e.EmptyResponse(), True, True),
        (e.AuthenticationFailed(), False, False),
        (e.InvalidInput("x"), False, False),
        (e.UnsupportedParameter("seed", model="m", provider="p"), False, False),
        (e.ModelNotFound("m"), False, False),
        (e.ContentFiltered("no"), False, False),
        (e.ConfigurationError("c"), False, False),
    ],
)
def test_each_error_knows_if_it_is_transient_and_if_it_moves_on(
    error: e.RatatoskrError, transient: bool, moves_on: bool
) -> None:
    assert isinstance(error, e.RatatoskrError)
    assert error.is_transient is transient
    assert error.moves_on is moves_on


def test_retry_after_is_carried_only_by_errors_that_have_one() -> None:
    assert e.RateLimited(retry_after=1.5).retry_after == 1.5
    assert e.Overloaded(retry_after=3.0).retry_after == 3.0
    assert e.ApiError("x", status=500).retry_after is None


def test_messages_name_what_went_wrong() -> None:
    assert "seed" in str(e.UnsupportedParameter("seed", model="m", provider="anthropic"))
    assert "anthropic" in str(e.UnsupportedParameter("seed", model="m", provider="anthropic"))
    assert "0644" in str(e.InsecureSecretsFile("/x/secrets.toml", 0o644))
    assert "embed" in str(e.NoProvider("embed"))
    assert "`pip install 'ratatoskr[local]'`" in str(e.NoProvider("embed"))
    assert "`pip install 'ratatoskr[openrouter]'`" in str(e.NoProvider("metadata"))  # local has no metadata
    assert str(e.AuthenticationFailed()) == "Authentication failed: check the API key."
    offline = e.NotAvailableOffline("m", provider="local", reason="HF_HUB_OFFLINE=1 is set", hint="run `x` elsewhere")
    assert str(offline).endswith("HF_HUB_OFFLINE=1 is set; run `x` elsewhere")
    assert (offline.reason, offline.hint) == ("HF_HUB_OFFLINE=1 is set", "run `x` elsewhere")


def test_error_tree_is_drawn_in_the_module_docstring() -> None:
    doc = e.__doc__ or ""
    for name in e.__all__:
        assert name in doc, f"{name} is missing from the drawn hierarchy in errors.py"


def test_invalid_input_is_also_a_value_error_and_capability_missing_a_not_implemented_error() -> None:
    assert issubclass(e.InvalidInput, ValueError)
    assert issubclass(e.CapabilityNotSupported, NotImplementedError)
