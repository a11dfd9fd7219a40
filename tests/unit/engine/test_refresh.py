"""When an access token is due for refresh (RFC 6749 §6): the leeway, capped at half the lifetime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from linkvault.engine.refresh import is_due
from linkvault.store.models import LinkedAccount

ISSUED = datetime(2026, 1, 1, tzinfo=UTC)


def _account(lifetime_seconds: float | None) -> LinkedAccount:
    return LinkedAccount(
        app_name="a",
        linked_account_owner_id="o",
        access_token_encrypted="x",
        token_type="Bearer",
        token_issued_at=ISSUED,
        updated_at=ISSUED,
        expires_at=None if lifetime_seconds is None else ISSUED + timedelta(seconds=lifetime_seconds),
    )


@pytest.mark.parametrize(
    ("lifetime", "elapsed", "due"),
    [
        (3600, 0, False),
        (3600, 3299, False),  # more than the 300 s leeway left
        (3600, 3300, True),  # exactly the leeway left
        (3600, 4000, True),  # expired
        (60, 29, False),  # a 60 s token: the leeway is capped at 30 s, not refreshed on every call
        (60, 30, True),
        (0, 0, True),
    ],
)
def test_a_token_is_due_within_the_leeway_capped_at_half_its_lifetime(
    lifetime: int, elapsed: int, due: bool
) -> None:
    now = ISSUED + timedelta(seconds=elapsed)

    assert is_due(_account(lifetime), now=now, leeway_seconds=300) is due


def test_a_token_without_expiry_is_never_due() -> None:
    assert is_due(_account(None), now=ISSUED + timedelta(days=3650), leeway_seconds=300) is False


def test_no_leeway_means_due_at_expiry() -> None:
    account = _account(3600)

    assert is_due(account, now=ISSUED + timedelta(seconds=3599), leeway_seconds=0) is False
    assert is_due(account, now=ISSUED + timedelta(seconds=3600), leeway_seconds=0) is True
