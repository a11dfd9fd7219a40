"""Database engine and sessions for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

import asyncio
import functools
import logging
import os
import sqlite3
import threading
import time
import urllib.parse
import urllib.request
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import asyncpg
import sqlalchemy
from sqlalchemy import Delete, Executable, Insert, Select, Table, Update, event, text
from sqlalchemy.engine import Connection, Dialect, Row, make_url
from sqlalchemy.exc import (
    DBAPIError,
    DisconnectionError,
    EmulatedDBAPIException,
    IntegrityError,
    OperationalError,
    SQLAlchemyError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import (
    AsyncConnection,
    AsyncEngine,
    AsyncSession,
    AsyncSessionTransaction,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import NullPool, PoolProxiedConnection, PoolResetState, QueuePool
from sqlalchemy.sql.util import find_tables
from sqlalchemy.util import greenlet_spawn

from linkvault.errors import ConfigurationError, Conflict, DatabaseUnavailable, InvalidInput, LinkvaultError
from linkvault.store import _aiosqlite
from linkvault.store._lane import ReadLane
from linkvault.store._pool import FairAsyncQueuePool
from linkvault.store.postgresql_url import asyncpg_connect_args
from linkvault.text import is_valid_text

__all__ = [
    "Reader",
    "Statements",
    "as_statements",
    "check_connection",
    "connect",
    "create_engine",
    "create_sessionmaker",
    "dispose",
    "flush_or_conflict",
    "is_integrity_error",
    "is_unavailable",
    "ping",
    "sqlite_path",
    "transaction",
    "translate_unavailable",
    "write_first",
]

logger = logging.getLogger(__name__)

# What a database that cannot be reached looks like, whichever layer notices: the DBAPI's
# OperationalError (SQLite cannot open its file, PostgreSQL closed the connection), SQLAlchemy's pool
# timeout, the socket's own errors (refused, reset, timed out), which asyncpg raises unwrapped while
# connecting, and asyncpg's connection-class and shutdown errors (SQLSTATE classes 08, 53 and 57).
_UNAVAILABLE: tuple[type[BaseException], ...] = (
    OperationalError,
    # sqlite3's own, from statements sqlite3 runs without SQLAlchemy (``transaction``) and from
    # opening a connection for them.
    sqlite3.OperationalError,
    PoolTimeout,
    OSError,
    asyncpg.PostgresConnectionError,
    asyncpg.exceptions.InsufficientResourcesError,
    asyncpg.exceptions.OperatorInterventionError,
    # The server refuses our login (a role without LOGIN, a changed password, pg_hba.conf) or no
    # longer has our database: nothing a request can fix, and a retry works once the operator has.
    asyncpg.exceptions.InvalidAuthorizationSpecificationError,
    asyncpg.exceptions.InvalidCatalogNameError,
    # Our tables are gone: the database was dropped and made again, or is being restored. /readyz
    # says schema_not_current; requests wait like any outage until `linkvault db upgrade` or the
    # restore is done (SQLite's "no such table" is an OperationalError, above).
    asyncpg.exceptions.UndefinedTableError,
)
# The severities of a PostgreSQL error after which the server has closed the session.
_SESSION_ENDED = frozenset({"FATAL", "PANIC"})
_UNAVAILABLE_MESSAGE = "the database is unavailable; try again later"


def sqlite_path(database_url: str) -> Path | None:
    """The database file of an SQLite URL, or None for another database (or an in-memory one)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    if url.query.get("uri") == "true" and url.database.startswith("file:"):
        # A URI filename (https://sqlite.org/uri.html), as create_engine makes for an existing file.
        parsed = urllib.parse.urlsplit(url.database)
        if url.query.get("mode") == "memory" or not parsed.path:
            return None
        return Path(urllib.request.url2pathname(parsed.path))
    return Path(url.database)


# SQLAlchemy's default pool keeps 5 connections and closes any overflow connection when it comes
# back, so a sustained load above 5 concurrent requests opens a connection per request (on
# PostgreSQL a TCP and TLS handshake and authentication, on SQLite a new aiosqlite thread).
# PostgreSQL: the settings' defaults, 20 kept, cover one worker's usual concurrency and 10 more
# absorb bursts (3 replicas stay under PostgreSQL's default of 100 connections). SQLite: one
# connection. SQLite has one writer, and with several connections a process's concurrent write
# transactions met its lock and waited in SQLite's busy handler, which sleeps 1, 2, 5 ... 100 ms
# between tries while later writers slip in: start link's p99 at 8 connections was 0.7-1.8 s (p50 10
# ms), 25 ms with one connection, whose checkouts the pool serves in arrival order
# (benchmarks/README.md). The hot reads do not use the pool (``_InlineReader``), and no transaction
# waits on anything but the database (the provider and webhook calls are made between transactions).
# Other processes on the file still meet the lock, and wait for it as before.
_SQLITE_POOL = {"pool_size": 1, "max_overflow": 0}
# How long closing an engine waits for the threads of SQLite connections stopped without waiting.
_THREADS_STOP_SECONDS = 5.0


