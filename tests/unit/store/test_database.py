"""The one seam where an unreachable database becomes ``DatabaseUnavailable``."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

import asyncpg
import pytest
from sqlalchemy import Column, Integer, MetaData, Table, Text, bindparam, event, select, text
from sqlalchemy.exc import (
    DBAPIError,
    EmulatedDBAPIException,
    IntegrityError,
    OperationalError,
    ProgrammingError,
)
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from linkvault.errors import Conflict, DatabaseUnavailable, InvalidInput, ProviderUnavailable
from linkvault.store import _aiosqlite
from linkvault.store.database import (
    connect,
    create_engine,
    create_sessionmaker,
    dispose,
    is_unavailable,
    ping,
    translate_unavailable,
)


@pytest.mark.parametrize(
    "exc",
    [
        OperationalError("SELECT 1", {}, Exception("unable to open database file")),
        # Unwrapped, from opening a connection for statements sqlite3 runs itself (a callback's).
        sqlite3.OperationalError("unable to open database file"),
        DBAPIError("SELECT 1", {}, Exception("connection is closed"), connection_invalidated=True),
        DBAPIError("SELECT 1", {}, asyncpg.ConnectionDoesNotExistError("closed")),
        PoolTimeout("QueuePool limit reached"),
        ConnectionRefusedError(111, "Connection refused"),
        ConnectionResetError(104, "reset"),
        TimeoutError(),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.TooManyConnectionsError("too many clients"),
        # The database dropped and made again under a running server: our tables are gone.
        DBAPIError(
            "SELECT", {}, asyncpg.exceptions.UndefinedTableError('relation "projects" does not exist')
        ),
        # What SQLAlchemy's pool raises unwrapped when it cannot open a PostgreSQL connection for the
        # hot path's reads (AsyncEngine.raw_connection): a full server was a 500 before.
        EmulatedDBAPIException(
            "sorry, too many clients already", asyncpg.TooManyConnectionsError("too many")
        ),
        EmulatedDBAPIException(
            "the database system is starting up", asyncpg.CannotConnectNowError("starting")
        ),
    ],
)
def test_what_an_unreachable_database_looks_like(exc: BaseException) -> None:
    assert is_unavailable(exc)
    with pytest.raises(DatabaseUnavailable) as raised, translate_unavailable():
        raise exc
    assert raised.value.__cause__ is exc


@pytest.mark.parametrize(
    "exc",
    [
        IntegrityError("INSERT", {}, Exception("unique")),
        ProgrammingError("SELEC", {}, Exception("syntax error")),
        ValueError("not the database"),
        Conflict("a domain error stays itself"),
        ProviderUnavailable("the provider, not the database"),
    ],
)
def test_other_errors_pass_unchanged(exc: Exception) -> None:
    assert not is_unavailable(exc)
    with pytest.raises(type(exc)) as raised, translate_unavailable():
        raise exc
    assert raised.value is exc


def test_sessions_and_ping_translate(tmp_path: Path) -> None:
    async def run() -> None:
        engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'db.sqlite'}")
        sessions = create_sessionmaker(engine)
        try:
            with pytest.raises(DatabaseUnavailable):
                await ping(engine)
            for _ in range(2):  # the inline reader's failed connection is not kept
                with pytest.raises(DatabaseUnavailable):
                    async with connect(engine) as reader:
                        await reader.first(text("SELECT 1"), {})
            with pytest.raises(DatabaseUnavailable):
                async with sessions() as session:
                    await session.execute(text("SELECT 1"))
            with pytest.raises(DatabaseUnavailable):
                async with sessions.begin() as session:
                    await session.execute(text("SELECT 1"))
            with pytest.raises(ValueError, match="mine"):
                async with sessions.begin():
                    raise ValueError("mine")
        finally:
            await dispose(engine)

    asyncio.run(run())


async def _table_with_one_row(tmp_path: Path) -> tuple[AsyncEngine, str]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE tokens (id INTEGER PRIMARY KEY, token TEXT)"))
        await connection.execute(text("INSERT INTO tokens VALUES (1, 'first')"))
    return engine, str(tmp_path / "db.sqlite")


_TOKENS = Table("tokens", MetaData(), Column("id", Integer, primary_key=True), Column("token", Text))
_TOKEN = text("SELECT token FROM tokens WHERE id = :id")
# The hot path's reads are Core selects, which the SQLite reader sends through sqlite3 itself; any
# other statement goes through SQLAlchemy. Both must behave alike.
_TOKEN_READS = pytest.mark.parametrize(
    "token_read",
    [_TOKEN, select(_TOKENS.c.token).where(_TOKENS.c.id == bindparam("id"))],
    ids=["text", "select"],
)


@_TOKEN_READS
def test_sqlite_reads_see_each_commit_at_once(tmp_path: Path, token_read: Any) -> None:
    """The credentials read and the API-key lookup run on SQLite connections kept between reads; a
    kept connection that held its read snapshot would hand out a token already refreshed, or accept
    a key already revoked."""

    async def run() -> None:
        engine, _ = await _table_with_one_row(tmp_path)
        try:
            for expected in ("first", "second", "third"):
                if expected != "first":
                    async with engine.begin() as connection:
                        await connection.execute(text("UPDATE tokens SET token = :t"), {"t": expected})
                async with connect(engine) as reader:
                    assert (await reader.first(token_read, {"id": 1}))[0] == expected
        finally:
            await dispose(engine)

    asyncio.run(run())


@_TOKEN_READS
def test_a_sqlite_read_the_database_refuses_waits_off_the_event_loop(tmp_path: Path, token_read: Any) -> None:
    """While another process holds the file exclusively, a read waits (SQLite's busy timeout) in
    aiosqlite's thread, never on the event loop: other requests keep being served meanwhile."""

    async def run() -> None:
        engine, path = await _table_with_one_row(tmp_path)
        await engine.dispose()  # a pooled connection would keep the holder from locking the file
        holder = sqlite3.connect(path)
        holder.execute("PRAGMA locking_mode=EXCLUSIVE")
        holder.execute("BEGIN EXCLUSIVE")
        holder.execute("UPDATE tokens SET token = 'held'")
        ticks = 0

        async def tick() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.01)
                ticks += 1

        def release() -> None:
            holder.commit()
            holder.close()

        ticker = asyncio.create_task(tick())
        asyncio.get_running_loop().call_later(0.3, release)
        try:
            async with connect(engine) as reader:
                assert (await reader.first(token_read, {"id": 1}))[0] == "held"
            assert ticks >= 10, "the event loop stood still while the read waited"
        finally:
            ticker.cancel()
            await dispose(engine)

    asyncio.run(run())


