"""What the application and the end user are told about a failed link: RFC 6749 §4.1.2.1 codes only in
the redirect, fixed words on the page, and never the provider's text."""

from __future__ import annotations

import logging

import pytest

from linkvault import errors
from linkvault.engine.outcomes import (
    AUTHORIZATION_ERRORS,
    authorization_error,
    error_redirect,
    log_failure,
    outcome_of,
)

# One instance of every failure a callback can raise after its state was validated, with the
# RFC 6749 §4.1.2.1 code the application gets and the outcome the user's page shows.
FAILURES = [
    (errors.ProviderDenied("x", code="access_denied"), "access_denied", "denied"),
    (errors.ProviderDenied("x", code="invalid_scope"), "invalid_scope", "failed"),
    (errors.ProviderDenied("x", code="temporarily_unavailable"), "temporarily_unavailable", "failed"),
    (errors.ProviderDenied("x", code="login_required"), "server_error", "failed"),
    (errors.ProviderDenied("x", code="provider_error"), "server_error", "failed"),
    (errors.IssuerMismatch("x"), "server_error", "failed"),
    (errors.InvalidInput("x", field=("code",)), "server_error", "failed"),
    (errors.TokenRequestRejected("x", code="invalid_grant"), "server_error", "failed"),
    (errors.InvalidIdToken("x"), "server_error", "failed"),
    (errors.AccountMismatch("x"), "server_error", "failed"),
    (errors.InvalidState("the app configuration of this state was deleted"), "server_error", "invalid"),
    (errors.ProviderUnavailable("x"), "temporarily_unavailable", "unavailable"),
    (errors.ProviderTimeout("x"), "temporarily_unavailable", "unavailable"),
    (errors.DatabaseUnavailable("x"), "temporarily_unavailable", "unavailable"),
    (errors.DecryptionError("x"), "server_error", "failed"),
    (RuntimeError("a bug"), "server_error", "failed"),
]


@pytest.mark.parametrize(("exc", "error", "outcome"), FAILURES, ids=lambda v: type(v).__name__)
def test_each_failure_has_one_standard_code_and_one_outcome(exc: BaseException, error: str, outcome: str):
    assert authorization_error(exc) == error
    assert error in AUTHORIZATION_ERRORS
    assert outcome_of(exc) == outcome


def test_the_states_we_issued_are_told_apart_and_a_link_is_linked():
    assert outcome_of(errors.StateExpired("x")) == "expired"
    assert outcome_of(errors.StateUsed("x")) == "used"
    assert outcome_of(errors.InvalidState("x")) == "invalid"
    assert outcome_of(None) == "linked"
    # An API client reads the same code for all three.
    assert {errors.StateExpired.code, errors.StateUsed.code} == {errors.InvalidState.code}


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://app.example/linked",
            "https://app.example/linked?error=access_denied&error_description=access_denied",
        ),
        (
            "https://app.example/linked?tab=a%20b&x=1+2",
            "https://app.example/linked?tab=a%20b&x=1+2&error=access_denied&error_description=access_denied",
        ),
        (
            "https://app.example/linked?error=old&error_description=older&error%5Fdescription=oldest&keep=",
            "https://app.example/linked?keep=&error=access_denied&error_description=access_denied",
        ),
        (
            "https://app.example/linked#section",
            "https://app.example/linked?error=access_denied&error_description=access_denied#section",
        ),
    ],
)
def test_the_error_joins_the_applications_own_parameters(url: str, expected: str):
    assert error_redirect(url, errors.ProviderDenied("x", code="access_denied")) == expected


def test_a_redirect_carries_only_fixed_words():
    exc = errors.ProviderDenied(
        "the provider refused the authorization (provider_error)", code="provider_error"
    )

    assert error_redirect("https://app.example/", exc) == (
        "https://app.example/?error=server_error&error_description=provider_error"
    )
    bug = error_redirect("https://app.example/", RuntimeError("secret detail"))
    assert bug == "https://app.example/?error=server_error&error_description=server_error"


def test_a_key_missing_from_the_configuration_is_an_error_line_with_its_remedy(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A browser's link that met a secret the keys cannot open: the operator must act, so an ERROR,
    with the code and what to do, and no traceback; a provider's refusal stays a WARNING."""
    with caplog.at_level(logging.INFO, logger="linkvault.engine.outcomes"):
        log_failure(errors.DecryptionError("cannot decrypt"), sent_back_with="server_error")
        log_failure(errors.ProviderDenied("denied", code="access_denied"), sent_back_with="access_denied")

    undecryptable, denied = caplog.records
    assert (undecryptable.levelno, undecryptable.exc_info, getattr(undecryptable, "code", None)) == (
        logging.ERROR, None, "decryption_failed",
    )  # fmt: skip
    assert errors.DecryptionError.REMEDY in undecryptable.getMessage()
    assert denied.levelno == logging.WARNING
