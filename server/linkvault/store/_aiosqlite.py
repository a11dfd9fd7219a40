"""SQLAlchemy's aiosqlite adapter, with one trip to aiosqlite's thread for each statement.

aiosqlite runs every call of a connection on a thread of its own and hands the result back to the
event loop; SQLAlchemy's adapter makes four such calls for each statement (open a cursor, execute,
fetch the rows, close the cursor), and each costs about 80-160 µs of CPU on the benchmark's machine
against a few µs for SQLite's own work on an indexed row (benchmarks/README.md). A callback's two
transactions made 29 calls. Here a statement is one function run in the thread: the cursor is
opened, executed, read to its end and closed there, and what SQLAlchemy asks of the cursor afterwards
(``description``, ``rowcount``, ``lastrowid``, the rows) is kept.

**This is code a library should have done**: neither SQLAlchemy's adapter nor aiosqlite offers one
call for a whole statement with its cursor's attributes (aiosqlite's ``execute_fetchall`` returns
only the rows). The function is handed to aiosqlite's thread through ``Connection._execute``,
aiosqlite's own internal entry, as SQLAlchemy's adapter itself reaches aiosqlite's internals to set
the isolation level. ``create_engine`` passes it as SQLAlchemy's documented ``module`` argument, so the
URL stays ``sqlite+aiosqlite://`` and nothing else of the dialect changes."""

from __future__ import annotations

import asyncio
import collections
import sqlite3
import weakref
from collections.abc import Sequence
from typing import Any, cast

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT

__all__ = ["WRITE_LOCK_TIMEOUT_SECONDS", "dbapi"]

_Outcome = tuple[list[Any], Any, int, int | None]


def _run(connection: sqlite3.Connection, operation: str, parameters: Sequence[Any] | None) -> _Outcome:
    cursor = connection.cursor()
    try:
        cursor.execute(operation, () if parameters is None else parameters)
        # Read to the end: SQLite resets the statement and holds no read snapshot for it afterwards.
        rows = cursor.fetchall() if cursor.description else []
        return rows, cursor.description, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


def _run_many(connection: sqlite3.Connection, operation: str, parameters: Sequence[Any]) -> _Outcome:
    cursor = connection.cursor()
    try:
        cursor.executemany(operation, parameters)
        return [], cursor.description, cursor.rowcount, cursor.lastrowid
    finally:
        cursor.close()


class _Cursor(AsyncAdapt_aiosqlite_cursor):
    """A cursor that exists only in the thread, for the length of one statement."""

    __slots__ = ("_outcome",)

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        # Not the parent's: it opens aiosqlite's cursor, a trip of its own.
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # type: ignore[assignment]
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._outcome: tuple[Any, int, int | None] = (None, -1, None)

    @property
    def description(self) -> Any:
        return self._outcome[0]

    @property
    def rowcount(self) -> int:
        return self._outcome[1]

    @property
    def lastrowid(self) -> Any:
        return self._outcome[2]

    async def _execute_async(self, operation: Any, parameters: Any) -> None:
        await cast("_Connection", self._adapt_connection).before_statement(operation)
        await self._in_thread(_run, operation, parameters)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> None:
        await cast("_Connection", self._adapt_connection).before_statement(operation)
        await self._in_thread(_run_many, operation, seq_of_parameters)

    async def _in_thread(self, function: Any, operation: Any, parameters: Any) -> None:
        connection: Any = self._connection  # an aiosqlite.Connection
        async with self._adapt_connection._execute_mutex:
            rows, description, rowcount, lastrowid = await connection._execute(
                function, connection._conn, operation, parameters
            )
        self._outcome = (description, rowcount, lastrowid)
        self._rows = collections.deque(rows)

    async def _async_soft_close(self) -> None:
        return None

    def close(self) -> None:
        self._rows.clear()


# The statements that make sqlite3 open a transaction (its legacy transaction control begins one
# before each of them when none is open) and so take SQLite's write lock.
_WRITES = ("INSERT", "UPDATE", "DELETE", "REPLACE")


class _Connection(AsyncAdapt_aiosqlite_connection):
    """A connection whose write transactions take the process's write lock first (``_Dbapi``)."""

    __slots__ = ("_writing",)
    _cursor_cls = _Cursor  # type: ignore[assignment]

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self._writing = False

    async def before_statement(self, operation: str) -> None:
        """Wait for the write lock before the statement that begins a write transaction."""
        if self._writing or not operation.lstrip()[:7].upper().startswith(_WRITES):
            return
        if self._connection._conn.in_transaction:
            return  # begun by an explicit BEGIN; not ours to order
        await self.dbapi.acquire_write_lock()
        self._writing = True

    def _end_write(self) -> None:
        if self._writing:
            self._writing = False
            self.dbapi.release_write_lock()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self._end_write()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self._end_write()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self._end_write()

    def end_write_if_idle(self) -> None:
        """Give the write lock back when no transaction is open: a statement that was to begin one
        failed before SQLite began it (the pool calls this as the connection comes back)."""
        if self._writing and not self._connection._conn.in_transaction:
            self._end_write()


class _Dbapi(AsyncAdapt_aiosqlite_dbapi):
    """aiosqlite's DBAPI adapter, with one write lock for all of an engine's connections.

    SQLite lets one transaction write at a time. Two of the process's connections that both want to
    write found out from SQLite, and the one that lost slept in SQLite's busy handler (1, 2, 5, 10 …
    100 ms between retries), while writers that came later could take the lock first: under load,
    start link's p99 was about a second at 8 connections (benchmarks/README.md). Here a write
    transaction waits for the process's ``asyncio.Lock`` (first come, first served) before it begins,
    so SQLite's lock is free when it gets there, unless another process holds it (``serve --workers``,
    the CLI): then SQLite's busy handler waits, as before. The wait is bounded like SQLite's own
    (``busy_timeout``): past it, the statement fails as SQLite would ("database is locked")."""

    def __init__(self, aiosqlite: Any, sqlite: Any) -> None:
        super().__init__(aiosqlite, sqlite)
        # One lock per event loop: an asyncio.Lock belongs to the loop that first waits on it.
        self._write_locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )

    def _write_lock(self) -> asyncio.Lock:
        loop = asyncio.get_running_loop()
        lock = self._write_locks.get(loop)
        if lock is None:
            lock = self._write_locks[loop] = asyncio.Lock()
        return lock

    async def acquire_write_lock(self) -> None:
        try:
            async with asyncio.timeout(WRITE_LOCK_TIMEOUT_SECONDS):
                await self._write_lock().acquire()
        except TimeoutError as exc:
            raise sqlite3.OperationalError("database is locked") from exc

    def release_write_lock(self) -> None:
        self._write_lock().release()

    def connect(self, *arg: Any, **kw: Any) -> _Connection:
        adapted = super().connect(*arg, **kw)
        return _Connection(self, adapted._connection)


# As long as SQLite's own busy timeout (store.database's PRAGMA busy_timeout).
WRITE_LOCK_TIMEOUT_SECONDS = 10.0


def dbapi() -> Any:
    """The DBAPI module to give ``create_async_engine`` as ``module`` for an aiosqlite URL."""
    return _Dbapi(aiosqlite, sqlite3)
