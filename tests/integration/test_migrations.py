"""The schema the Alembic migrations build is exactly the one the models define, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel

import linkvault.store.models  # noqa: F401  (registers the tables on SQLModel.metadata)
from linkvault.settings import Settings
from linkvault.store.database import create_engine
from linkvault.store.migrate import alembic_config, upgrade

TABLES = {
    "projects", "api_keys", "app_configurations", "link_states", "linked_accounts",
    "webhook_endpoints", "events", "webhook_deliveries", "webhook_attempts",
}  # fmt: skip


def _schema_diff(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    return list(compare_metadata(context, SQLModel.metadata))


def _revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()


def _inspect(migrated: Settings, work: Any) -> Any:
    async def run() -> Any:
        engine = create_engine(migrated.database_url)
        try:
            async with engine.connect() as connection:
                return await connection.run_sync(work)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def _upgrade(migrated: Settings) -> None:
    async def run() -> None:
        engine = create_engine(migrated.database_url)
        try:
            await upgrade(engine)
        finally:
            await engine.dispose()

    asyncio.run(run())


def _head() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def test_the_models_define_the_tables_the_migrations_create(migrated: Settings) -> None:
    assert {table.name for table in SQLModel.metadata.sorted_tables} == TABLES
    tables = _inspect(migrated, lambda connection: set(inspect(connection).get_table_names()))
    assert tables == TABLES | {"alembic_version"}


def test_the_migrated_schema_is_exactly_the_models(migrated: Settings) -> None:
    assert _inspect(migrated, _schema_diff) == []


def test_the_database_is_at_the_single_head(migrated: Settings) -> None:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1
    assert _inspect(migrated, _revision) == heads[0]


def test_upgrade_is_idempotent(migrated: Settings) -> None:
    before = _inspect(migrated, _revision)
    _upgrade(migrated)
    _upgrade(migrated)
    assert _inspect(migrated, _revision) == before == _head()
    assert _inspect(migrated, _schema_diff) == []
