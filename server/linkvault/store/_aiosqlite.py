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

import collections
import sqlite3
import threading
import weakref
from collections.abc import Sequence
from typing import Any

import aiosqlite
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
)
from sqlalchemy.util import EMPTY_DICT, await_

__all__ = ["Dbapi", "Later", "LaterFailed", "dbapi", "end", "run", "run_many"]

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


# Statements put off by their transaction (``store.database.transaction``'s ``execute_later``), each
# with its arguments: they run first in the next trip to the thread.
Later = Sequence[tuple[str, Sequence[Any]]]


class LaterFailed(Exception):
    """Statement ``index`` of a trip's ``later`` failed; its error is the ``__cause__``."""

    def __init__(self, index: int) -> None:
        super().__init__(f"statement {index} put off until this trip failed")
        self.index = index


def _run_later(connection: sqlite3.Connection, later: Later) -> None:
    for index, (operation, parameters) in enumerate(later):
        try:
            connection.execute(operation, parameters).close()
        except Exception as exc:
            raise LaterFailed(index) from exc


def _run_after(
    connection: sqlite3.Connection, later: Later, operation: str, parameters: Sequence[Any]
) -> _Outcome:
    _run_later(connection, later)
    return _run(connection, operation, parameters)


def _commit_after(connection: sqlite3.Connection, later: Later) -> None:
    try:
        _run_later(connection, later)
        connection.commit()
    except BaseException:
        # In the same trip: the write lock goes at once, whatever the event loop does next.
        connection.rollback()
        raise


async def run(connection: Any, operation: str, parameters: Sequence[Any], *, later: Later = ()) -> list[Any]:
    """Run one statement on SQLAlchemy's adapted ``connection`` (a pool's ``dbapi_connection``) in
    aiosqlite's thread, one trip there, after the ``later`` statements put off until it, and return
    its rows, for statements sent without SQLAlchemy's execution machinery
    (``store.database.transaction``). Raises LaterFailed when one of ``later`` fails."""
    driver = connection._connection  # an aiosqlite.Connection
    async with connection._execute_mutex:
        outcome: _Outcome = await driver._execute(_run_after, driver._conn, later, operation, parameters)
    return outcome[0]


def _run_many_after(
    connection: sqlite3.Connection, later: Later, operation: str, parameters: Sequence[Sequence[Any]]
) -> _Outcome:
    _run_later(connection, later)
    return _run_many(connection, operation, parameters)


async def run_many(
    connection: Any, operation: str, parameters: Sequence[Sequence[Any]], *, later: Later = ()
) -> None:
    """``run`` for a statement run once for each of ``parameters`` (sqlite3's ``executemany``)."""
    driver = connection._connection
    async with connection._execute_mutex:
        await driver._execute(_run_many_after, driver._conn, later, operation, parameters)


async def end(connection: Any, *, commit: bool, later: Later = ()) -> None:
    """Commit ``connection``'s transaction after the ``later`` statements put off until then, in one
    trip, or roll it back (``later`` is then dropped); nothing when none is open. A commit that fails
    (LaterFailed when one of ``later`` does) has rolled the transaction back."""
    driver = connection._connection
    async with connection._execute_mutex:
        if commit:
            await driver._execute(_commit_after, driver._conn, later)
        else:
            await driver.rollback()


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
        await self._in_thread(_run, operation, parameters)

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> None:
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


class _Connection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = _Cursor  # type: ignore[assignment]


class Dbapi(AsyncAdapt_aiosqlite_dbapi):
    """SQLAlchemy's aiosqlite DBAPI with ``_Connection``, which knows its connections' threads."""

    def __init__(self, aiosqlite_module: Any, sqlite_module: Any) -> None:
        super().__init__(aiosqlite_module, sqlite_module)
        # Each connection's worker thread, with a weak reference to the connection, until it ends.
        self._threads: list[tuple[weakref.ref[aiosqlite.Connection], threading.Thread]] = []

    def connect(self, *arg: Any, **kw: Any) -> _Connection:
        # SQLAlchemy's own, but the thread is noted before the connection is awaited: a task cancelled
        # while connecting leaves it running, to close the connection it then opens.
        connection = aiosqlite.connect(*arg, **kw)
        connection._thread.daemon = True
        self._threads = [(ref, thread) for ref, thread in self._threads if thread.is_alive()]
        self._threads.append((weakref.ref(connection), connection._thread))
        return _Connection(self, await_(connection))  # type: ignore[arg-type]  # as SQLAlchemy's own

    def stopping(self) -> list[threading.Thread]:
        """The threads of stopped connections that are still running, for the caller to wait for.

        aiosqlite stops a connection whose opening was cancelled (a server stopped while it starts:
        ``linkvault serve`` on a port in use) without waiting, as SQLAlchemy terminates one it gives
        up on: its thread finishes what it was doing, then hands the outcome to the event loop. Were
        the loop closed by then, the thread would die printing "RuntimeError: Event loop is closed"
        after the process's last line. Connections still open (in use elsewhere) are not included."""
        return [
            thread for ref, thread in self._threads
            if thread.is_alive() and ((connection := ref()) is None or not connection._running)
        ]  # fmt: skip


def dbapi() -> Dbapi:
    """The DBAPI module to give ``create_async_engine`` as ``module`` for an aiosqlite URL."""
    return Dbapi(aiosqlite, sqlite3)
