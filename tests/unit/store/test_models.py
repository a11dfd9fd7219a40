"""Objects the store makes without SQLModel's ``__init__`` hold what ``__init__`` would have given them."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from linkvault.store.linked_accounts import new_linked_account, with_columns
from linkvault.store.models import LinkedAccount

_NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
_GIVEN = {
    "project_id": uuid.uuid4(),
    "app_configuration_id": uuid.uuid4(),
    "app_name": "github",
    "linked_account_owner_id": "alice",
    "access_token_encrypted": "sealed",
    "token_type": "Bearer",
    "created_at": _NOW,
    "updated_at": _NOW,
}


def _columns(account: LinkedAccount) -> dict[str, object]:
    return {column.key: getattr(account, column.key) for column in LinkedAccount.__table__.c}  # type: ignore[attr-defined]


def test_a_new_account_holds_what_init_gives_it() -> None:
    made, initialised = new_linked_account(**_GIVEN), LinkedAccount(**_GIVEN)
    # Each gets an id of its own from the default factory; everything else is the same.
    assert made.id != initialised.id and isinstance(made.id, uuid.UUID)
    assert {**_columns(made), "id": None} == {**_columns(initialised), "id": None}
    assert (made.security_scheme, made.enabled, made.credential_status, made.sequence) == (
        "oauth2",
        True,
        "active",
        0,
    )


def test_a_new_account_without_a_required_column_is_refused() -> None:
    with pytest.raises(ValueError, match="access_token_encrypted"):
        new_linked_account(**{k: v for k, v in _GIVEN.items() if k != "access_token_encrypted"})


def test_a_copy_with_columns_replaced_keeps_the_rest_and_leaves_the_original() -> None:
    account = new_linked_account(**_GIVEN)
    copy = with_columns(account, {"scope": "repo", "sequence": 7})
    assert (copy.scope, copy.sequence, account.scope, account.sequence) == ("repo", 7, None, 0)
    assert {**_columns(copy), "scope": None, "sequence": 0} == _columns(account)
