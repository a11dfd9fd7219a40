"""Projects: each is created with its first API key."""

from __future__ import annotations

import unicodedata
import uuid

from linkvault.engine.api_keys import NewApiKey, add_api_key
from linkvault.engine.services import Services
from linkvault.errors import InvalidInput, NotFound
from linkvault.limits import MAX_PROJECT_NAME_LENGTH
from linkvault.store import projects as store
from linkvault.store.models import Project

__all__ = ["create_project", "get_project", "list_projects"]


async def create_project(services: Services, *, name: str) -> NewApiKey:
    """Create a project and its first key, in one transaction. Raises InvalidInput for an empty or
    overlong name, or one with a control character (it is printed to terminals and logs, where one
    would move the cursor or forge a line)."""
    if not name.strip() or len(name) > MAX_PROJECT_NAME_LENGTH:
        raise InvalidInput(
            f"a project name must have 1 to {MAX_PROJECT_NAME_LENGTH} characters", field=("name",)
        )
    if any(unicodedata.category(character) == "Cc" for character in name):
        raise InvalidInput("a project name must not hold control characters", field=("name",))
    async with services.sessions.begin() as session:
        project = await store.create_project(session, name=name)
        return await add_api_key(session, project_id=project.id)


async def get_project(services: Services, *, project_id: uuid.UUID) -> Project:
    """Raises NotFound for an unknown project."""
    async with services.sessions() as session:
        project = await store.get_project(session, project_id=project_id)
    if project is None:
        raise NotFound(f"no such project: {project_id}")
    return project


async def list_projects(services: Services) -> list[Project]:
    """Every project, oldest first."""
    async with services.sessions() as session:
        return await store.list_projects(session)
