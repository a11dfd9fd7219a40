"""Test databases: an SQLite file by default, or a fresh PostgreSQL database per test run when
``LINKVAULT_TEST_DATABASE_URL`` names a PostgreSQL server."""

from __future__ import annotations

import asyncio
import secrets
import sqlite3
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url


def is_postgresql(database_url: str) -> bool:
    return make_url(database_url).get_backend_name() == "postgresql"


@contextmanager
def fresh_database(base_url: str | None, tmp_dir: Path) -> Iterator[str]:
    """Yield the URL of an empty database, dropped afterwards."""
    if base_url is None or not is_postgresql(base_url):
        yield base_url or f"sqlite+aiosqlite:///{tmp_dir / 'linkvault-test.db'}"
        return
    url = make_url(base_url)
    name = f"linkvault_test_{secrets.token_hex(6)}"
    admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    asyncio.run(_execute(admin_dsn, f'CREATE DATABASE "{name}"'))
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_execute(admin_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@asynccontextmanager
async def database_copy(database_url: str, tmp_dir: Path) -> AsyncIterator[str]:
    """Yield the URL of a copy of the database at ``database_url``, dropped afterwards. SQLite is
    copied with its online backup API (a consistent copy while others use it); PostgreSQL with
    ``CREATE DATABASE ... TEMPLATE``, which needs nobody else connected to the original."""
    url = make_url(database_url)
    if not is_postgresql(database_url):
        assert url.database is not None
        copy = tmp_dir / f"copy-{secrets.token_hex(6)}.db"
        source, target = sqlite3.connect(url.database), sqlite3.connect(copy)
        try:
            source.backup(target)
        finally:
            source.close()
            target.close()
        try:
            yield url.set(database=str(copy)).render_as_string(hide_password=False)
        finally:
            for path in (copy, copy.with_name(copy.name + "-wal"), copy.with_name(copy.name + "-shm")):
                path.unlink(missing_ok=True)
        return
    name = f"{url.database}_copy_{secrets.token_hex(4)}"
    admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    await _execute(admin_dsn, f'CREATE DATABASE "{name}" TEMPLATE "{url.database}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        await _execute(admin_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def _execute(dsn: str, statement: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()
