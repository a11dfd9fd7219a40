"""SQLAlchemy's asyncio connection pool, with connections handed to waiting tasks in arrival order.

SQLAlchemy's ``AsyncAdaptedQueuePool`` keeps its idle connections in an ``asyncio.Queue``. When a
connection comes back, the queue wakes its first waiter, but any task that asks before the woken one
runs takes the connection instead, and the woken task goes back to the end of the line. Under load
(more requests than connections, an event loop busy enough that a woken task waits its turn) some
requests lose that race again and again: at 128 connections on the benchmark's PostgreSQL run, the
median checkout took no time and the slowest 1% took 0.9 to 3.4 s, which was the hot path's p99
(benchmarks/README.md). The same starvation is reported for SQLAlchemy's threaded queue
(https://github.com/sqlalchemy/sqlalchemy/issues/7679, open) and asyncpg's own pool.

Here a returned connection goes straight to the longest-waiting task (a hand-off), so it can never
be taken by a task that came later: checkouts beyond the pool's capacity wait in FIFO order, and a
connection sits in the queue only while nobody waits for one.

**This is code a library should have done**: SQLAlchemy offers no fair queue. The pool class is
passed as ``create_async_engine``'s documented ``poolclass``; the queue is set through
``QueuePool._queue_class``, the attribute SQLAlchemy's own asyncio pool uses to swap its queue.
Written against SQLAlchemy 2.1 (``pyproject.toml`` pins ``<2.2``)."""

from __future__ import annotations

import asyncio
import collections
from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy.pool import AsyncAdaptedQueuePool
from sqlalchemy.util import await_
from sqlalchemy.util.queue import AsyncAdaptedQueue, Empty

__all__ = ["FairAsyncQueuePool", "serve_first_waiting"]

_T = TypeVar("_T")


def serve_first_waiting(waiters: collections.deque[asyncio.Future[_T]], value: _T) -> bool:
    """Give ``value`` to the first of ``waiters`` still waiting, dropping those that timed out or were
    cancelled from the front of the line; False when none is left waiting."""
    while waiters:
        waiter = waiters.popleft()
        if not waiter.done():
            waiter.set_result(value)
            return True
    return False


class _FairQueue(AsyncAdaptedQueue[Any]):
    """``AsyncAdaptedQueue`` whose ``put`` hands the item to the first task still waiting, if any."""

    def __init__(self, maxsize: int = 0, use_lifo: bool = False) -> None:
        super().__init__(maxsize, use_lifo)
        self._waiters: collections.deque[asyncio.Future[Any]] = collections.deque()
        # Called when a checkout starts to wait (``FairAsyncQueuePool.on_wait``).
        self.on_wait: Callable[[], None] | None = None

    def has_waiters(self) -> bool:
        return any(not waiter.done() for waiter in self._waiters)

    def put_nowait(self, item: Any) -> None:
        if not serve_first_waiting(self._waiters, item):
            super().put_nowait(item)

    def get(self, block: bool = True, timeout: float | None = None) -> Any:
        # Items are queued only while nobody waits, so taking one at once never jumps the line.
        if not block or not self.empty():
            return self.get_nowait()
        return await_(self._wait(timeout))

    async def _wait(self, timeout: float | None) -> Any:  # noqa: ASYNC109 (the pool's own timeout)
        waiter: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        if self.on_wait is not None:
            self.on_wait()
        try:
            async with asyncio.timeout(timeout):
                return await waiter
        except BaseException as exc:
            if waiter.done() and not waiter.cancelled():
                # Handed a connection just as the wait ended (timeout, cancelled request): it goes
                # to the next in line, never lost.
                self.put_nowait(waiter.result())
            else:
                waiter.cancel()
                if waiter in self._waiters:
                    self._waiters.remove(waiter)
            if isinstance(exc, TimeoutError):
                raise Empty() from exc
            raise


class FairAsyncQueuePool(AsyncAdaptedQueuePool):
    """``AsyncAdaptedQueuePool`` that serves waiting checkouts first come, first served.

    ``on_wait`` (a function of no arguments, or None) is called each time a checkout starts to wait
    for a connection, so that one held idle elsewhere (``store._lane.ReadLane``) can be given back;
    ``has_waiters`` says whether any checkout waits now. Both carry over to the pool that ``dispose``
    makes."""

    _queue_class = _FairQueue
    _pool: _FairQueue

    @property
    def on_wait(self) -> Callable[[], None] | None:
        return self._pool.on_wait

    @on_wait.setter
    def on_wait(self, callback: Callable[[], None] | None) -> None:
        self._pool.on_wait = callback

    def has_waiters(self) -> bool:
        return self._pool.has_waiters()

    def recreate(self) -> FairAsyncQueuePool:
        pool = super().recreate()
        assert isinstance(pool, FairAsyncQueuePool)
        pool.on_wait = self.on_wait
        return pool

    # The pool logs under SQLAlchemy's name, as the pool it replaces did ("sqlalchemy.pool", quiet
    # unless asked), not under linkvault's, whose INFO lines would fill the log and the CLI's stderr.
    _sqla_logger_namespace = "sqlalchemy.pool.impl.AsyncAdaptedQueuePool"
