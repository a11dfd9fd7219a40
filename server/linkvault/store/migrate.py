"""Apply the Alembic migrations shipped in ``linkvault.store:migrations``, and tell whether any are due."""

from __future__ import annotations

import functools
from typing import Literal

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from linkvault.errors import ConfigurationError
from linkvault.store.database import translate_unavailable

__all__ = [
    "SchemaStatus",
    "alembic_config",
    "autogenerate_revision",
    "newer_schema_message",
    "schema_status",
    "upgrade",
]

SchemaStatus = Literal["current", "behind", "newer"]


def alembic_config(connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", "linkvault.store:migrations")
    config.attributes["connection"] = connection
    return config


# The key of the PostgreSQL advisory lock that migrations run under (any constant; "lvmigrat").
_MIGRATION_LOCK_KEY = 0x6C766D6967726174


async def upgrade(db_engine: AsyncEngine, revision: str = "head") -> tuple[frozenset[str], frozenset[str]]:
    """Apply every migration up to ``revision`` in one transaction; returns the database's revisions
    before and after (equal when there was nothing to do; empty before on a new database).

    Replicas starting together migrate one after the other (the later ones find nothing left to do):
    on PostgreSQL the transaction first takes an advisory lock; on SQLite it begins with the write
    lock (``BEGIN IMMEDIATE``), since Python's sqlite3 would otherwise run the DDL outside any
    transaction and two processes could both create the first tables.

    Raises ConfigurationError, changing nothing, when the database is at a revision this package does
    not ship (a newer linkvault migrated it: docs/upgrading.md)."""

    def _upgrade(connection: Connection) -> tuple[frozenset[str], frozenset[str]]:
        stored = _stored_revisions(connection)
        if _status(stored) == "newer":
            raise ConfigurationError(newer_schema_message(stored))
        command.upgrade(alembic_config(connection), revision)
        return stored, _stored_revisions(connection)

    async with db_engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            await connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY})
        elif connection.dialect.name == "sqlite":
            await connection.exec_driver_sql("BEGIN IMMEDIATE")
        return await connection.run_sync(_upgrade)


async def schema_status(db_engine: AsyncEngine) -> tuple[SchemaStatus, frozenset[str]]:
    """Where the database's schema stands against this package's migrations, with its revisions:
    ``current`` (at the newest shipped), ``behind`` (a migration to apply; an empty database too) or
    ``newer`` (at a revision this package does not ship: a newer linkvault migrated it).

    Raises DatabaseUnavailable when the database does not answer."""
    with translate_unavailable():
        async with db_engine.connect() as connection:
            stored = await connection.run_sync(_stored_revisions)
    return _status(stored), stored


def newer_schema_message(stored: frozenset[str]) -> str:
    """One line for a database a newer linkvault migrated."""
    return (
        f"the database schema is at revision {', '.join(sorted(stored))}, which this linkvault does not know "
        f"(its newest is {', '.join(sorted(_shipped_heads()))}): a newer linkvault migrated it; run that "
        "version, or restore the backup taken before the upgrade (docs/upgrading.md)"
    )


def _stored_revisions(connection: Connection) -> frozenset[str]:
    # What MigrationContext.get_current_heads() reads, without the two INFO lines its constructor
    # logs: readiness probes ask every few seconds.
    if not inspect(connection).has_table("alembic_version"):
        return frozenset()
    return frozenset(connection.execute(text("SELECT version_num FROM alembic_version")).scalars())


def _status(stored: frozenset[str]) -> SchemaStatus:
    if stored == _shipped_heads():
        return "current"
    return "newer" if stored - _shipped_revisions() else "behind"


@functools.cache
def _shipped_heads() -> frozenset[str]:
    # The migrations are files of the package: read once per process (readiness asks on every probe).
    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


@functools.cache
def _shipped_revisions() -> frozenset[str]:
    return frozenset(
        script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    )


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
