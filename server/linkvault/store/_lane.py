"""PostgreSQL connections kept checked out between single-statement reads (``ReadLane``).

A checkout from SQLAlchemy's asyncio pool and the checkin after it cost a credentials read more CPU
than its statement: two greenlet switches, the pool's connection record, its events and its queue,
each run after a wait for the network, when this machine runs slowest. Measured in process, side by
side in one run on PostgreSQL (``benchmarks.inprocess``, six interleaved rounds): 760-950 µs of CPU a
read through the pool against 640-750 µs with the connection kept between reads
(benchmarks/README.md).

**This is code a library should have done**: neither SQLAlchemy's pool nor asyncpg's is cheaper
(asyncpg's ``Pool.acquire`` and release cost about what SQLAlchemy's checkout does, and its release
resets the connection, a round trip, unless told not to). The lane is small on purpose. It only
keeps: its connections come from the engine's own pool (so the pool's limits, timeout, connection
arguments and events hold, and they count against ``LINKVAULT_DATABASE_POOL_SIZE``), a read that
finds none kept checks one out as before (nothing waits for the lane, so it never limits how many
reads run at once), and a connection goes back to the pool whenever the lane cannot vouch for it."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.util import greenlet_spawn

from linkvault.store._pool import FairAsyncQueuePool

__all__ = ["ReadLane"]


class ReadLane:
    """Up to ``size`` of the pool's connections, kept checked out, idle, between single-statement reads.

    ``acquire`` returns a kept connection, or else one checked out of the pool, with the lane's
    generation when it was taken. ``release`` keeps it for the next read when the read ended well
    (``reusable``), fewer than ``size`` are kept, nothing was invalidated since, no checkout waits
    for a connection, and the pool holds no more connections than its size (an overflow connection
    goes back, to be closed as the pool closes overflow); else it closes it back to the pool. When a
    checkout starts to wait (the pool at its limit), the idle connections kept go back to the pool,
    which hands them to the waiters. An invalidation anywhere in the engine's pool (a disconnect: a
    restart or failover closes every connection) starts a new generation, and every connection taken
    before it goes back to the pool, which replaces it at its next checkout; so does ``close``."""

    def __init__(self, engine: AsyncEngine, *, size: int) -> None:
        # No reference to the engine is kept: the engine's registry of lanes holds its key weakly.
        self._size = size
        self._idle: list[tuple[int, PoolProxiedConnection]] = []
        self._generation = 0
        # Connections of generations below this were taken from a pool ``close`` saw disposed of.
        self._disposed_below = 0
        self._watchers: list[tuple[Callable[[], None], Callable[[], None]]] = []
        self._giving_back: set[asyncio.Task[None]] = set()
        # Pool events listened on the engine follow its pool across dispose() (which makes a new one).
        event.listen(engine.sync_engine, "invalidate", self._invalidated)
        pool = engine.sync_engine.pool
        if isinstance(pool, FairAsyncQueuePool):
            pool.on_wait = self._checkout_waits

    def _invalidated(self, *_args: Any) -> None:
        self._generation += 1

    def _checkout_waits(self) -> None:
        # A checkout waits for a connection (the pool is at its limit): the idle ones kept here go
        # back to the pool, which hands them to the waiters in turn, rather than leave a session or a
        # read waiting out the pool's timeout beside an idle connection.
        if self._idle:
            task = asyncio.get_running_loop().create_task(self._give_back())
            self._giving_back.add(task)
            task.add_done_callback(self._giving_back.discard)

    async def _give_back(self) -> None:
        while self._idle:
            _generation, connection = self._take_idle()
            await greenlet_spawn(connection.close)

    def watch(self, *, kept: Callable[[], None], taken: Callable[[], None]) -> None:
        """Call ``kept()`` when a connection goes idle in the lane and ``taken()`` when it leaves
        it (for a read, or back to the pool): the pool's checkout and checkin events see neither, so
        a count of connections in use follows the lane through these."""
        self._watchers.append((kept, taken))

    def _take_idle(self) -> tuple[int, PoolProxiedConnection]:
        for _kept, taken in self._watchers:
            taken()
        return self._idle.pop()

    async def acquire(self, engine: AsyncEngine) -> tuple[PoolProxiedConnection, int]:
        """A connection of ``engine`` (this lane's) and the generation it belongs to; the caller must
        ``release`` it. Raises what the pool's checkout raises (``DBAPIError`` when the database cannot
        be reached, ``sqlalchemy.exc.TimeoutError`` when the pool has no connection in time)."""
        while self._idle:
            generation, connection = self._take_idle()
            if generation == self._generation and connection.is_valid:
                return connection, generation
            await greenlet_spawn(connection.close)
        generation = self._generation
        return await engine.raw_connection(), generation

    async def release(
        self, engine: AsyncEngine, connection: PoolProxiedConnection, generation: int, *, reusable: bool
    ) -> None:
        """Keep ``connection`` for the next read, or close it back to the pool (see the class)."""
        pool = engine.sync_engine.pool
        if (
            reusable
            and len(self._idle) < self._size
            and generation == self._generation
            and connection.is_valid
            and not (isinstance(pool, FairAsyncQueuePool) and (pool.overflow() > 0 or pool.has_waiters()))
        ):
            self._idle.append((generation, connection))
            for kept, _taken in self._watchers:
                kept()
        elif generation < self._disposed_below:
            # Its pool is disposed of: given back, it would stay open in that pool until collected.
            connection.detach()
            await greenlet_spawn(connection.close)
        else:
            await greenlet_spawn(connection.close)

    async def close(self) -> None:
        """Give every idle connection back to the pool (before the engine is disposed of); a read
        still running closes its connection when it ends, since the pool it came from is gone."""
        self._generation += 1
        self._disposed_below = self._generation
        await self._give_back()
