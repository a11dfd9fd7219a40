"""An endpoint's deliveries are listed a page at a time without sorting them all: each page is a range
of an index, on SQLite and on PostgreSQL, so paging through an endpoint with many deliveries costs
each page its own rows (no input costs more than linear work)."""

from __future__ import annotations

import asyncio
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from linkvault.settings import Settings
from linkvault.store.database import create_engine, dispose
from linkvault.store.webhooks import deliveries_query
from support.databases import is_postgresql


@pytest.mark.parametrize("status", [None, "failed"])
@pytest.mark.parametrize("paged", [False, True])
def test_a_page_of_deliveries_is_read_from_an_index_without_a_sort(
    migrated: Settings, status: str | None, paged: bool
) -> None:
    before = (datetime(2026, 1, 1, tzinfo=UTC), uuid.uuid4()) if paged else None
    statement = deliveries_query(endpoint_id=uuid.uuid4(), status=status, limit=50, before=before)
    postgresql = is_postgresql(migrated.database_url)

    async def plan() -> str:
        engine = create_engine(migrated.database_url)
        try:
            compiled = statement.compile(engine, compile_kwargs={"literal_binds": True})
            async with engine.connect() as connection:
                if postgresql:
                    # A small table would be scanned and sorted whatever its indexes: ask what else there is.
                    await connection.execute(text("SET enable_seqscan = off"))
                    await connection.execute(text("SET enable_sort = off"))
                explain = "EXPLAIN " if postgresql else "EXPLAIN QUERY PLAN "
                rows = (await connection.execute(text(explain + str(compiled)))).all()
            return "\n".join(str(row[-1]) for row in rows)
        finally:
            await dispose(engine)

    found = asyncio.run(plan())
    assert "ix_webhook_deliveries_endpoint_created" in found, found
    assert "TEMP B-TREE" not in found and "Sort" not in found, found
