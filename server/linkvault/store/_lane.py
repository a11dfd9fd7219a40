"""PostgreSQL connections kept checked out between single-statement reads (``ReadLane``).

A checkout from SQLAlchemy's asyncio pool and the checkin after it cost a credentials read more CPU
than its statement: two greenlet switches, the pool's connection record, its events and its queue,
each run after a wait for the network, when this machine runs slowest. Measured in process, side by
side in one run on PostgreSQL (``benchmarks.inprocess``, six interleaved rounds): 760-950 µs of CPU a
read through the pool against 640-750 µs with the connection kept between reads
(benchmarks/README.md). Under load, a read beyond the ``size`` the lane keeps waits for another
read's connection, handed over directly, rather than go through the pool's checkout and checkin (or
open an overflow connection only to close it when it comes back): at 32 and 128 concurrent reads on
the benchmark's PostgreSQL run, about a fifth more reads a second (the same at 8).

**This is code a library should have done**: neither SQLAlchemy's pool nor asyncpg's is cheaper
(asyncpg's ``Pool.acquire`` and release cost about what SQLAlchemy's checkout does, and its release
resets the connection, a round trip, unless told not to). The lane is small on purpose. It only
keeps: its connections come from the engine's own pool (so the pool's limits, timeout, connection
arguments and events hold, and they count against ``LINKVAULT_DATABASE_POOL_SIZE``), reads hold no
more than ``size`` of them at once unless theirs stop answering for a second, so that the rest stay
for sessions, a session waiting for a connection is served before any read waiting, and a
connection goes back to the pool whenever the lane cannot vouch for it.

Until 2026-12-02 a read beyond ``size`` took any idle connection of the pool. A burst of reads then
held every connection, and the write that came next opened a new one: in the benchmark's refresh
storm (100 reads of one due account at once), the refresh lease's checkout opened a connection
(TCP, authentication, asyncpg's type setup) in 20-30 ms of a busy event loop, while the 100
requests waited for that refresh (benchmarks/README.md)."""

from __future__ import annotations

import asyncio
import collections
import time
import weakref
from collections.abc import Callable, Coroutine
from typing import Any

from sqlalchemy import event
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import PoolProxiedConnection, QueuePool
from sqlalchemy.util import greenlet_spawn

from linkvault.store._pool import FairAsyncQueuePool, serve_first_waiting

__all__ = ["ReadLane"]

# How long reads beyond the reads' share wait with no read's connection handed on to any of them
# before they check one out of the pool themselves, in seconds. Under load, however long the line,
# connections are handed on every few milliseconds, so only reads stuck behind connections that
# stopped answering (a half-open TCP connection after a failover, a stalled network path) wait this
# out; without it they waited the pool's whole timeout (30 s) and failed with 503 beside idle
# connections, and measured from each read's own wait, a long line on a healthy database sent its
# tail to the pool, ahead of the sessions (two trials found them).
_PATIENCE_SECONDS = 1.0


