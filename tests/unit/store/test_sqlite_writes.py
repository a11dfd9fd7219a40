"""SQLite write transactions of one process take their turn in the order they asked, and a write that
fails gives the turn back."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.ext.asyncio import AsyncEngine

from linkvault.store import _aiosqlite
from linkvault.store.database import create_engine, dispose

pytestmark = pytest.mark.anyio


@pytest.fixture
async def engine(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[AsyncEngine]:
    # A turn that is never given back shows as a failure within a second, not after SQLite's 10 s.
    monkeypatch.setattr(_aiosqlite, "WRITE_LOCK_TIMEOUT_SECONDS", 1.0, raising=False)
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'writes.db'}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, who TEXT NOT NULL)"))
    try:
        yield engine
    finally:
        await dispose(engine)


async def test_writers_waiting_for_another_write_go_in_the_order_they_asked(engine: AsyncEngine) -> None:
    """Without the turn, they waited in SQLite's busy handler, sleeping 1 to 100 ms between retries, and
    whichever retried at the right moment went first (start link's p99 was about a second)."""

    async def write(who: str, connected: asyncio.Event) -> None:
        async with engine.begin() as connection:
            connected.set()  # what follows runs without yielding until the INSERT must wait
            await connection.execute(text("INSERT INTO t (who) VALUES (:who)"), {"who": who})

    writers = ["first", "second", "third", "fourth", "fifth"]
    async with engine.begin() as holder:
        await holder.execute(text("INSERT INTO t (who) VALUES ('holder')"))
        tasks = []
        for who in writers:
            connected = asyncio.Event()
            tasks.append(asyncio.create_task(write(who, connected)))
            await connected.wait()
    await asyncio.gather(*tasks)

    async with engine.connect() as connection:
        order = (await connection.execute(text("SELECT who FROM t ORDER BY id"))).scalars().all()
    assert order == ["holder", *writers]


async def test_a_failed_write_gives_its_turn_back(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO t (id, who) VALUES (1, 'one')"))
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO t (id, who) VALUES (1, 'again')"))
    # Refused before SQLite began a transaction: the turn goes back with the connection.
    with pytest.raises(OperationalError, match="no such table"):
        async with engine.begin() as connection:
            await connection.execute(text("INSERT INTO missing (id) VALUES (1)"))

    # The failures ran on the pool's one idle connection, held aside here; another one writes.
    async with engine.connect() as _failed_on, engine.begin() as connection:
        await connection.execute(text("INSERT INTO t (id, who) VALUES (2, 'two')"))
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT count(*) FROM t"))).scalar_one() == 2


async def test_a_write_that_waits_past_the_timeout_fails_as_sqlite_would(engine: AsyncEngine) -> None:
    async with engine.begin() as holder:
        await holder.execute(text("INSERT INTO t (who) VALUES ('holder')"))
        with pytest.raises(OperationalError, match="database is locked"):
            async with engine.begin() as connection:
                await connection.execute(text("INSERT INTO t (who) VALUES ('late')"))
