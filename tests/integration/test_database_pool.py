"""How many database connections a worker opens: LINKVAULT_DATABASE_POOL_SIZE and
LINKVAULT_DATABASE_MAX_OVERFLOW on PostgreSQL, one connection on SQLite whatever they say."""

from __future__ import annotations

import asyncio
import contextlib

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection

from linkvault.engine.services import open_services
from linkvault.settings import Settings


def test_a_worker_opens_at_most_pool_size_plus_overflow_connections(migrated: Settings) -> None:
    settings = migrated.model_copy(update={"database_pool_size": 2, "database_max_overflow": 1})
    # SQLite keeps its one connection on purpose (store/database.py), whatever the settings say.
    allowed = 3 if settings.database_url.startswith("postgresql") else 1

    async def run() -> None:
        services = open_services(settings)
        try:
            async with contextlib.AsyncExitStack() as held:
                for _ in range(allowed):
                    connection: AsyncConnection = await held.enter_async_context(services.db_engine.connect())
                    await connection.execute(text("SELECT 1"))
                # One more waits for a connection to come back, instead of opening another.
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(services.db_engine.connect().start(), timeout=0.5)
                    raise AssertionError(f"a connection beyond the {allowed} allowed was opened")
            async with services.db_engine.connect():  # the given-up wait took no connection with it
                pass
        finally:
            await services.aclose()

    asyncio.run(run())