def create_engine(database_url: str, *, pool_size: int = 20, max_overflow: int = 10) -> AsyncEngine:
    """The engine for ``database_url`` (an SQLite or PostgreSQL URL the settings accepted). On
    PostgreSQL its pool keeps ``pool_size`` connections and opens up to ``max_overflow`` more under
    load (``LINKVAULT_DATABASE_POOL_SIZE`` and ``LINKVAULT_DATABASE_MAX_OVERFLOW``); SQLite always
    has one connection, whatever they say."""
    url = make_url(database_url)
    path = sqlite_path(database_url)
    if path is not None and path.exists() and not url.query:
        # An existing database is opened read-write without create: a file moved or deleted under a
        # running server is then "unable to open" (503) until it is back, instead of a new empty
        # database at the path that the pool's connections would keep using afterwards.
        url = url.set(database=path.resolve().as_uri(), query={"mode": "rw", "uri": "true"})
    # No pool_pre_ping: it costs a round trip on every checkout, two per credentials read, to catch
    # a connection that died while pooled, which the first statement on it catches anyway: the
    # disconnect invalidates the whole pool (every older connection is replaced at its next
    # checkout) and that one request answers 503 with Retry-After, like any request during an outage.
    # Checkouts beyond the pool's size are served in arrival order (store/_pool.py).
    if url.get_backend_name() != "sqlite":
        # libpq's names (sslmode, connect_timeout) become asyncpg's, and numbers numbers.
        url, connect_args = asyncpg_connect_args(url)
        engine = create_async_engine(
            url,
            poolclass=FairAsyncQueuePool,
            pool_size=pool_size,
            max_overflow=max_overflow,
            connect_args=connect_args,
        )
    else:
        # The pool's rollback on return is done by _rollback_open_transaction, only when needed.
        engine = create_async_engine(
            url,
            module=_aiosqlite.dbapi(),
            poolclass=FairAsyncQueuePool,
            pool_reset_on_return=None,
            **_SQLITE_POOL,
        )
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
        event.listen(engine.sync_engine, "reset", _rollback_open_transaction)
        if path is not None:
            _follow_the_file(engine, path)
    event.listen(engine.sync_engine, "before_cursor_execute", _refuse_invalid_text)
    return engine


