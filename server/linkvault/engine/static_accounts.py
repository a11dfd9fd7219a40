"""Accounts whose app does not use OAuth2 (ACI.dev's ``api_key``, ``http_basic``, ``http_bearer`` and
``no_auth`` security schemes): the caller gives the secret itself, linkvault keeps it encrypted.

Such an account is a ``LinkedAccount`` like any other (enable, disable, delete and the status apply),
whose ``access_token_encrypted`` holds the encrypted JSON of its secret, so the key check and key
rotation cover it with the tokens. It has no refresh token and no expiry, so it is never refreshed,
and deleting it revokes nothing at the provider (there is no grant).
"""

from __future__ import annotations

import json
import uuid
from typing import Literal

from linkvault.engine import events
from linkvault.engine.services import Services
from linkvault.errors import Conflict, InvalidInput, NotFound
from linkvault.limits import MAX_OWNER_ID_LENGTH
from linkvault.store import app_configurations, linked_accounts
from linkvault.store.database import as_statements
from linkvault.store.linked_accounts import AccountCredentials
from linkvault.store.models import LinkedAccount
from linkvault.text import NOT_TEXT_REASON, invalid_text_path

__all__ = ["SECRET_FIELDS", "StaticScheme", "decode_secret", "link_static_account"]

StaticScheme = Literal["api_key", "http_basic", "http_bearer", "no_auth"]

# The members of each scheme's secret, as the credentials operation answers them.
SECRET_FIELDS: dict[str, tuple[str, ...]] = {
    "api_key": ("api_key",),
    "http_basic": ("username", "password"),
    "http_bearer": ("token",),
    "no_auth": (),
}


def decode_secret(services: Services, account: LinkedAccount | AccountCredentials) -> dict[str, str]:
    """The stored secret of a non-OAuth2 account (``{}`` for ``no_auth``). Raises DecryptionError."""
    decoded = json.loads(services.cipher.decrypt(account.access_token_encrypted))
    assert isinstance(decoded, dict)
    return {str(name): str(value) for name, value in decoded.items()}


async def link_static_account(
    services: Services,
    *,
    project_id: uuid.UUID,
    app_name: str,
    owner_id: str,
    scheme: StaticScheme,
    secret: dict[str, str],
) -> LinkedAccount:
    """Create the account of (project, app, owner) with ``secret``, or replace the secret of the
    existing one and enable it again; in one transaction, the row locked where the database can, with
    its event (``linked_account.created``, else ``linked_account.reauthorized``, and
    ``linked_account.enabled`` for an account that was disabled).

    Raises NotFound (no such app), InvalidInput (an empty or too long owner id, a secret that is not
    text, or an app whose ``security_scheme`` is not ``scheme``)."""
    if not owner_id or len(owner_id) > MAX_OWNER_ID_LENGTH:
        raise InvalidInput(
            f"linked_account_owner_id must have 1 to {MAX_OWNER_ID_LENGTH} characters",
            field=("linked_account_owner_id",),
        )
    for name, value in secret.items():
        if (where := invalid_text_path(value)) is not None:
            raise InvalidInput(f"{name} {NOT_TEXT_REASON}", field=(name, *where))
    secret = {name: secret[name] for name in SECRET_FIELDS[scheme]}
    for attempt in range(2):
        try:
            async with services.sessions.begin() as session:
                app = await app_configurations.get_app_configuration(
                    session, project_id=project_id, app_name=app_name
                )
                if app is None:
                    raise NotFound("no such app configuration")
                if app.security_scheme != scheme:
                    raise InvalidInput(
                        f"the app's security_scheme is {app.security_scheme}, not {scheme}",
                        field=("app_name",),
                    )
                statements = await as_statements(session)
                account = await linked_accounts.find_linked_account(
                    statements, project_id=project_id, app_name=app_name, owner_id=owner_id
                )
                now = services.clock()
                announced = events.link_events(account)
                existing = account is not None
                if account is None:
                    account = LinkedAccount(
                        project_id=project_id,
                        app_configuration_id=app.id,
                        app_name=app.app_name,
                        linked_account_owner_id=owner_id,
                        security_scheme=scheme,
                        access_token_encrypted="",
                        token_type="",
                        created_at=now,
                    )
                account.access_token_encrypted = services.cipher.encrypt(json.dumps(secret))
                account.enabled = True
                account.credential_status = "active"
                account.status_reason = None
                account.sequence += 1
                account.updated_at = now
                if existing:
                    await linked_accounts.update_linked_account(
                        statements, account=account, columns=_RELINKED_COLUMNS
                    )
                else:
                    await linked_accounts.insert_linked_account(statements, account=account)
                for event_type in announced:
                    await events.record_account_event(
                        statements, event_type=event_type, account=account, now=now
                    )
                return account
        except Conflict:
            if attempt == 1:
                raise
    raise AssertionError("unreachable")


# What saving a secret writes to an account it already has.
_RELINKED_COLUMNS = (
    "access_token_encrypted", "enabled", "credential_status", "status_reason", "sequence", "updated_at",
)  # fmt: skip
