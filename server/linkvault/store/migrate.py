"""Apply the Alembic migrations shipped in ``linkvault.store:migrations``, and tell whether any are due."""

from __future__ import annotations

import functools

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from linkvault.store.database import translate_unavailable

__all__ = ["alembic_config", "autogenerate_revision", "is_current", "upgrade"]


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "linkvault.store:migrations")
    config.attributes["connection"] = connection
    return config


# The key of the PostgreSQL advisory lock that migrations run under (any constant; "lvmigrat").
_MIGRATION_LOCK_KEY = 0x6C766D6967726174


async def upgrade(db_engine: AsyncEngine, revision: str = "head") -> None:
    """Apply every migration up to ``revision`` in one transaction.

    Replicas starting together migrate one after the other (the later ones find nothing left to do):
    on PostgreSQL the transaction first takes an advisory lock; on SQLite it begins with the write
    lock (``BEGIN IMMEDIATE``), since Python's sqlite3 would otherwise run the DDL outside any
    transaction and two processes could both create the first tables."""

    def _upgrade(connection: Connection) -> None:
        command.upgrade(alembic_config(connection), revision)

    async with db_engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        elif connection.dialect.name == "sqlite":
            await connection.exec_driver_sql("BEGIN IMMEDIATE")
        await connection.run_sync(_upgrade)


async def is_current(db_engine: AsyncEngine) -> bool:
    """True when the database is at the newest revision this package ships.

    Raises DatabaseUnavailable when the database does not answer."""
    heads = _shipped_heads()

    def _current(connection: Connection) -> frozenset[str]:
        # What MigrationContext.get_current_heads() reads, without the two INFO lines its constructor
        # logs: readiness probes ask every few seconds.
        if not inspect(connection).has_table("alembic_version"):
            return frozenset()
        return frozenset(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())

    with translate_unavailable():
        async with db_engine.connect() as connection:
            return await connection.run_sync(_current) == heads


@functools.cache
def _shipped_heads() -> frozenset[str]:
    # The migrations are files of the package: read once per process (readiness asks on every probe).
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


async def autogenerate_revision(db_engine: AsyncEngine, *, message: str) -> str:
    """Write a new migration into the package: the difference between the models and the schema of
    ``db_engine`` once every shipped migration is applied (a scratch database, for authors).

    Revisions are numbered (``0002``, ``0003``, ...). Returns the new file's path."""
    await upgrade(db_engine)
    script = ScriptDirectory.from_config(alembic_config())
    head = script.get_current_head()
    rev_id = f"{int(head or 0) + 1:04d}"

    def _revision(connection: Connection) -> str:
        revision = command.revision(
            alembic_config(connection), message=message, autogenerate=True, rev_id=rev_id
        )
        assert revision is not None and not isinstance(revision, list)
        return str(revision.path)

    async with db_engine.begin() as connection:
        path = await connection.run_sync(_revision)
    return path