def _file_identity(path: Path) -> tuple[int, int] | None:
    """The file at ``path`` (device and inode), or None when there is none."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


class _DatabaseFile:
    """The SQLite file an engine serves, followed at its path.

    A pooled connection keeps the file it opened, wherever that file goes: after the database is
    moved or deleted under a running server, it would go on reading and writing the old file. Each
    connection notes the file it opened, and a checkout (one ``stat``) that finds another file at the
    path, or none, retires the connection (SQLAlchemy's disconnect on checkout); its replacement opens
    the file now at the path, or fails as a database that cannot be opened (503) while there is none.

    A file moved back is the same file and is served again. Another file put in the database's place
    (a restore) is refused until the server restarts: the write-ahead log beside it
    (``<name>-wal``, which the running server keeps open) belongs to the old database, and SQLite would
    apply it to the new file, undoing the restore or corrupting it. SQLite cannot fold that log into a
    moved file, so it stays even after the server stops: the restart must delete it first."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.original = _file_identity(path)  # None until a database created by this engine exists
        self._warned = False

    def refuse_a_replacement(self) -> None:
        """Raise sqlite3.OperationalError when another file than the database's own is at the path."""
        found = _file_identity(self.path)
        if found is None or self.original is None or found == self.original:
            return
        if not self._warned:
            self._warned = True
            logger.warning(
                "the database file %s was replaced under the running server; it is not opened, since the "
                "write-ahead log beside it belongs to the old file: stop linkvault, delete %s-wal and "
                "%s-shm, then start it, and run no linkvault command before (any would open the file and "
                "apply the old log to it) (docs/deployment.md, Backups)",
                self.path,
                self.path,
                self.path,
            )
        raise sqlite3.OperationalError(f"the database file {self.path} was replaced under the running server")

    def opened(self, identity: tuple[int, int] | None) -> None:
        if self.original is None:
            self.original = identity


# The followed file of each SQLite engine (``_follow_the_file``); its inline reader consults it too.
_DATABASE_FILES: weakref.WeakKeyDictionary[AsyncEngine, _DatabaseFile] = weakref.WeakKeyDictionary()


def _follow_the_file(engine: AsyncEngine, path: Path) -> None:
    """See ``_DatabaseFile``."""
    database_file = _DATABASE_FILES[engine] = _DatabaseFile(path)

    def connecting(*_args: Any) -> None:
        database_file.refuse_a_replacement()

    def opened(_dbapi_connection: Any, record: Any) -> None:
        record.info["file"] = identity = _file_identity(path)
        database_file.opened(identity)

    def checked_out(_dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        if _file_identity(path) != record.info.get("file"):
            raise DisconnectionError("the database file was moved, deleted or replaced")

    event.listen(engine.sync_engine, "do_connect", connecting)
    event.listen(engine.sync_engine, "connect", opened)
    event.listen(engine.sync_engine, "checkout", checked_out)


def _rollback_open_transaction(dbapi_connection: Any, _record: Any, reset_state: PoolResetState) -> None:
    # What the pool's reset on return does (a connection goes back with no transaction open), but
    # asked of SQLite first: aiosqlite hands a rollback to its thread and back (about 100 µs) even
    # when nothing is open, which after every committed transaction is the usual case.
    if reset_state.asyncio_safe and dbapi_connection.driver_connection.in_transaction:
        dbapi_connection.rollback()


def _refuse_invalid_text(
    _connection: Any, _cursor: Any, _statement: str, parameters: Any, _context: Any, _executemany: bool
) -> None:
    # PostgreSQL text cannot hold NUL and SQLite truncates at it in places; refusing it here, for
    # every statement, keeps both databases alike and turns a value that slipped past the request's
    # checks into a client error, not a 500.
    _check_text(parameters)


def _check_text(parameters: Any) -> None:
    if not is_valid_text(parameters):
        raise InvalidInput("text must not contain NUL characters or lone surrogates")


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    # Cascading deletes need foreign keys on; WAL lets readers run beside the one writer, and the
    # busy timeout makes a second writer wait instead of failing with "database is locked".
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=10000")
    cursor.close()


def _driver_error(exc: BaseException) -> BaseException:
    """The driver's own exception under SQLAlchemy's wrappers: a DBAPIError's ``orig``, and the
    asyncpg dialect's emulated DBAPI error's ``orig`` under that (a connection that cannot be opened
    is wrapped twice on the way through ``AsyncEngine.connect``, once through ``raw_connection``)."""
    seen = 0
    while isinstance(exc, (DBAPIError, EmulatedDBAPIException)) and seen < 4:
        inner = exc.orig
        if inner is None or inner is exc:
            break
        exc, seen = inner, seen + 1
    return exc


def is_unavailable(exc: BaseException) -> bool:
    """Whether ``exc`` says the database cannot be reached or refuses us (rather than refusing a
    statement): the connection failed or was lost, the pool is exhausted, the server is full, starting
    up, shutting down, refusing our login or missing our database.

    A domain error never is: it was raised on purpose, even if a socket error lies somewhere below it
    (a provider that cannot be reached is not the database)."""
    if isinstance(exc, LinkvaultError):
        return False
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True
    driver = _driver_error(exc)
    # PostgreSQL ends the session on a FATAL error, whatever its SQLSTATE: at connection start for
    # a database that accepts no connections (55000, a class that otherwise names a statement's
    # mistake), a role's limit or its login refused. ``severity_en`` is never translated.
    if isinstance(driver, asyncpg.PostgresError) and getattr(driver, "severity_en", None) in _SESSION_ENDED:
        return True
    return isinstance(exc, _UNAVAILABLE) or isinstance(driver, _UNAVAILABLE)


def _unavailable(exc: BaseException) -> DatabaseUnavailable:
    """The DatabaseUnavailable for ``exc``, with the driver's reason for the operator's log line (the
    driver's first line names the fault, e.g. ``too many connections for role "linkvault"``; it holds
    no password)."""
    driver = _driver_error(exc)
    first_line = (str(driver).strip().splitlines() or [""])[0]
    reason = f"{type(driver).__name__}: {first_line}" if first_line else type(driver).__name__
    return DatabaseUnavailable(_UNAVAILABLE_MESSAGE, reason=reason[:300])


@contextmanager
def translate_unavailable() -> Iterator[None]:
    """The one seam where an unreachable database becomes ``DatabaseUnavailable``; every other
    exception passes unchanged. Sessions apply it on exit; other database work runs inside it."""
    try:
        yield
    except Exception as exc:
        if is_unavailable(exc):
            raise _unavailable(exc) from exc
        raise


async def _exit_translated(exit_: Awaitable[None], value: BaseException | None) -> None:
    """Run a session's or transaction's ``__aexit__``: what it raises, or the error that ended the block,
    becomes ``DatabaseUnavailable`` when the database could not be reached."""
    with translate_unavailable():
        await exit_
    if value is not None and is_unavailable(value):
        raise _unavailable(value) from value


class _Transaction(AsyncSessionTransaction):
    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        await _exit_translated(super().__aexit__(type_, value, traceback), value)


class _Session(AsyncSession):
    """A session whose blocks end in ``DatabaseUnavailable`` when the database cannot be reached, at
    whatever statement, flush or commit that showed it; ``sessions.begin()`` goes through ``begin``."""

    def begin(self) -> AsyncSessionTransaction:
        return _Transaction(self)

    async def __aexit__(self, type_: Any, value: Any, traceback: Any) -> None:
        await _exit_translated(super().__aexit__(type_, value, traceback), value)


class Reader(Protocol):
    """A connection for single-row Core reads (``connect``)."""

    async def first(self, statement: Executable, parameters: Mapping[str, Any], /) -> Sequence[Any] | None:
        """The statement's first row (its columns in order), or None when it has none."""
        ...


class _AtOnce:
    """``execute_later`` for transactions that gain nothing by putting a statement off."""

    async def execute_later(
        self: Statements,
        statement: Executable,
        parameters: Mapping[str, Any],
        /,
        *,
        conflict: str | None = None,
    ) -> None:
        """``Statements.execute_later``: the statement runs now."""
        with integrity_as_conflict(conflict):
            await self.execute(statement, parameters)


class _ConnectionStatements(_AtOnce):
    """Statements sent through SQLAlchemy's ``AsyncConnection``: a session's transaction, and the
    reads that cannot take a lighter way (``_PostgresReader``, ``_InlineReader``)."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._connection = connection
        self.dialect_name = connection.dialect.name

    async def first(self, statement: Executable, parameters: Mapping[str, Any], /) -> Sequence[Any] | None:
        row: Row[Any] | None = (await self._connection.execute(statement, parameters)).first()
        return row

    async def all(self, statement: Executable, parameters: Mapping[str, Any], /) -> list[Sequence[Any]]:
        return list((await self._connection.execute(statement, parameters)).all())

    async def execute(self, statement: Executable, parameters: Mapping[str, Any], /) -> None:
        await self._connection.execute(statement, parameters)

    async def execute_many(self, statement: Executable, rows: Sequence[Mapping[str, Any]], /) -> None:
        await self._connection.execute(statement, list(rows))


@dataclass(frozen=True)
class _Compiled:
    """A Core statement compiled once for its driver: its SQL, its parameters' names in positional
    order (``$n`` for asyncpg, ``?`` for sqlite3), and the bind and result processors SQLAlchemy
    would apply (``UtcDateTime``, JSON, SQLite's UUIDs as text)."""

    sql: str
    names: tuple[str, ...]
    binders: tuple[Callable[[Any], Any] | None, ...]
    results: tuple[Callable[[Any], Any] | None, ...]
    # The values the statement holds itself (``column == 5``), by name; a ``bindparam`` without one
    # must be given.
    values: Mapping[str, Any]

    def arguments(self, parameters: Mapping[str, Any]) -> list[Any]:
        """The driver's arguments, in order; InvalidInput for text no database may hold, as for every
        statement SQLAlchemy sends (``_refuse_invalid_text``). KeyError for a parameter not given."""
        values = (parameters[name] if name in parameters else self.values[name] for name in self.names)
        arguments = [
            value if binder is None else binder(value)
            for binder, value in zip(self.binders, values, strict=True)
        ]
        _check_text(arguments)
        return arguments

    def row(self, record: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            value if process is None else process(value)
            for process, value in zip(self.results, record, strict=True)
        )


_Statement = Select[Any] | Insert | Update | Delete
_STATEMENTS = (Select, Insert, Update, Delete)


@functools.lru_cache(maxsize=128)
def _compile(statement: _Statement, dialect: Dialect) -> _Compiled:
    compiled = statement.compile(dialect=dialect)
    names = tuple(compiled.positiontup or ())
    return _Compiled(
        sql=str(compiled),
        names=names,
        binders=tuple(
            compiled.binds[name].type.dialect_impl(dialect).bind_processor(dialect) for name in names
        ),
        values={name: bind.effective_value for name, bind in compiled.binds.items() if not bind.required},
        results=tuple(
            column.type.dialect_impl(dialect).result_processor(dialect, None)
            # A select's columns, or what an INSERT, UPDATE or DELETE returns (RETURNING).
            for column in statement.exported_columns
        ),
    )


class _PostgresReader:
    """PostgreSQL reads by key sent by asyncpg itself, on a raw connection from SQLAlchemy's pool.

    The statement is SQLAlchemy's, compiled once (``_compile``), with SQLAlchemy's own bind and
    result processors applied; what is skipped is SQLAlchemy's execution machinery (greenlet switch,
    execution context, cursor adapter, result buffering) and its ``AsyncConnection`` around the pooled
    connection, which together cost more than the round trip itself: measured on this project's
    machine, 290-320 µs of CPU a read through an ``AsyncConnection`` against 210 µs this way
    (benchmarks/README.md). asyncpg prepares each statement once per connection (its statement cache).
    A connection that fails as an unreachable database does, or that the server closed, is invalidated
    (it leaves the pool), with every connection opened before it (replaced at its next checkout), and
    the read ends in ``DatabaseUnavailable``, as SQLAlchemy does on a disconnect."""

    def __init__(self, engine: AsyncEngine, connection: PoolProxiedConnection) -> None:
        self._engine = engine
        self._connection = connection

    async def first(self, statement: Executable, parameters: Mapping[str, Any], /) -> Sequence[Any] | None:
        if not isinstance(statement, _STATEMENTS):
            async with self._engine.connect() as connection:
                return await _ConnectionStatements(connection).first(statement, parameters)
        read = _compile(statement, self._engine.dialect)
        arguments = read.arguments(parameters)
        driver = self._connection.driver_connection
        assert driver is not None  # checked out, so connected
        try:
            record = await driver.fetchrow(read.sql, *arguments)
        except Exception as exc:
            await _after_postgres_error(self._engine, self._connection, exc)
            raise
        return None if record is None else read.row(record)


async def _after_postgres_error(
    engine: AsyncEngine, connection: PoolProxiedConnection, exc: Exception
) -> None:
    """Raise DatabaseUnavailable, after invalidating the pool, when ``exc`` (raised by asyncpg on
    ``connection``) says the database cannot be reached; return otherwise."""
    driver = connection.driver_connection
    # A connection the server closed while it sat in the pool fails as "connection is closed"
    # (asyncpg's InterfaceError) when asyncpg noticed before the statement was sent.
    if is_unavailable(exc) or (driver is not None and driver.is_closed()):
        # As SQLAlchemy does on a disconnect (Connection._handle_dbapi_exception): the pool's other
        # connections date from before it too (a restart, a failover closes them all), so each is
        # replaced at its next checkout instead of failing one request of its own.
        await greenlet_spawn(engine.sync_engine.pool._invalidate, connection, exc)
        raise _unavailable(exc) from exc


# SQLITE_BUSY and SQLITE_LOCKED (https://sqlite.org/rescode.html), extended codes included.
_BUSY = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})


class _InlineReader:
    """SQLite reads run on the event loop's own thread. An indexed lookup in WAL mode costs SQLite a
    few microseconds and never waits for a lock, while aiosqlite hands every cursor call to its
    thread and back (measured on this project's 2-core machine: about 300 µs a statement against 25
    µs inline, benchmarks/README.md).

    Each thread keeps one connection (``check_same_thread`` off only so that ``close`` may close them
    all from any thread); a read runs without yielding, so no two reads ever share one. After each
    read the connection's transaction is rolled back: SQLite holds no snapshot between statements in
    autocommit mode, and SQLAlchemy's begun transaction ends, so the next read sees every commit.

    The connections are ``query_only`` (they can never take the write lock, so never wait for a
    writer) with ``busy_timeout=0``: where SQLite would still make a reader wait (a WAL index being
    rebuilt, another process holding the file exclusively), the read fails at once and is run again
    the ordinary async way, which waits off the event loop.

    Before each read the file at the database's path is checked (one ``stat``) to be the one the
    connection opened: a database moved, deleted or replaced under a running server is then read as
    the rest of the server reads it, the async way, not from a kept connection to the old file."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        path = sqlite_path(engine.url.render_as_string(hide_password=False))
        assert path is not None, "an inline reader needs an SQLite file"
        self._path = path
        self._sync_engine = sqlalchemy.create_engine(
            engine.url.set(drivername="sqlite+pysqlite"),
            poolclass=NullPool,
            connect_args={"check_same_thread": False},
        )
        event.listen(self._sync_engine, "before_cursor_execute", _refuse_invalid_text)
        event.listen(self._sync_engine, "connect", _configure_inline_reader)
        self._local = threading.local()
        self._connections: list[Connection] = []
        self._lock = threading.Lock()

    def _connection(self) -> Connection | None:
        """This thread's connection, opened when needed; None when the database file is not the one
        it has open (moved, deleted or replaced: the other connections see the file at the path, so
        this one must not answer from another), or is another file than the database's own (a
        replacement, which the pool refuses: ``_DatabaseFile``)."""
        connection: Connection | None = getattr(self._local, "connection", None)
        file = _file_identity(self._path)
        if connection is not None and not connection.closed:
            if file == self._local.file:
                return connection
            self._discard()
        database_file = _DATABASE_FILES.get(self._engine)
        if file is None or (
            database_file is not None
            and database_file.original is not None
            and file != database_file.original
        ):
            return None
        connection = self._sync_engine.connect()
        self._local.connection, self._local.file = connection, file
        with self._lock:
            self._connections.append(connection)
        return connection

    async def first(self, statement: Executable, parameters: Mapping[str, Any], /) -> Sequence[Any] | None:
        try:
            connection = self._connection()
            if connection is None:
                return await self._first_async(statement, parameters)
            if not isinstance(statement, Select):
                try:
                    return connection.execute(statement, parameters).first()
                finally:
                    connection.rollback()
            return self._first_compiled(connection, statement, parameters)
        except (OperationalError, sqlite3.OperationalError) as exc:
            error = exc.orig if isinstance(exc, OperationalError) else exc
            if getattr(error, "sqlite_errorcode", 0) & 0xFF not in _BUSY:
                self._discard()
                if isinstance(exc, sqlite3.OperationalError):
                    raise _unavailable(exc) from exc
                raise
        return await self._first_async(statement, parameters)

    def _first_compiled(
        self, connection: Connection, statement: Select[Any], parameters: Mapping[str, Any]
    ) -> Sequence[Any] | None:
        """The read sent by ``sqlite3`` itself, compiled once as on PostgreSQL (``_compile``):
        SQLAlchemy's execution machinery cost several times what SQLite does for an indexed lookup."""
        read = _compile(statement, connection.dialect)
        arguments = read.arguments(parameters)
        driver = connection.connection.driver_connection
        assert driver is not None  # kept open by this reader
        # fetchall runs the statement to its end, so SQLite resets it and holds no read snapshot
        # after it (in autocommit mode, which a SELECT leaves sqlite3 in).
        rows = driver.execute(read.sql, arguments).fetchall()
        return read.row(rows[0]) if rows else None

    async def _first_async(
        self, statement: Executable, parameters: Mapping[str, Any]
    ) -> Sequence[Any] | None:
        async with self._engine.connect() as async_connection:
            return await _ConnectionStatements(async_connection).first(statement, parameters)

    def _discard(self) -> None:
        """Close this thread's connection: whatever broke it (the file, the disk), the next read opens
        a new one."""
        connection: Connection | None = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            with self._lock:
                # close() may have taken it already (the engine disposed from another thread).
                if connection in self._connections:
                    self._connections.remove(connection)
            connection.close()

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
        for connection in connections:
            connection.close()
        self._sync_engine.dispose()


