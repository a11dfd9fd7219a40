"""Linked accounts and their encrypted credentials."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import tuple_
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from linkvault.errors import Conflict
from linkvault.store.models import LinkedAccount

__all__ = [
    "delete_linked_account",
    "find_linked_account",
    "get_linked_account",
    "list_linked_accounts",
    "save_linked_account",
]


async def get_linked_account(
    session: AsyncSession, *, project_id: uuid.UUID, linked_account_id: uuid.UUID
) -> LinkedAccount | None:
    account = await session.get(LinkedAccount, linked_account_id)
    return account if account is not None and account.project_id == project_id else None


async def find_linked_account(
    session: AsyncSession, *, project_id: uuid.UUID, app_name: str, owner_id: str
) -> LinkedAccount | None:
    """The account for (project, app, owner), locked for update where the database can."""
    result = await session.execute(
        select(LinkedAccount)
        .where(
            LinkedAccount.project_id == project_id,
            LinkedAccount.app_name == app_name,
            LinkedAccount.linked_account_owner_id == owner_id,
        )
        .with_for_update()
    )
    return result.scalar_one_or_none()


async def save_linked_account(session: AsyncSession, *, account: LinkedAccount) -> LinkedAccount:
    """Insert or update ``account``. Raises Conflict when a concurrent insert of the same
    (project, app, owner) won the race to the unique constraint."""
    session.add(account)
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict("the linked account was created concurrently") from exc
    return account


async def list_linked_accounts(
    session: AsyncSession,
    *,
    project_id: uuid.UUID,
    app_name: str | None,
    owner_id: str | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[LinkedAccount]:
    """One page in (created_at, id) order, starting after the given position (keyset pagination)."""
    query = select(LinkedAccount).where(LinkedAccount.project_id == project_id)
    if app_name is not None:
        query = query.where(LinkedAccount.app_name == app_name)
    if owner_id is not None:
        query = query.where(LinkedAccount.linked_account_owner_id == owner_id)
    if after is not None:
        created_at, account_id = after
        query = query.where(
            tuple_(col(LinkedAccount.created_at), col(LinkedAccount.id)) > tuple_(created_at, account_id)
        )
    query = query.order_by(col(LinkedAccount.created_at), col(LinkedAccount.id)).limit(limit)
    return list((await session.execute(query)).scalars())


async def delete_linked_account(session: AsyncSession, *, account: LinkedAccount) -> None:
    await session.delete(account)
    await session.flush()