class ReadLane:
    """Up to ``size`` of the pool's connections, kept checked out, idle, between single-statement reads.

    ``acquire`` returns a kept connection; else one checked out of the pool when no read is under way,
    or fewer than ``size`` reads are under way and the pool has an idle one or can open one within
    its size; else it waits, in arrival order, for the connection of a read under way, and when no
    read's connection has been handed on for ``_PATIENCE_SECONDS`` (a second) while it waited, checks
    one out of the pool itself, all within the pool's timeout.
    ``release`` hands the connection to the first read waiting, unless a checkout waits in the
    pool (a session: it gets the connection, and the waiting read goes to the pool's queue behind
    it); else keeps it for the next read when the read ended well (``reusable``), fewer than
    ``size`` are kept, nothing was invalidated since, no checkout waits for a connection, and the
    pool holds no more connections than its size (an overflow connection goes back, to be closed as
    the pool closes overflow); else it closes it back to the pool. When a checkout starts to wait
    (the pool at its limit), the idle connections kept go back to the pool, which hands them to the
    waiters. An invalidation anywhere in the engine's pool (a disconnect: a restart or failover
    closes every connection) starts a new generation, and every connection taken before it goes
    back to the pool, which replaces it at its next checkout; so does ``close``."""

    def __init__(self, engine: AsyncEngine, *, size: int) -> None:
        # No strong reference to the engine: the engine's registry of lanes holds its key weakly.
        self._engine = weakref.ref(engine)
        self._size = size
        self._idle: list[tuple[int, PoolProxiedConnection]] = []
        self._generation = 0
        # Connections of generations below this were taken from a pool ``close`` saw disposed of.
        self._disposed_below = 0
        # Once closed (the engine disposed of: the server shuts down) the lane keeps nothing, and
        # reads check connections out and give them back as the pool's other users do.
        self._closed = False
        self._watchers: list[Callable[[], None]] = []
        self._giving_back: set[asyncio.Task[None]] = set()
        # Connections out for reads (handed from one read to the next without coming back), and
        # the reads waiting for one: each gets a connection with its generation, or None when the
        # connection went back to the pool instead (it checks one out itself).
        self._busy = 0
        # When a read waiting last got a connection or its turn (time.monotonic()), for ``_wait``.
        self._handed_on_at = 0.0
        self._waiters: collections.deque[asyncio.Future[tuple[PoolProxiedConnection, int] | None]] = (
            collections.deque()
        )
        # Pool events listened on the engine follow its pool across dispose() (which makes a new one).
        event.listen(engine.sync_engine, "invalidate", self._invalidated)
        # A connection back in the pool (a session's, say) is one a waiting read may take at once.
        event.listen(engine.sync_engine, "checkin", self._checked_in)
        pool = engine.sync_engine.pool
        if isinstance(pool, FairAsyncQueuePool):
            pool.on_wait = self._checkout_waits

    def _invalidated(self, *_args: Any) -> None:
        self._generation += 1

    def _checked_in(self, *_args: Any) -> None:
        # Only within the reads' share: beyond it, a read waits for a read's connection, and the one
        # back in the pool stays for the sessions.
        if self._waiters and self._busy < self._size:
            self._wake_one()

    def _checkout_waits(self) -> None:
        # A checkout waits for a connection (the pool is at its limit): the idle ones kept here go
        # back to the pool, which hands them to the waiters in turn, rather than leave a session or a
        # read waiting out the pool's timeout beside an idle connection.
        if self._idle:
            self._in_background(self._give_back())

    async def _give_back(self) -> None:
        while self._idle:
            _generation, connection = self._take_idle()
            await greenlet_spawn(connection.close)

    @property
    def kept(self) -> int:
        """How many connections are kept idle now."""
        return len(self._idle)

    def watch(self, changed: Callable[[], None]) -> None:
        """Call ``changed()`` after a connection goes idle in the lane or leaves it (for a read, or
        back to the pool): the pool's checkout and checkin events see neither."""
        self._watchers.append(changed)

    def _take_idle(self) -> tuple[int, PoolProxiedConnection]:
        taken = self._idle.pop()
        for changed in self._watchers:
            changed()
        return taken

    async def acquire(self, engine: AsyncEngine) -> tuple[PoolProxiedConnection, int]:
        """A connection of ``engine`` (this lane's) and the generation it belongs to; the caller must
        ``release`` it. Raises what the pool's checkout raises (``DBAPIError`` when the database cannot
        be reached, ``sqlalchemy.exc.TimeoutError`` when the pool has no connection in time) and
        ``sqlalchemy.exc.TimeoutError`` when no read under way gave its connection in the pool's
        timeout."""
        while self._idle:
            generation, connection = self._take_idle()
            if generation == self._generation and connection.is_valid:
                self._busy += 1
                return connection, generation
            await greenlet_spawn(connection.close)
        pool = engine.sync_engine.pool
        deadline: float | None = None
        if (
            self._size > 0
            and self._busy > 0
            and isinstance(pool, QueuePool)
            and not self._may_check_out(pool)
        ):
            deadline = asyncio.get_running_loop().time() + pool.timeout()
            handed = await self._wait(deadline)
            if handed is not None:  # counted in _busy by the read that handed it over
                connection, generation = handed
                if generation == self._generation and connection.is_valid:
                    return handed
                await self.release(engine, connection, generation, reusable=False)
        generation = self._generation
        # Counted from before the checkout: a read that arrives meanwhile waits for this one rather
        # than open another connection.
        self._busy += 1
        try:
            # A read that waited here checks out within what is left of the pool's timeout, so that
            # it waits no longer in all than a checkout would.
            async with asyncio.timeout_at(deadline):
                connection = await engine.raw_connection()
        except BaseException as exc:
            self._busy -= 1
            self._wake_one()
            if isinstance(exc, TimeoutError) and deadline is not None:
                raise PoolTimeout("no connection came back to the pool in its timeout") from exc
            raise
        return connection, generation

    def _may_check_out(self, pool: QueuePool) -> bool:
        # Fewer reads than ``size`` are under way, and the pool has an idle connection or can open one
        # within its size. Else the read waits for a read's connection: checking more out for reads
        # than the lane keeps sends each read beyond those through the pool's checkout and checkin,
        # an overflow connection is opened only to be closed as it comes back, and the pool's other
        # connections, taken by a burst of reads, are not there for the session that comes next.
        return self._busy < self._size and (pool.checkedin() > 0 or pool.overflow() < 0)

    async def _wait(self, deadline: float) -> tuple[PoolProxiedConnection, int] | None:
        loop = asyncio.get_running_loop()
        waiter: asyncio.Future[tuple[PoolProxiedConnection, int] | None] = loop.create_future()
        self._waiters.append(waiter)
        started = time.monotonic()
        try:
            while not waiter.done():
                patience = max(started, self._handed_on_at) + _PATIENCE_SECONDS - time.monotonic()
                if loop.time() >= deadline:
                    raise TimeoutError
                if patience <= 0:  # the reads' connections are stuck: the pool serves this one
                    waiter.cancel()
                    self._waiters.remove(waiter)
                    return None
                # Unlike a timeout around ``await waiter``, asyncio.wait leaves the waiter in line.
                await asyncio.wait((waiter,), timeout=min(deadline - loop.time(), patience))
            return waiter.result()
        except BaseException as exc:
            if waiter.done() and not waiter.cancelled():
                # Handed a connection (or the turn to check one out) just as the wait ended: it goes
                # to the next read in line, never lost.
                handed = waiter.result()
                if handed is None:
                    self._wake_one()
                else:
                    self._pass_on(*handed)
            else:
                waiter.cancel()
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
            if isinstance(exc, TimeoutError):
                raise PoolTimeout("no connection came back from a read in the pool's timeout") from exc
            raise

    def _hand_over(self, connection: PoolProxiedConnection, generation: int) -> bool:
        return self._handed_on(serve_first_waiting(self._waiters, (connection, generation)))

    def _wake_one(self) -> bool:
        # A connection left the reads (or the pool has one to give): the first read waiting checks
        # one out of the pool itself.
        return self._handed_on(serve_first_waiting(self._waiters, None))

    def _handed_on(self, served: bool) -> bool:
        if served:
            self._handed_on_at = time.monotonic()
        return served

    def _pass_on(self, connection: PoolProxiedConnection, generation: int) -> None:
        """``release`` of a connection handed to a read that was cancelled before it could use it."""
        engine = self._engine()
        if engine is None:
            self._busy -= 1
            return  # the engine is gone, and its pool's connections with it
        self._in_background(self.release(engine, connection, generation, reusable=True))

    def _in_background(self, giving_back: Coroutine[Any, Any, None]) -> None:
        # The task is held until done: the event loop keeps only a weak reference to it.
        task = asyncio.get_running_loop().create_task(giving_back)
        self._giving_back.add(task)
        task.add_done_callback(self._giving_back.discard)

    async def release(
        self, engine: AsyncEngine, connection: PoolProxiedConnection, generation: int, *, reusable: bool
    ) -> None:
        """Hand ``connection`` to the next read, keep it, or close it back to the pool (see the class)."""
        pool = engine.sync_engine.pool
        usable = reusable and generation == self._generation and connection.is_valid and not self._closed
        pool_waits = isinstance(pool, FairAsyncQueuePool) and pool.has_waiters()
        if usable and not pool_waits and self._hand_over(connection, generation):
            return
        self._busy -= 1
        if (
            usable
            and not pool_waits
            and len(self._idle) < self._size
            and not (isinstance(pool, FairAsyncQueuePool) and pool.overflow() > 0)
        ):
            self._idle.append((generation, connection))
            for changed in self._watchers:
                changed()
        elif generation < self._disposed_below:
            # Its pool is disposed of: given back, it would stay open in that pool until collected.
            connection.detach()
            await greenlet_spawn(connection.close)
            self._wake_one()
        else:
            # Back in the pool, where the first read waiting is woken to take it (``_checked_in``).
            await greenlet_spawn(connection.close)

    async def close(self) -> None:
        """Give every idle connection back to the pool (before the engine is disposed of); a read
        still running closes its connection when it ends, since the pool it came from is gone."""
        self._generation += 1
        self._disposed_below = self._generation
        self._closed = True
        while self._wake_one():  # to the pool that replaces the disposed one
            pass
        await self._give_back()