def _configure_inline_reader(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA query_only=ON")
    cursor.execute("PRAGMA busy_timeout=0")
    cursor.close()


# The inline readers of SQLite engines, made at their first read; ``dispose`` closes them.
_INLINE_READERS: weakref.WeakKeyDictionary[AsyncEngine, _InlineReader] = weakref.WeakKeyDictionary()


def _inline_reader(engine: AsyncEngine) -> _InlineReader:
    reader = _INLINE_READERS.get(engine)
    if reader is None:
        reader = _INLINE_READERS[engine] = _InlineReader(engine)
    return reader


# The read lanes of PostgreSQL engines, made at their first use; ``dispose`` empties them.
_READ_LANES: weakref.WeakKeyDictionary[AsyncEngine, ReadLane] = weakref.WeakKeyDictionary()


def _read_lane(engine: AsyncEngine) -> ReadLane:
    lane = _READ_LANES.get(engine)
    if lane is None:
        pool = engine.sync_engine.pool
        # Half the pool at most kept idle for the reads, so that sessions find the rest at once, and a
        # session that has to wait is handed the idle ones; it also bounds how many reads run at
        # once while the pool has no idle connection, so a larger pool lets more run (a database far
        # away needs them). A pool of fewer than four connections keeps none.
        size = pool.size() // 2 if isinstance(pool, QueuePool) and pool.size() >= 4 else 0
        lane = _READ_LANES[engine] = ReadLane(engine, size=size)
    return lane


def in_use_counter(engine: AsyncEngine) -> Callable[[], int]:
    """A function telling how many of ``engine``'s pooled connections are checked out now, less those
    its read lane keeps idle between reads (``ReadLane``); always 0 for a pool that does not count
    them. The pool and the lane are looked up once: it is called at every checkout, checkin and read."""
    checked_out: Callable[[], int] | None = getattr(engine.sync_engine.pool, "checkedout", None)
    if checked_out is None:
        return lambda: 0
    if engine.dialect.name == "sqlite":  # its reads use no pooled connection: no lane
        return checked_out
    lane = _read_lane(engine)
    return lambda: checked_out() - lane.kept


def watch_kept_connections(engine: AsyncEngine, changed: Callable[[], None]) -> None:
    """Call ``changed()`` after a connection that served a read is kept checked out, idle, for the
    next one (``ReadLane``), and after it is used again or goes back to the pool; nothing for SQLite,
    whose reads use no pooled connection."""
    if engine.dialect.name != "sqlite":
        _read_lane(engine).watch(changed)


async def dispose(engine: AsyncEngine) -> None:
    """Close ``engine``'s pooled connections, those its read lane keeps, and those of its inline
    SQLite reader, and wait for the threads of SQLite connections that were stopped (``Dbapi.stopping``)."""
    reader = _INLINE_READERS.pop(engine, None)
    if reader is not None:
        reader.close()
    lane = _READ_LANES.get(engine)
    if lane is not None:
        await lane.close()
    await engine.dispose()
    dbapi = engine.dialect.loaded_dbapi
    if isinstance(dbapi, _aiosqlite.Dbapi):
        # One deadline for them all: a shutdown waits at most that long, however many there are.
        deadline = time.monotonic() + _THREADS_STOP_SECONDS
        for thread in dbapi.stopping():
            # In another thread, so that the event loop takes the thread's last call meanwhile.
            await asyncio.to_thread(thread.join, max(0.0, deadline - time.monotonic()))


@asynccontextmanager
async def connect(engine: AsyncEngine) -> AsyncIterator[Reader]:
    """A connection for single-statement Core reads by key, without an ORM session: the hot path (the
    credentials read) reads a few columns by key, where a session's identity map, object loading and
    transaction cost more than the statement. On PostgreSQL a pooled connection whose reads asyncpg
    sends itself (``_PostgresReader``); on SQLite the statements run inline on the event loop
    (``_InlineReader``). Ends in ``DatabaseUnavailable`` when the database cannot be reached."""
    with translate_unavailable():
        if engine.dialect.name == "sqlite":
            yield _inline_reader(engine)
            return
        # No transaction: asyncpg runs a statement outside one in autocommit, and the pool's rollback
        # on return costs nothing where none was begun, so a read is one round trip, without BEGIN
        # and ROLLBACK.
        lane = _read_lane(engine)
        connection, generation = await lane.acquire(engine)
        reusable = False
        try:
            yield _PostgresReader(engine, connection)
            reusable = True
        finally:
            await lane.release(engine, connection, generation, reusable=reusable)


async def write_first(
    engine: AsyncEngine, statement: Select[Any] | Update, parameters: Mapping[str, Any]
) -> Sequence[Any] | None:
    """Run one statement that changes rows (an ``UPDATE … RETURNING``, or on PostgreSQL a select over
    one in a ``WITH``) as a transaction of its own, and return its first row (its columns in order),
    or None when it returned none. On PostgreSQL asyncpg sends it outside an explicit transaction,
    where PostgreSQL commits it alone: one round trip where a session's transaction takes three
    (``BEGIN``, the statement, ``COMMIT``), on a connection checked out of the pool as a session's is
    (served before the reads waiting, ``store._lane``). On SQLite, in a transaction of the engine's.
    Raises DatabaseUnavailable when the database cannot be reached, and the statement's own errors."""
    with translate_unavailable():
        if engine.dialect.name == "sqlite":
            async with engine.begin() as transaction:
                return await _ConnectionStatements(transaction).first(statement, parameters)
        connection = await engine.raw_connection()
        try:
            return await _PostgresReader(engine, connection).first(statement, parameters)
        finally:
            await greenlet_spawn(connection.close)


class Statements(Reader, Protocol):
    """The statements of one transaction (``transaction``, or a session's: ``as_statements``), each a
    Core statement with its parameters by name. Rows come back as tuples of their columns in order.
    ``dialect_name`` (``sqlite``, ``postgresql``) is for the few statements written for each apart."""

    @property
    def dialect_name(self) -> str: ...

    async def all(self, statement: Executable, parameters: Mapping[str, Any], /) -> list[Sequence[Any]]:
        """Every row of the statement."""
        ...

    async def execute(self, statement: Executable, parameters: Mapping[str, Any], /) -> None:
        """Run a statement that returns nothing (an INSERT, UPDATE or DELETE without RETURNING)."""
        ...

    async def execute_many(self, statement: Executable, rows: Sequence[Mapping[str, Any]], /) -> None:
        """Run the statement once for each of ``rows`` (an INSERT of several rows)."""
        ...

    async def execute_later(
        self, statement: Executable, parameters: Mapping[str, Any], /, *, conflict: str | None = None
    ) -> None:
        """``execute``, for a statement whose outcome the caller does not wait for: it may be put off
        until the transaction's next statement or its commit, and runs before either, in order. On
        SQLite it then goes in the same trip to aiosqlite's thread (each trip costs more than SQLite's
        work on a row: benchmarks/README.md); on PostgreSQL, in the next statement that returns rows,
        as a data-modifying ``WITH``, where no two of them touch the same table (``_folded``); in a
        session's transaction it runs at once. Its errors are raised where it runs; a constraint it
        breaks, as Conflict(``conflict``) when that is given."""
        ...


async def as_statements(session: AsyncSession) -> Statements:
    """The session's transaction as ``Statements``, its pending ORM changes flushed first (as a query
    would), so that a statement may refer to the rows they make."""
    await session.flush()
    return _ConnectionStatements(await session.connection())


class _DriverTransaction:
    """What the two drivers' transactions share: statements compiled once for the engine's dialect."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._dialect = engine.dialect
        self.dialect_name = engine.dialect.name

    def _compiled(self, statement: Executable) -> _Compiled:
        assert isinstance(statement, _STATEMENTS), statement
        return _compile(statement, self._dialect)


# A statement put off on PostgreSQL (``execute_later``): it, its parameters by name, its Conflict.
_HeldBack = tuple[_Statement, Mapping[str, Any], str | None]


class _PostgresTransaction(_DriverTransaction):
    """A transaction whose statements asyncpg sends itself, compiled once (``_compile``), as the
    hot path's reads are (``_PostgresReader``), on a connection checked out of SQLAlchemy's pool.

    asyncpg sends one statement a round trip, so a statement put off (``execute_later``) rides in the
    next statement that returns rows, as a data-modifying ``WITH`` (``_folded``), where the two cannot
    tell; otherwise, and before the commit, it runs alone."""

    def __init__(self, engine: AsyncEngine, connection: PoolProxiedConnection) -> None:
        super().__init__(engine)
        self._engine = engine
        self._connection = connection
        driver = connection.driver_connection
        assert driver is not None  # checked out, so connected
        self._driver: asyncpg.Connection = driver
        self._transaction: Any = None
        self._later: list[_HeldBack] = []

    async def _call(self, operation: Callable[[], Awaitable[Any]]) -> Any:
        try:
            return await operation()
        except Exception as exc:
            await _after_postgres_error(self._engine, self._connection, exc)
            raise

    async def begin(self) -> None:
        # The transaction is made under ``_call``: asyncpg refuses one on a connection the server
        # ended while it sat in the pool, and that refusal is a 503 like any lost connection.
        async def start() -> None:
            self._transaction = self._driver.transaction()
            await self._transaction.start()

        await self._call(start)

    async def commit(self) -> None:
        await self._run_later()
        await self._call(self._transaction.commit)

    async def rollback(self) -> None:
        self._later.clear()
        await self._call(self._transaction.rollback)

    async def execute_later(
        self, statement: Executable, parameters: Mapping[str, Any], /, *, conflict: str | None = None
    ) -> None:
        """``Statements.execute_later``: compiled and checked now (InvalidInput for text no database may
        hold), sent with the next statement that returns rows, or alone before any other."""
        assert isinstance(statement, Insert | Update | Delete), statement
        self._compiled(statement).arguments(parameters)
        self._later.append((statement, parameters, conflict))

    async def _run_later(self) -> None:
        later, self._later = self._later, []
        await self._send_each(later)

    async def _send_each(self, later: list[_HeldBack]) -> None:
        for statement, parameters, conflict in later:
            with integrity_as_conflict(conflict):
                await self._send(statement, parameters)

    async def _send(self, statement: _Statement, parameters: Mapping[str, Any]) -> None:
        compiled = self._compiled(statement)
        arguments = compiled.arguments(parameters)
        await self._call(lambda: self._driver.execute(compiled.sql, *arguments))

    async def _fetch(self, statement: Executable, parameters: Mapping[str, Any]) -> list[Sequence[Any]]:
        """The rows of ``statement``, with what was put off folded in where it can be, else sent first."""
        assert isinstance(statement, _STATEMENTS), statement
        later, self._later = self._later, []
        folded = _folded(statement, tuple(entry[0] for entry in later)) if later else None
        conflict = None
        if folded is None:
            await self._send_each(later)
            folded, merged = statement, parameters
        else:
            merged = {name: value for _, values, _ in later for name, value in values.items()}
            merged.update(parameters)
            # A constraint broken in one statement cannot be told apart from the parts; only a put-off
            # statement names one it may break (an insert racing another).
            conflict = next((entry[2] for entry in later if entry[2] is not None), None)
        compiled = self._compiled(folded)
        arguments = compiled.arguments(merged)
        with integrity_as_conflict(conflict):
            records = await self._call(lambda: self._driver.fetch(compiled.sql, *arguments))
        return [compiled.row(record) for record in records]

    async def first(self, statement: Executable, parameters: Mapping[str, Any], /) -> Sequence[Any] | None:
        rows = await self._fetch(statement, parameters)
        return rows[0] if rows else None

    async def all(self, statement: Executable, parameters: Mapping[str, Any], /) -> list[Sequence[Any]]:
        return await self._fetch(statement, parameters)

    async def execute(self, statement: Executable, parameters: Mapping[str, Any], /) -> None:
        await self._run_later()
        assert isinstance(statement, _STATEMENTS), statement
        await self._send(statement, parameters)

    async def execute_many(self, statement: Executable, rows: Sequence[Mapping[str, Any]], /) -> None:
        await self._run_later()
        compiled = self._compiled(statement)
        arguments = [compiled.arguments(row) for row in rows]
        await self._call(lambda: self._driver.executemany(compiled.sql, arguments))


@functools.lru_cache(maxsize=64)
def _folded(statement: _Statement, later: tuple[_Statement, ...]) -> _Statement | None:
    """``statement`` with each of ``later`` in a data-modifying ``WITH`` of its own, or None where
    that could change what any of them does. One object for each combination, so that its compiled
    form is reused.

    The parts of one statement all see the database as it was before it (PostgreSQL's manual, 7.8.4
    "Data-Modifying Statements in WITH"), where statements sent one after another each see what the
    ones before wrote. So they are folded only when no two parts touch the same table (read or
    written) or share a parameter's name. A foreign key between rows the parts write is
    checked at the end of the statement, as it would be at the end of each."""
    touched = [_tables(part) for part in (statement, *later)]
    if sum(map(len, touched)) != len(frozenset().union(*touched)):
        return None
    names = [frozenset(part.compile().params) for part in (statement, *later)]
    if sum(map(len, names)) != len(frozenset().union(*names)):
        return None
    folded = statement
    for index, put_off in enumerate(later):
        folded = folded.add_cte(put_off.cte(f"put_off_{index}"))
    return folded


def _tables(statement: _Statement) -> frozenset[str]:
    """The names of the tables ``statement`` reads or writes, those of its own ``WITH`` included."""
    tables = find_tables(statement, include_crud=True, include_aliases=True, include_selects=True)
    return frozenset(table.name for table in tables if isinstance(table, Table))


# A statement put off (``execute_later``): its SQL, its arguments, the Conflict its broken constraint is.
_PutOff = tuple[str, list[Any], str | None]


class _SqliteTransaction(_DriverTransaction):
    """A transaction whose statements sqlite3 runs in aiosqlite's thread, one trip there for each
    (``_aiosqlite.run``), compiled once (``_compile``), but for those put off (``execute_later``),
    which go in the next statement's trip or the commit's. As with SQLAlchemy's own pysqlite
    dialect, sqlite3 begins the transaction at the first statement that changes a row; the pool's one
    connection (``_SQLITE_POOL``) is held from the first statement to the commit, so the process's
    transactions never meet each other's lock. SQLite's own errors for a database that cannot be
    used (locked beyond the busy timeout, unable to open, I/O) end in DatabaseUnavailable, as
    SQLAlchemy's do (``is_unavailable``)."""

    def __init__(self, engine: AsyncEngine, connection: PoolProxiedConnection) -> None:
        super().__init__(engine)
        self._connection = connection.dbapi_connection
        self._later: list[_PutOff] = []

    def _take_later(self) -> list[_PutOff]:
        later, self._later = self._later, []
        return later

    async def _after_later(
        self,
        later: list[_PutOff],
        trip: Callable[[_aiosqlite.Later], Awaitable[Any]],
    ) -> Any:
        """Make ``trip`` with ``later`` run first; the error of one of them is raised as its own."""
        try:
            return await trip([(sql, arguments) for sql, arguments, _conflict in later])
        except _aiosqlite.LaterFailed as exc:
            cause = exc.__cause__
            assert isinstance(cause, Exception)
            with integrity_as_conflict(later[exc.index][2]):
                raise cause from None

    async def begin(self) -> None:
        return None

    async def commit(self) -> None:
        await self._after_later(
            self._take_later(), lambda later: _aiosqlite.end(self._connection, commit=True, later=later)
        )

    async def rollback(self) -> None:
        self._later.clear()
        await _aiosqlite.end(self._connection, commit=False)

    async def all(self, statement: Executable, parameters: Mapping[str, Any], /) -> list[Sequence[Any]]:
        compiled = self._compiled(statement)
        arguments = compiled.arguments(parameters)
        rows = await self._after_later(
            self._take_later(),
            lambda later: _aiosqlite.run(self._connection, compiled.sql, arguments, later=later),
        )
        return [compiled.row(row) for row in rows]

    async def first(self, statement: Executable, parameters: Mapping[str, Any], /) -> Sequence[Any] | None:
        rows = await self.all(statement, parameters)
        return rows[0] if rows else None

    async def execute(self, statement: Executable, parameters: Mapping[str, Any], /) -> None:
        await self.all(statement, parameters)

    async def execute_many(self, statement: Executable, rows: Sequence[Mapping[str, Any]], /) -> None:
        compiled = self._compiled(statement)
        arguments = [compiled.arguments(row) for row in rows]
        await self._after_later(
            self._take_later(),
            lambda later: _aiosqlite.run_many(self._connection, compiled.sql, arguments, later=later),
        )

    async def execute_later(
        self, statement: Executable, parameters: Mapping[str, Any], /, *, conflict: str | None = None
    ) -> None:
        """``Statements.execute_later``: compiled and checked now (InvalidInput for text no database may
        hold), run in the next trip."""
        compiled = self._compiled(statement)
        self._later.append((compiled.sql, compiled.arguments(parameters), conflict))


@asynccontextmanager
async def transaction(engine: AsyncEngine) -> AsyncIterator[Statements]:
    """One transaction of Core statements sent by the database's driver itself, without an ORM
    session or SQLAlchemy's execution machinery, which cost several times the statements on the
    callback's path (benchmarks/README.md): committed when the block ends, rolled back when it
    raises. The connection is checked out of the pool as a session's is, and goes back to it after a
    commit or a rollback that worked; after one that did not (a cancellation in mid-statement), it is
    closed instead. Raises DatabaseUnavailable when the database cannot be reached, and the
    statements' own errors (``is_integrity_error`` tells a constraint's), a put-off statement's
    (``Statements.execute_later``) where it runs, the commit included."""
    with translate_unavailable():
        connection = await engine.raw_connection()
        reusable = False
        try:
            transaction_: _PostgresTransaction | _SqliteTransaction = (
                _SqliteTransaction(engine, connection)
                if engine.dialect.name == "sqlite"
                else _PostgresTransaction(engine, connection)
            )
            await transaction_.begin()
            try:
                yield transaction_
            except BaseException:
                try:
                    await transaction_.rollback()
                except Exception:  # noqa: S110 (the block's own error says why)
                    # The connection failed with the transaction (a rollback cannot be sent on a
                    # connection the server closed): the error that ended the block is the one to
                    # raise, and the connection is not pooled again.
                    pass
                else:
                    reusable = True
                raise
            await transaction_.commit()
            reusable = True
        finally:
            # One that a failure already invalidated (``_after_postgres_error``) goes back as it is.
            if reusable or not connection.is_valid:
                await greenlet_spawn(connection.close)
            else:
                await greenlet_spawn(connection.invalidate)


def is_integrity_error(exc: BaseException) -> bool:
    """Whether ``exc`` is a constraint the statement broke (unique, foreign key, not null), raised
    through a session (SQLAlchemy's IntegrityError) or by the driver itself (``transaction``)."""
    return isinstance(
        exc, (IntegrityError, sqlite3.IntegrityError, asyncpg.exceptions.IntegrityConstraintViolationError)
    )


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, class_=_Session, expire_on_commit=False)