def test_sqlite_reads_never_write(tmp_path: Path) -> None:
    async def run() -> None:
        engine, _ = await _table_with_one_row(tmp_path)
        try:
            async with connect(engine) as reader:
                with pytest.raises(OperationalError, match="readonly"):
                    await reader.first(text("UPDATE tokens SET token = 'x'"), {})
        finally:
            await dispose(engine)

    asyncio.run(run())


def _restore(path: str) -> None:
    restored = sqlite3.connect(path)
    restored.executescript(
        "CREATE TABLE tokens (id INTEGER PRIMARY KEY, token TEXT); INSERT INTO tokens VALUES (1, 'restored');"
    )
    restored.close()


async def _every_access_is_unavailable(
    engine: AsyncEngine, sessions: async_sessionmaker[AsyncSession], token_read: Any
) -> None:
    """A session's read, a session's write and an inline read all end in DatabaseUnavailable."""
    with pytest.raises(DatabaseUnavailable):
        async with sessions() as session:
            await session.execute(_TOKEN, {"id": 1})
    with pytest.raises(DatabaseUnavailable):
        async with sessions.begin() as session:
            await session.execute(_TOKENS.update().values(token="written where it must not be"))
    with pytest.raises(DatabaseUnavailable):
        async with connect(engine) as reader:
            await reader.first(token_read, {"id": 1})


@_TOKEN_READS
def test_a_sqlite_database_moved_away_is_unavailable_until_it_is_back(
    tmp_path: Path, token_read: Any
) -> None:
    """No new empty database appears at the path while the file is away, and the pool's connections,
    opened before, do not go on reading and writing the moved file; once the file is back, every kind
    of access works again."""

    async def run() -> None:
        _, path = await _table_with_one_row(tmp_path)
        engine = create_engine(f"sqlite+aiosqlite:///{path}")  # made while the file exists, as servers are
        sessions = create_sessionmaker(engine)
        try:
            async with connect(engine) as reader:
                assert (await reader.first(token_read, {"id": 1}))[0] == "first"
            async with sessions.begin() as session:  # the pool now holds a connection to the file
                await session.execute(_TOKEN, {"id": 1})
            await asyncio.to_thread(Path(path).rename, tmp_path / "aside.sqlite")
            await _every_access_is_unavailable(engine, sessions, token_read)
            assert not await asyncio.to_thread(Path(path).exists)
            await asyncio.to_thread((tmp_path / "aside.sqlite").rename, path)
            async with sessions() as session:
                assert (await session.execute(_TOKEN, {"id": 1})).scalar_one() == "first"
            async with connect(engine) as reader:
                assert (await reader.first(token_read, {"id": 1}))[0] == "first"
        finally:
            await dispose(engine)

    asyncio.run(run())


