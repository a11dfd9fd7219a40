"""Reading and deleting linked accounts (never their tokens)."""

from __future__ import annotations

import base64
import binascii
import uuid
from dataclasses import dataclass
from datetime import datetime

from linkvault.engine.services import Services
from linkvault.errors import InvalidInput, NotFound
from linkvault.store import linked_accounts as store
from linkvault.store.models import LinkedAccount

__all__ = ["LinkedAccountPage", "delete_linked_account", "get_linked_account", "list_linked_accounts"]


@dataclass(frozen=True)
class LinkedAccountPage:
    items: list[LinkedAccount]
    next_cursor: str | None


def _encode_cursor(account: LinkedAccount) -> str:
    raw = f"{account.created_at.isoformat()}|{account.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode("ascii").rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created_at, account_id = raw.split("|")
        position = datetime.fromisoformat(created_at), uuid.UUID(account_id)
    except (ValueError, binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidInput("the cursor is not one this server gave out", field=("cursor",)) from exc
    if position[0].tzinfo is None:
        raise InvalidInput("the cursor is not one this server gave out", field=("cursor",))
    return position


async def list_linked_accounts(
    services: Services,
    *,
    project_id: uuid.UUID,
    app_name: str | None,
    owner_id: str | None,
    limit: int,
    cursor: str | None,
) -> LinkedAccountPage:
    after = _decode_cursor(cursor) if cursor else None
    async with services.sessions() as session:
        items = await store.list_linked_accounts(
            session, project_id=project_id, app_name=app_name, owner_id=owner_id, after=after, limit=limit + 1
        )
    more = len(items) > limit
    items = items[:limit]
    return LinkedAccountPage(items=items, next_cursor=_encode_cursor(items[-1]) if more else None)


async def get_linked_account(
    services: Services, *, project_id: uuid.UUID, linked_account_id: uuid.UUID
) -> LinkedAccount:
    async with services.sessions() as session:
        account = await store.get_linked_account(
            session, project_id=project_id, linked_account_id=linked_account_id
        )
    if account is None:
        raise NotFound("no such linked account")
    return account


async def delete_linked_account(
    services: Services, *, project_id: uuid.UUID, linked_account_id: uuid.UUID
) -> None:
    async with services.sessions.begin() as session:
        account = await store.get_linked_account(
            session, project_id=project_id, linked_account_id=linked_account_id
        )
        if account is None:
            raise NotFound("no such linked account")
        await store.delete_linked_account(session, account=account)
