"""Reading, enabling, disabling and deleting linked accounts (never handing out their tokens)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from linkvault.engine import cursors, events, revocation
from linkvault.engine.account_status import PublicStatus, public_status
from linkvault.engine.services import Services
from linkvault.errors import NotFound
from linkvault.store import app_configurations as app_store
from linkvault.store import linked_accounts as store
from linkvault.store.database import connect
from linkvault.store.models import LinkedAccount

__all__ = [
    "LinkedAccountPage",
    "PublicStatus",
    "delete_linked_account",
    "find_linked_account_anywhere",
    "get_linked_account",
    "linked_account_public",
    "list_linked_accounts",
    "public_status",
    "set_enabled",
]


def linked_account_public(account: LinkedAccount) -> dict[str, Any]:
    """The spec's ``LinkedAccountPublic`` as plain JSON values: what anyone may see of an account,
    never a token. The command line prints it; the API's representation must stay equal to it."""

    def timestamp(value: datetime | None) -> str | None:
        return None if value is None else value.isoformat()

    return {
        "id": str(account.id),
        "project_id": str(account.project_id),
        "app_name": account.app_name,
        "linked_account_owner_id": account.linked_account_owner_id,
        "security_scheme": account.security_scheme,
        "enabled": account.enabled,
        "status": public_status(account),
        "last_refreshed_at": timestamp(account.last_refreshed_at),
        "provider_subject": account.provider_subject,
        "created_at": timestamp(account.created_at),
        "updated_at": timestamp(account.updated_at),
    }


@dataclass(frozen=True)
class LinkedAccountPage:
    """One page of accounts; ``next_cursor`` starts the next page, None on the last."""

    items: list[LinkedAccount]
    next_cursor: str | None


async def list_linked_accounts(
    services: Services,
    *,
    project_id: uuid.UUID,
    app_name: str | None,
    owner_id: str | None,
    status: PublicStatus | None,
    limit: int,
    cursor: str | None,
) -> LinkedAccountPage:
    """A page of the project's accounts in creation order (keyset pagination).
    Raises InvalidInput for a cursor this server did not give out."""
    after = cursors.decode_time_and_id(cursor) if cursor else None
    async with services.sessions() as session:
        items = await store.list_linked_accounts(
            session,
            project_id=project_id,
            app_name=app_name,
            owner_id=owner_id,
            enabled=None if status is None else status != "disabled",
            credential_status=None if status in (None, "disabled") else status,
            after=after,
            limit=limit + 1,
        )
    more = len(items) > limit
    items = items[:limit]
    return LinkedAccountPage(
        items=items,
        next_cursor=cursors.encode_time_and_id(items[-1].created_at, items[-1].id) if more else None,
    )


async def get_linked_account(
    services: Services, *, project_id: uuid.UUID, linked_account_id: uuid.UUID
) -> LinkedAccount:
    """Raises NotFound when the project has no such account."""
    async with services.sessions() as session:
        account = await store.get_linked_account(
            session, project_id=project_id, linked_account_id=linked_account_id
        )
    if account is None:
        raise NotFound("no such linked account")
    return account


async def find_linked_account_anywhere(services: Services, *, linked_account_id: uuid.UUID) -> LinkedAccount:
    """The account with this id in whichever project holds it: the operator's view, which no API key
    has. Raises NotFound."""
    async with services.sessions() as session:
        account = await store.get_linked_account_by_id(session, linked_account_id=linked_account_id)
    if account is None:
        raise NotFound(f"no such linked account: {linked_account_id}")
    return account


async def set_enabled(
    services: Services, *, project_id: uuid.UUID, linked_account_id: uuid.UUID, enabled: bool
) -> LinkedAccount:
    """Enable or disable the account; a disabled one gives no credentials and is never refreshed.
    A change is announced (``linked_account.enabled`` / ``.disabled``) in the same transaction.
    Raises NotFound."""
    async with services.sessions.begin() as session:
        account = await store.get_linked_account(
            session, project_id=project_id, linked_account_id=linked_account_id, for_update=True
        )
        if account is None:
            raise NotFound("no such linked account")
        changed = account.enabled != enabled
        account = await store.set_enabled(session, account=account, enabled=enabled)
        if changed:
            await events.record_account_event(
                session,
                event_type=events.ACCOUNT_ENABLED if enabled else events.ACCOUNT_DISABLED,
                account=account,
                now=services.clock(),
            )
        return account


async def delete_linked_account(
    services: Services, *, project_id: uuid.UUID, linked_account_id: uuid.UUID
) -> revocation.RevocationOutcome:
    """Revoke the grant at the provider (RFC 7009: the refresh token, else the access token), then
    delete the account whatever the provider answered, and say how revoking went (``unsupported``
    for accounts of non-OAuth2 apps, which hold no grant); the ``linked_account.deleted`` event, with
    that outcome, is written in the deleting transaction. Raises NotFound."""
    account = await get_linked_account(services, project_id=project_id, linked_account_id=linked_account_id)
    async with connect(services.db_engine) as reader:
        app = await app_store.get_app_configuration_by_id(
            reader, app_configuration_id=account.app_configuration_id
        )
    outcome: revocation.RevocationOutcome = "unsupported"
    # Only an OAuth2 account holds a grant to revoke; another scheme's secret is the caller's own.
    if app is not None and account.security_scheme == "oauth2":
        refresh_token = account.refresh_token_encrypted
        outcome = await revocation.revoke_grant(
            services,
            app,
            access_token=services.cipher.decrypt(account.access_token_encrypted),
            refresh_token=services.cipher.decrypt(refresh_token) if refresh_token else None,
        )
    async with services.sessions.begin() as session:
        current = await store.get_linked_account(
            session, project_id=project_id, linked_account_id=linked_account_id, for_update=True
        )
        if current is None:
            raise NotFound("no such linked account")
        await events.record_account_event(
            session,
            event_type=events.ACCOUNT_DELETED,
            account=current,
            now=services.clock(),
            revocation=outcome,
        )
        await store.delete_linked_account(session, account=current)
    return outcome
