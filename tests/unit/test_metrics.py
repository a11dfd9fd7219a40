"""The pool gauge follows SQLAlchemy's checkouts and checkins of a real engine."""

from __future__ import annotations

import asyncio
from pathlib import Path

from prometheus_client import REGISTRY

from linkvault.metrics import instrument_pool
from linkvault.store.database import create_engine

GAUGE = "linkvault_db_pool_connections_in_use"


def _in_use() -> float:
    value = REGISTRY.get_sample_value(GAUGE)
    assert value is not None
    return value


def test_the_pool_gauge_counts_connections_in_use(tmp_path: Path) -> None:
    async def run() -> list[float]:
        # Two engines (SQLite's pool holds one connection), counted in the one gauge.
        engine, other = (create_engine(f"sqlite+aiosqlite:///{tmp_path / 'pool.db'}") for _ in range(2))
        instrument_pool(engine)
        instrument_pool(other)
        instrument_pool(engine)  # a second app on the same engine counts nothing twice
        seen = [_in_use()]
        try:
            async with engine.connect() as first:
                await first.exec_driver_sql("SELECT 1")
                seen.append(_in_use())
                async with other.connect() as second:
                    await second.exec_driver_sql("SELECT 1")
                    seen.append(_in_use())
                seen.append(_in_use())
            seen.append(_in_use())
        finally:
            await engine.dispose()
            await other.dispose()
        return seen

    start, *rest = asyncio.run(run())
    assert [value - start for value in rest] == [1, 2, 1, 0]