@_TOKEN_READS
def test_a_sqlite_database_replaced_under_a_running_server_is_refused_until_a_restart(
    tmp_path: Path, token_read: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A restore put in place while the server runs finds the old database's write-ahead log beside
    it, which the server keeps open; opened, SQLite would apply that log to the restored file (a trial
    saw the restore undone, and another database corrupted). It is refused (503) and left untouched.
    SQLite leaves that log at the path even when the server stops (it cannot fold it into a file that
    was moved), so the restart docs/deployment.md describes removes it first; then the restore is the
    database."""

    async def run() -> None:
        engine, path = await _table_with_one_row(tmp_path)
        sessions = create_sessionmaker(engine)
        backup = tmp_path / "backup.sqlite"
        try:
            with sqlite3.connect(path) as source, sqlite3.connect(backup) as target:
                source.backup(target)
            source.close()
            target.close()
            async with sessions.begin() as session:  # written after the backup: in the log only
                await session.execute(_TOKENS.update().values(token="after the backup"))
            assert (await asyncio.to_thread(Path(f"{path}-wal").stat)).st_size > 0
            restored = await asyncio.to_thread(backup.read_bytes)
            await asyncio.to_thread(backup.replace, path)
            await _every_access_is_unavailable(engine, sessions, token_read)
            assert await asyncio.to_thread(Path(path).read_bytes) == restored
            # Said once, in words an operator can act on, however many requests were refused.
            [warning] = [
                record.getMessage() for record in caplog.records if "was replaced" in record.getMessage()
            ]
            assert f"delete {path}-wal and {path}-shm, then start it" in warning
        finally:
            await dispose(engine)
        for leftover in (Path(f"{path}-wal"), Path(f"{path}-shm")):
            await asyncio.to_thread(leftover.unlink, missing_ok=True)
        restarted = create_engine(f"sqlite+aiosqlite:///{path}")
        try:
            async with create_sessionmaker(restarted)() as session:
                assert (await session.execute(_TOKEN, {"id": 1})).scalar_one() == "first"
            async with connect(restarted) as reader:
                assert (await reader.first(token_read, {"id": 1}))[0] == "first"
        finally:
            await dispose(restarted)

    asyncio.run(run())


def test_a_sqlite_read_of_text_sqlite_cannot_hold_is_refused_as_the_request_s_fault(tmp_path: Path) -> None:
    """A NUL in a looked-up value is the caller's mistake (400), on the inline path as on every other."""

    async def run() -> None:
        engine, _ = await _table_with_one_row(tmp_path)
        by_token = select(_TOKENS.c.id).where(_TOKENS.c.token == bindparam("token"))
        try:
            async with connect(engine) as reader:
                assert await reader.first(by_token, {"token": "first"}) == (1,)
                with pytest.raises(InvalidInput):
                    await reader.first(by_token, {"token": "fir\x00st"})
        finally:
            await dispose(engine)

    asyncio.run(run())


class _SlowToOpen(sqlite3.Connection):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        time.sleep(0.5)
        super().__init__(*args, **kwargs)


def test_a_server_stopped_while_it_connects_ends_before_its_threads_do(tmp_path: Path) -> None:
    """A server stopped as it starts (``linkvault serve`` on a port in use stops while its background
    loops open their first connection) ends without a thread's "RuntimeError: Event loop is closed"
    traceback after its last line: closing the engine waits for the thread of the connection whose
    opening was cancelled."""
    died: list[BaseException | None] = []
    previous_hook = threading.excepthook
    threading.excepthook = lambda args: died.append(args.exc_value)

    async def run() -> None:
        engine = create_async_engine(
            f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}",
            module=_aiosqlite.dbapi(),
            connect_args={"factory": _SlowToOpen},
        )

        async def first_read() -> None:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))

        reading = asyncio.create_task(first_read())
        await asyncio.sleep(0.1)  # the thread is opening the connection
        reading.cancel()
        await asyncio.gather(reading, return_exceptions=True)
        await dispose(engine)

    try:
        asyncio.run(run())
        for thread in threading.enumerate():
            if "_connection_worker_thread" in thread.name:  # aiosqlite's
                thread.join(timeout=10)
    finally:
        threading.excepthook = previous_hook
    assert died == []


