"""Database engine and sessions for SQLite (aiosqlite) and PostgreSQL (asyncpg)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError, IntegrityError, SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine

from linkvault.errors import ConfigurationError, Conflict, InvalidInput
from linkvault.text import is_valid_text

__all__ = ["check_connection", "create_engine", "create_sessionmaker", "flush_or_conflict", "sqlite_path"]


def sqlite_path(database_url: str) -> Path | None:
    """The database file of an SQLite URL, or None for another database (or an in-memory one)."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite" or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def create_engine(database_url: str) -> AsyncEngine:
    url = make_url(database_url)
    kwargs: dict[str, Any] = {}
    if url.get_backend_name() == "postgresql":
        kwargs["pool_pre_ping"] = True
    engine = create_async_engine(url, **kwargs)
    event.listen(engine.sync_engine, "before_cursor_execute", _refuse_invalid_text)
    if url.get_backend_name() == "sqlite":
        event.listen(engine.sync_engine, "connect", _configure_sqlite)
    return engine


def _refuse_invalid_text(
    _connection: Any, _cursor: Any, _statement: str, parameters: Any, _context: Any, _executemany: bool
) -> None:
    # PostgreSQL text cannot hold NUL and SQLite truncates at it in places; refusing it here, for
    # every statement, keeps both databases alike and turns a value that slipped past the request's
    # checks into a client error, not a 500.
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


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)


async def flush_or_conflict(session: AsyncSession, *, conflict: str) -> None:
    """Flush ``session``; a unique constraint the flush breaks (a concurrent insert that won the race)
    becomes Conflict(``conflict``), the domain's word for it."""
    try:
        await session.flush()
    except IntegrityError as exc:
        raise Conflict(conflict) from exc


async def check_connection(engine: AsyncEngine) -> None:
    """Connect and run ``SELECT 1``. Raises ConfigurationError, in one line and with the URL's password
    hidden, when the database cannot be reached or refuses us (wrong host, port, name or password)."""
    try:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    except (OSError, TimeoutError, SQLAlchemyError) as exc:
        cause = exc.orig if isinstance(exc, DBAPIError) and exc.orig is not None else exc
        reason = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
        where = engine.url.render_as_string(hide_password=True)
        raise ConfigurationError(f"cannot connect to the database at {where}: {reason}") from exc