async def ping(db_engine: AsyncEngine) -> None:
    """One round trip to the database; DatabaseUnavailable when it does not answer."""
    with translate_unavailable():
        async with db_engine.connect() as connection:
            await connection.execute(text("SELECT 1"))


@contextmanager
def integrity_as_conflict(conflict: str | None) -> Iterator[None]:
    """A constraint the block's statements break (a concurrent insert that won the race to a unique
    one, say; ``is_integrity_error``) becomes Conflict(``conflict``), the domain's word for it; with
    ``conflict`` None, it is raised as it is."""
    try:
        yield
    except Exception as exc:
        if conflict is not None and is_integrity_error(exc):
            raise Conflict(conflict) from exc
        raise


async def flush_or_conflict(session: AsyncSession, *, conflict: str) -> None:
    """Flush ``session``; a constraint the flush breaks becomes Conflict(``conflict``)."""
    with integrity_as_conflict(conflict):
        await session.flush()


async def check_connection(engine: AsyncEngine) -> None:
    """``ping`` for a person at a terminal. Raises ConfigurationError, in one line and with the URL's
    password hidden, when the database cannot be reached or refuses us (wrong host, port, name or
    password)."""
    try:
        await ping(engine)
    except (DatabaseUnavailable, OSError, TimeoutError, SQLAlchemyError) as exc:
        cause: BaseException = (
            exc.__cause__ if isinstance(exc, DatabaseUnavailable) and exc.__cause__ else exc
        )
        cause = cause.orig if isinstance(cause, DBAPIError) and cause.orig is not None else cause
        reason = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
        where = engine.url.render_as_string(hide_password=True)
        raise ConfigurationError(f"cannot connect to the database at {where}: {reason}") from exc
