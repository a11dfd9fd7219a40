"""Projects: the tenants that own app configurations, linked accounts and API keys."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from linkvault.store.models import Project

__all__ = ["create_project", "get_project", "list_projects"]


async def create_project(session: AsyncSession, *, name: str) -> Project:
    project = Project(name=name)
    session.add(project)
    await session.flush()
    return project


async def get_project(session: AsyncSession, *, project_id: uuid.UUID) -> Project | None:
    return await session.get(Project, project_id)


async def list_projects(session: AsyncSession) -> list[Project]:
    """Every project, oldest first."""
    result = await session.execute(select(Project).order_by(col(Project.created_at), col(Project.id)))
    return list(result.scalars())
