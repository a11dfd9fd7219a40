"""What the command line and the API show of a linked account: its public fields, never a token."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from linkvault.engine.linked_accounts import linked_account_public
from linkvault.store.models import LinkedAccount


def test_the_public_view_of_an_account_has_the_specs_fields_and_no_secret():
    now = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    account = LinkedAccount(
        id=uuid.uuid4(),
        project_id=uuid.uuid4(),
        app_configuration_id=uuid.uuid4(),
        app_name="github",
        linked_account_owner_id="user-1",
        enabled=False,
        access_token_encrypted="ciphertext",
        token_type="Bearer",
        last_refreshed_at=now,
        provider_subject="sub-1",
        created_at=now,
        updated_at=now,
    )

    shown = linked_account_public(account)

    assert shown == {
        "id": str(account.id),
        "project_id": str(account.project_id),
        "app_name": "github",
        "linked_account_owner_id": "user-1",
        "security_scheme": "oauth2",
        "enabled": False,
        "status": "disabled",
        "last_refreshed_at": "2025-01-02T03:04:05+00:00",
        "provider_subject": "sub-1",
        "created_at": "2025-01-02T03:04:05+00:00",
        "updated_at": "2025-01-02T03:04:05+00:00",
    }
    assert "ciphertext" not in repr(shown)
