"""App configurations: one OAuth2 client registration per app name in a project."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Join, bindparam, delete, func
from sqlalchemy import select as core_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from linkvault.errors import Conflict
from linkvault.store.database import Reader, Statements, flush_or_conflict
from linkvault.store.models import AppConfiguration, LinkedAccount, LinkState, from_row
from linkvault.store.types import utc_now

__all__ = [
    "add_app_configuration",
    "count_linked_accounts",
    "delete_app_configuration",
    "get_app_configuration",
    "get_app_configuration_by_id",
    "list_app_configurations",
    "redirect_uris",
    "update_app_configuration",
]


async def add_app_configuration(session: AsyncSession, *, app: AppConfiguration) -> AppConfiguration:
    """Insert ``app``. Raises Conflict when the project has an app of that name (also when a
    concurrent insert won the race to the unique constraint)."""
    if await get_app_configuration(session, project_id=app.project_id, app_name=app.app_name):
        raise Conflict("an app configuration with this app_name exists")
    session.add(app)
    await flush_or_conflict(session, conflict="an app configuration with this app_name exists")
    return app


async def update_app_configuration(
    session: AsyncSession, *, app: AppConfiguration, changes: dict[str, Any]
) -> AppConfiguration:
    """Write ``changes`` (column name to value) to ``app`` and stamp ``updated_at``."""
    for name, value in changes.items():
        setattr(app, name, value)
    app.updated_at = utc_now()
    await session.flush()
    return app


_APPS = AppConfiguration.__table__  # type: ignore[attr-defined]
_COLUMNS = tuple(column.key for column in _APPS.columns)
# Core statements built once: the callback runs them.
_APP_BY_ID = core_select(*_APPS.columns).where(_APPS.c.id == bindparam("id"))
_REDIRECT_URIS = core_select(_APPS.c.id, _APPS.c.redirect_uri).where(
    _APPS.c.project_id == bindparam("project_id")
)


def with_app(table: FromClause, app_configuration_id: ColumnElement[Any]) -> Join:
    """``table`` (a statement's CTE or a table) outer-joined to the app configuration its
    ``app_configuration_id`` names, for a select of ``table``'s columns then the app's, in one
    statement where a second would cost a round trip (``joined_app`` reads the app back)."""
    return table.outerjoin(_APPS, _APPS.c.id == app_configuration_id)


APP_COLUMNS = tuple(_APPS.columns)


def joined_app(row: Sequence[Any]) -> AppConfiguration | None:
    """The app configuration of ``row``, the ``APP_COLUMNS`` of an outer join (``with_app``), or None
    when the join found none (the app was deleted)."""
    if row[_ID_INDEX] is None:
        return None
    return from_row(AppConfiguration, _COLUMNS, row)


_ID_INDEX = _COLUMNS.index("id")


async def get_app_configuration_by_id(
    reader: Reader, *, app_configuration_id: uuid.UUID
) -> AppConfiguration | None:
    """The app configuration with this id, an object of no session, or None."""
    row = await reader.first(_APP_BY_ID, {"id": app_configuration_id})
    return None if row is None else from_row(AppConfiguration, _COLUMNS, row)


_APP_BY_NAME = core_select(*_APPS.columns).where(
    _APPS.c.project_id == bindparam("project_id"), _APPS.c.app_name == bindparam("app_name")
)


async def get_app_configuration(
    transaction: AsyncSession | Reader, *, project_id: uuid.UUID, app_name: str, for_update: bool = False
) -> AppConfiguration | None:
    """The project's app configuration of this name, or None: in a session, the session's object
    (locked for update where the database can, on request), for the caller to change; read by
    ``reader`` (``database.transaction``'s statements, or ``database.connect``), an object of no
    session, for a caller that only reads it (start link)."""
    if not isinstance(transaction, AsyncSession):
        assert not for_update, "a lock is taken in a session, whose object is changed"
        row = await transaction.first(_APP_BY_NAME, {"project_id": project_id, "app_name": app_name})
        return None if row is None else from_row(AppConfiguration, _COLUMNS, row)
    query = select(AppConfiguration).where(
        AppConfiguration.project_id == project_id, AppConfiguration.app_name == app_name
    )
    if for_update:
        query = query.with_for_update()
    return (await transaction.execute(query)).scalar_one_or_none()


async def list_app_configurations(session: AsyncSession, *, project_id: uuid.UUID) -> list[AppConfiguration]:
    result = await session.execute(
        select(AppConfiguration)
        .where(AppConfiguration.project_id == project_id)
        .order_by(col(AppConfiguration.app_name))
    )
    return list(result.scalars())


async def redirect_uris(
    statements: Statements, *, project_id: uuid.UUID
) -> list[tuple[uuid.UUID, str | None]]:
    """(id, redirect_uri) of every app configuration of the project; None where it uses the default."""
    return [(row[0], row[1]) for row in await statements.all(_REDIRECT_URIS, {"project_id": project_id})]


async def count_linked_accounts(session: AsyncSession, *, app_configuration_id: uuid.UUID) -> int:
    result = await session.execute(
        select(func.count())
        .select_from(LinkedAccount)
        .where(LinkedAccount.app_configuration_id == app_configuration_id)
    )
    return int(result.scalar_one())


async def delete_app_configuration(session: AsyncSession, *, app: AppConfiguration) -> None:
    # Pending links of the app go with it; they are deleted here rather than by the database's
    # cascade so that the outcome does not depend on SQLite's foreign-key pragma.
    await session.execute(delete(LinkState).where(col(LinkState.app_configuration_id) == app.id))
    await session.delete(app)
    await session.flush()
