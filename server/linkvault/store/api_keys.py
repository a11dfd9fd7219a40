"""API keys of projects, stored only as hashes."""

from __future__ import annotations

import uuid

from sqlalchemy import bindparam, update
from sqlalchemy import select as core_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from linkvault.store.database import Reader
from linkvault.store.models import ApiKey
from linkvault.store.types import utc_now

__all__ = ["add_api_key", "find_project_id_by_key_hash", "list_api_keys", "revoke_api_key"]


async def add_api_key(session: AsyncSession, *, project_id: uuid.UUID, key_hash: str) -> ApiKey:
    api_key = ApiKey(project_id=project_id, key_hash=key_hash)
    session.add(api_key)
    await session.flush()
    return api_key


_KEYS = ApiKey.__table__.c  # type: ignore[attr-defined]
# Built once: SQLAlchemy then finds its compiled form by the statement's cache key, memoized on it.
_PROJECT_OF_ACTIVE_KEY = core_select(_KEYS.project_id).where(
    _KEYS.key_hash == bindparam("key_hash"), _KEYS.revoked_at.is_(None)
)


async def find_project_id_by_key_hash(connection: Reader, *, key_hash: str) -> uuid.UUID | None:
    """The project of the active (unrevoked) key with this hash, or None (one indexed lookup by
    ``key_hash``, a Core statement: it runs on every authenticated request)."""
    # key_hash is unique (an index), so there is one row at most.
    row = await connection.first(_PROJECT_OF_ACTIVE_KEY, {"key_hash": key_hash})
    project_id: uuid.UUID | None = None if row is None else row[0]
    return project_id


async def list_api_keys(session: AsyncSession, *, project_id: uuid.UUID) -> list[ApiKey]:
    """The project's keys, revoked ones included, oldest first."""
    result = await session.execute(
        select(ApiKey)
        .where(col(ApiKey.project_id) == project_id)
        .order_by(col(ApiKey.created_at), col(ApiKey.id))
    )
    return list(result.scalars())


async def revoke_api_key(session: AsyncSession, *, key_id: uuid.UUID) -> bool:
    """Revoke an active key; False when there is no such active key."""
    result = await session.execute(
        update(ApiKey)
        .where(col(ApiKey.id) == key_id, col(ApiKey.revoked_at).is_(None))
        .values(revoked_at=utc_now())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
