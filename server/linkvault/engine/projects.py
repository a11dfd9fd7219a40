"""Projects: each is created with its first API key."""

from __future__ import annotations

from linkvault.engine.api_keys import NewApiKey, add_api_key
from linkvault.engine.services import Services
from linkvault.store import projects as store

__all__ = ["create_project"]


async def create_project(services: Services, *, name: str) -> NewApiKey:
    """Create a project and its first key, in one transaction."""
    async with services.sessions.begin() as session:
        project = await store.create_project(session, name=name)
        return await add_api_key(session, project_id=project.id)
