"""Connections beyond the pool's size go to waiting requests in the order they asked."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from linkvault.store._pool import FairAsyncQueuePool
from linkvault.store.database import create_engine, dispose

pytestmark = pytest.mark.anyio


@pytest.fixture
async def one_connection(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_async_engine(
        f"sqlite+aiosqlite:///{tmp_path / 'pool.db'}",
        poolclass=FairAsyncQueuePool,
        pool_size=1,
        max_overflow=0,
        pool_timeout=0.2,
    )
    try:
        yield engine
    finally:
        await engine.dispose()


async def _waiting(count: int) -> None:
    """Lets ``count`` tasks reach their wait for a connection."""
    for _ in range(count + 5):
        await asyncio.sleep(0)


async def test_a_returned_connection_goes_to_the_longest_waiting_request(one_connection: AsyncEngine) -> None:
    """SQLAlchemy's own queue lets a request that asks again at once (without yielding) take the
    connection it just returned, ahead of those waiting: under load some waited seconds."""
    order: list[str] = []

    async def take(name: str) -> None:
        async with one_connection.connect():
            order.append(name)
            await asyncio.sleep(0)

    held = await one_connection.connect()
    waiting = [asyncio.create_task(take(name)) for name in ("first", "second", "third")]
    await _waiting(len(waiting))
    await held.close()
    await take("came back at once")
    await asyncio.gather(*waiting)

    assert order == ["first", "second", "third", "came back at once"]


async def test_a_request_that_gives_up_waiting_takes_no_connection_with_it(
    one_connection: AsyncEngine,
) -> None:
    order: list[str] = []

    async def take(name: str) -> None:
        async with one_connection.connect():
            order.append(name)

    held = await one_connection.connect()
    cancelled = asyncio.create_task(take("cancelled"))
    after = asyncio.create_task(take("after"))
    await _waiting(2)
    cancelled.cancel()
    await held.close()
    await after

    assert cancelled.cancelled()
    assert order == ["after"]
    assert one_connection.pool.checkedout() == 0  # type: ignore[attr-defined]


async def test_a_wait_past_the_pool_timeout_is_a_pool_timeout(one_connection: AsyncEngine) -> None:
    async with one_connection.connect():
        with pytest.raises(PoolTimeout):
            await one_connection.connect()
    async with one_connection.connect():  # the connection was not lost with the wait
        pass


async def test_linkvault_engines_use_the_fair_pool(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'linkvault.db'}")
    try:
        assert isinstance(engine.pool, FairAsyncQueuePool)
    finally:
        await dispose(engine)
