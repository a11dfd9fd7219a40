"""What the command line shows of a linked account."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from linkvault.api._representations import linked_account_public as api_linked_account_public
from linkvault.engine.linked_accounts import linked_account_public
from linkvault.store.models import LinkedAccount


def test_the_command_line_shows_an_account_as_the_api_does():
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

    assert linked_account_public(account) == api_linked_account_public(account)
    assert "ciphertext" not in repr(linked_account_public(account))
