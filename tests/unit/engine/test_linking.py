"""RFC 9207: the issuer of an authorization response, checked against the one the link was sent to."""

from __future__ import annotations

import pytest

from linkvault.engine.linking import _check_issuer
from linkvault.errors import IssuerMismatch
from linkvault.store.models import LinkState

ISSUER = "https://as.example/tenant"


def _link(*, expected_issuer: str | None, issuer_required: bool) -> LinkState:
    return LinkState(expected_issuer=expected_issuer, issuer_required=issuer_required)


@pytest.mark.parametrize("required", [True, False])
def test_the_expected_issuer_is_accepted(required: bool) -> None:
    _check_issuer(_link(expected_issuer=ISSUER, issuer_required=required), ISSUER)


def test_a_missing_iss_is_accepted_when_the_provider_does_not_advertise_it() -> None:
    _check_issuer(_link(expected_issuer=ISSUER, issuer_required=False), None)


def test_a_missing_iss_is_refused_when_the_provider_advertises_it() -> None:
    with pytest.raises(IssuerMismatch):
        _check_issuer(_link(expected_issuer=ISSUER, issuer_required=True), None)


@pytest.mark.parametrize(
    "iss",
    [
        ISSUER + "/",
        "https://AS.example/tenant",
        "https://as.example",
        "https://evil.example/tenant",
        "",
    ],
)
@pytest.mark.parametrize("required", [True, False])
def test_another_issuer_is_refused_without_normalisation(iss: str, required: bool) -> None:
    with pytest.raises(IssuerMismatch):
        _check_issuer(_link(expected_issuer=ISSUER, issuer_required=required), iss)


def test_an_app_with_explicit_endpoints_has_no_issuer_to_compare() -> None:
    _check_issuer(_link(expected_issuer=None, issuer_required=False), "https://anything.example")