def test_a_sqlite_connection_returned_with_its_transaction_open_is_rolled_back(tmp_path: Path) -> None:
    """Whatever goes back to the pool mid-transaction leaves no write behind and holds no lock: the
    next connection writes at once."""

    async def run() -> None:
        engine, _ = await _table_with_one_row(tmp_path)
        try:

            def write_behind_sqlalchemy(connection: Any) -> None:
                cursor = connection.connection.cursor()
                cursor.execute("UPDATE tokens SET token = 'uncommitted'")  # sqlite3 begins a transaction
                cursor.close()
                assert connection.connection.driver_connection.in_transaction

            async with engine.connect() as connection:
                await connection.run_sync(write_behind_sqlalchemy)
            # back in the pool: had its transaction stayed open, it would hold SQLite's write lock
            writer = create_engine(str(engine.url))
            async with writer.begin() as connection:
                await connection.execute(text("PRAGMA busy_timeout=0"))
                await connection.execute(text("UPDATE tokens SET token = 'second'"))
            await dispose(writer)
            async with connect(engine) as reader:
                assert (await reader.first(_TOKEN, {"id": 1}))[0] == "second"
        finally:
            await dispose(engine)

    asyncio.run(run())


def test_sqlite_statements_report_what_sqlalchemy_asks_of_them(tmp_path: Path) -> None:
    """Each statement is one trip to aiosqlite's thread (store/_aiosqlite.py); what a cursor reports
    afterwards is still there: the new row's id, the rows changed, the rows a RETURNING gives back,
    and a broken constraint as IntegrityError."""

    async def run() -> None:
        engine, _ = await _table_with_one_row(tmp_path)
        try:
            async with engine.begin() as connection:
                inserted = await connection.execute(_TOKENS.insert().values(token="second"))
                assert inserted.inserted_primary_key == (2,)
                many = await connection.execute(_TOKENS.insert(), [{"token": "third"}, {"token": "fourth"}])
                assert many.rowcount == 2
                changed = await connection.execute(_TOKENS.update().where(_TOKENS.c.id > 1).values(token="x"))
                assert changed.rowcount == 3
                returned = await connection.execute(
                    _TOKENS.update().where(_TOKENS.c.id == 1).values(token="y").returning(_TOKENS.c.id)
                )
                assert returned.all() == [(1,)]
                with pytest.raises(IntegrityError):
                    await connection.execute(_TOKENS.insert().values(id=1, token="again"))
            async with engine.connect() as connection:
                rows = (
                    await connection.execute(select(_TOKENS.c.id, _TOKENS.c.token).order_by(_TOKENS.c.id))
                ).all()
                assert rows == [(1, "y"), (2, "x"), (3, "x"), (4, "x")]
        finally:
            await dispose(engine)

    asyncio.run(run())


def test_one_process_s_sqlite_transactions_take_turns_in_arrival_order(tmp_path: Path) -> None:
    """With several connections, a process's concurrent writers met SQLite's one write lock and slept
    in its busy handler (1, 2, 5 ... 100 ms a try) while later ones slipped in: start link's p99 was
    0.7-1.8 s at 8 connections. Each transaction now has the file to itself, in the order asked: no
    connection is taken before the one in use is back."""

    async def run() -> list[str]:
        engine, _ = await _table_with_one_row(tmp_path)
        sessions = create_sessionmaker(engine)
        seen: list[str] = []
        event.listen(engine.sync_engine, "checkout", lambda *_: seen.append("taken"))
        event.listen(engine.sync_engine, "checkin", lambda *_: seen.append("back"))

        async def write(name: str) -> None:
            async with sessions.begin() as session:
                await session.execute(_TOKENS.update().values(token=name))
                seen.append(name)
                await asyncio.sleep(0.01)  # another request's turn on the event loop
                await session.execute(_TOKENS.update().values(token=name))

        try:
            await asyncio.gather(*(write(name) for name in ("a", "b", "c")))
        finally:
            await dispose(engine)
        return seen

    assert asyncio.run(run()) == ["taken", "a", "back", "taken", "b", "back", "taken", "c", "back"]
