"""The one seam where an unreachable database becomes ``DatabaseUnavailable``."""

from __future__ import annotations

import asyncio
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError, ProgrammingError
from sqlalchemy.exc import TimeoutError as PoolTimeout

from linkvault.errors import Conflict, DatabaseUnavailable, ProviderUnavailable
from linkvault.store.database import (
    create_engine,
    create_sessionmaker,
    is_unavailable,
    ping,
    translate_unavailable,
)


@pytest.mark.parametrize(
    "exc",
    [
        OperationalError("SELECT 1", {}, Exception("unable to open database file")),
        DBAPIError("SELECT 1", {}, Exception("connection is closed"), connection_invalidated=True),
        DBAPIError("SELECT 1", {}, asyncpg.ConnectionDoesNotExistError("closed")),
        PoolTimeout("QueuePool limit reached"),
        ConnectionRefusedError(111, "Connection refused"),
        ConnectionResetError(104, "reset"),
        TimeoutError(),
        asyncpg.CannotConnectNowError("the database system is starting up"),
        asyncpg.TooManyConnectionsError("too many clients"),
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
            await engine.dispose()

    asyncio.run(run())
