"""Projects and their API keys."""

from __future__ import annotations

import uuid

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import select

from linkvault.store.models import ApiKey, Project
from linkvault.store.types import utc_now

__all__ = ["add_api_key", "create_project", "find_project_id_by_key_hash", "get_project", "revoke_api_key"]


async def create_project(session: AsyncSession, *, name: str) -> Project:
    project = Project(name=name)
    session.add(project)
    await session.flush()
    return project


async def get_project(session: AsyncSession, *, project_id: uuid.UUID) -> Project | None:
    return await session.get(Project, project_id)


async def add_api_key(session: AsyncSession, *, project_id: uuid.UUID, key_hash: str) -> ApiKey:
    api_key = ApiKey(project_id=project_id, key_hash=key_hash)
    session.add(api_key)
    await session.flush()
    return api_key


async def find_project_id_by_key_hash(session: AsyncSession, *, key_hash: str) -> uuid.UUID | None:
    result = await session.execute(
        select(ApiKey.project_id).where(ApiKey.key_hash == key_hash, ApiKey.revoked_at.is_(None))  # type: ignore[union-attr]
    )
    return result.scalar_one_or_none()


async def revoke_api_key(session: AsyncSession, *, key_id: uuid.UUID) -> bool:
    result = await session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))  # type: ignore[arg-type,union-attr]
        .values(revoked_at=utc_now())
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
