"""What happened behind an answer: the accounts a project can list, and what the server's database
holds at rest (read directly, as a witness; the tests never write there)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import MetaData, func, select, table
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from support.projects import Project

__all__ = ["database_text", "link_state_count", "linked_accounts"]


def linked_accounts(api: httpx.Client, project: Project, **filters: str) -> list[dict[str, Any]]:
    """Every linked account of ``project`` (all pages), as ``GET /v1/linked-accounts`` lists them."""
    items: list[dict[str, Any]] = []
    response = api.get("/v1/linked-accounts", params={**filters, "limit": 100}, headers=project.headers)
    while True:
        assert response.status_code == 200, response.text
        items.extend(response.json())
        if "next" not in response.links:
            return items
        response = api.get(response.links["next"]["url"], headers=project.headers)


def database_text(database_url: str) -> str:
    """Every row of every table, as one text to search for secrets that must not be stored in clear."""

    async def dump() -> str:
        engine = create_async_engine(database_url, poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                metadata = MetaData()
                await connection.run_sync(metadata.reflect)
                rows = []
                for table in metadata.sorted_tables:
                    result = await connection.execute(select(table))
                    rows.extend(repr(tuple(row)) for row in result)
                return "\n".join(rows)
        finally:
            await engine.dispose()

    return asyncio.run(dump())


def link_state_count(database_url: str) -> int:
    """How many started links the server has stored."""

    async def count() -> int:
        engine = create_async_engine(database_url, poolclass=NullPool)
        try:
            async with engine.connect() as connection:
                statement = select(func.count()).select_from(table("link_states"))
                return int((await connection.execute(statement)).scalar_one())
        finally:
            await engine.dispose()

    return asyncio.run(count())
