"""Projects created straight through the engine, so that every test can have its own."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from linkvault.engine import projects
from linkvault.engine.services import open_services
from linkvault.settings import Settings


@dataclass(frozen=True)
class Project:
    id: str
    api_key: str = field(repr=False)

    @property
    def headers(self) -> dict[str, str]:
        return {"X-API-KEY": self.api_key}


def create_project(settings: Settings, name: str = "test") -> Project:
    async def create() -> Project:
        services = open_services(settings)
        try:
            created = await projects.create_project(services, name=name)
        finally:
            await services.aclose()
        return Project(id=str(created.project_id), api_key=created.api_key)

    return asyncio.run(create())
