"""A PostgreSQL URL with libpq's query parameters, as managed databases' consoles show it, connects."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from linkvault.engine.services import open_services
from linkvault.settings import Settings
from linkvault.store.database import check_connection


def test_libpq_parameters_reach_the_database(migrated: Settings) -> None:
    url = make_url(migrated.database_url)
    if url.get_backend_name() != "postgresql":
        pytest.skip("PostgreSQL's URL parameters")
    # The test server speaks no TLS: prefer falls back to plain, as libpq's does (require is refused
    # by it, which test_postgresql_url's unit tests show reaches asyncpg as ssl=require).
    query = {
        "sslmode": "prefer",
        "connect_timeout": "5",
        "command_timeout": "30",
        "application_name": "lv-test",
    }
    settings = Settings(
        database_url=url.update_query_dict(query).render_as_string(hide_password=False),
        encryption_keys=migrated.encryption_keys,
    )

    async def run() -> None:
        services = open_services(settings)
        try:
            await check_connection(services.db_engine)
            async with services.db_engine.connect() as connection:
                shown = await connection.scalar(text("SELECT current_setting('application_name')"))
            assert shown == "lv-test"
        finally:
            await services.aclose()

    asyncio.run(run())
