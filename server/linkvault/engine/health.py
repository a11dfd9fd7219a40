"""Readiness: whether this process can serve requests that need the database."""

from __future__ import annotations

from linkvault.engine.services import Services
from linkvault.errors import SchemaNotCurrent
from linkvault.store.migrate import newer_schema_message, schema_status

__all__ = ["check_ready"]


async def check_ready(services: Services) -> None:
    """Return when the database answers and is at the newest shipped migration.

    Raises DatabaseUnavailable when the database does not answer, SchemaNotCurrent when it answers at
    another revision (a migration not yet applied, or a newer linkvault migrated it)."""
    status, stored = await schema_status(services.db_engine)
    if status == "newer":
        raise SchemaNotCurrent(newer_schema_message(stored))
    if status == "behind":
        raise SchemaNotCurrent("the database is not at the newest migration; run `linkvault db upgrade`")
