"""Projects: the tenants that own app configurations, linked accounts and API keys."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from linkvault.store.models import Project

__all__ = ["create_project", "get_project"]


async def create_project(session: AsyncSession, *, name: str) -> Project:
    project = Project(name=name)
    session.add(project)
    await session.flush()
    return project


async def get_project(session: AsyncSession, *, project_id: uuid.UUID) -> Project | None:
    return await session.get(Project, project_id)
