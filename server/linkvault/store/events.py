"""The event outbox: each event is written in the transaction of the change it describes, together
with one pending delivery per endpoint of the project that subscribes to it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, tuple_
from sqlalchemy import select as core_select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from linkvault.store.database import Statements, as_statements
from linkvault.store.models import Event, WebhookDelivery, WebhookEndpoint

__all__ = ["list_events", "record_event"]


def _subscribes(filter_: list[str], event_type: str, *, opt_in: bool) -> bool:
    """An endpoint without a filter gets every type but the opt-in ones; one with a filter, its types."""
    if filter_:
        return event_type in filter_
    return not opt_in


_EVENTS = Event.__table__  # type: ignore[attr-defined]
_DELIVERIES = WebhookDelivery.__table__  # type: ignore[attr-defined]
_ENDPOINTS = WebhookEndpoint.__table__  # type: ignore[attr-defined]
_EVENT_COLUMNS = ("id", "project_id", "type", "linked_account_id", "data", "created_at")
_DELIVERY_COLUMNS = (
    "id", "project_id", "event_id", "endpoint_id", "status", "attempt_count", "next_attempt_at", "created_at", "updated_at",
)  # fmt: skip
# Built once: an event is written by every change to an account, and building these costs more than
# sending them. Core, not ORM objects: nothing reads them back in the transaction that writes them.
_INSERT_EVENT = insert(_EVENTS).values({name: bindparam(name) for name in _EVENT_COLUMNS})
_INSERT_DELIVERIES = insert(_DELIVERIES).values({name: bindparam(name) for name in _DELIVERY_COLUMNS})
_ENABLED_ENDPOINTS = core_select(_ENDPOINTS.c.id, _ENDPOINTS.c.events).where(
    _ENDPOINTS.c.project_id == bindparam("project_id"), _ENDPOINTS.c.enabled.is_(True)
)
_ENABLED_ENDPOINT = _ENABLED_ENDPOINTS.where(_ENDPOINTS.c.id == bindparam("endpoint_id"))
# PostgreSQL: the event written and the endpoints read in one statement (a data-modifying WITH; the
# read does not depend on the row), where two cost a round trip more. SQLite puts the insert off
# into the read's trip instead (``Statements.execute_later``).
_WITH_EVENT = {
    read: read.add_cte(_INSERT_EVENT.cte("event")) for read in (_ENABLED_ENDPOINTS, _ENABLED_ENDPOINT)
}


async def record_event(
    transaction: AsyncSession | Statements,
    *,
    project_id: uuid.UUID,
    event_type: str,
    data: dict[str, Any],
    now: datetime,
    linked_account_id: uuid.UUID | None = None,
    opt_in: bool = False,
    only_endpoint_id: uuid.UUID | None = None,
) -> uuid.UUID:
    """Add the event and a delivery, due at ``now``, for every enabled endpoint of the project that
    subscribes to ``event_type`` (``opt_in`` types only where the endpoint's filter names them). With
    ``only_endpoint_id`` the event goes to that one endpoint whatever its filter (a ``ping``).

    Returns the event's id. Written in ``transaction`` (a session's, whose pending ORM changes are
    flushed first, as a query would; or ``database.transaction``'s), which commits it with the change
    the event describes."""
    statements = await as_statements(transaction) if isinstance(transaction, AsyncSession) else transaction
    event_id = uuid.uuid4()
    event = {"id": event_id, "project_id": project_id, "type": event_type,
             "linked_account_id": linked_account_id, "data": data, "created_at": now}  # fmt: skip
    if only_endpoint_id is None:
        read, parameters = _ENABLED_ENDPOINTS, {"project_id": project_id}
    else:
        read, parameters = _ENABLED_ENDPOINT, {"project_id": project_id, "endpoint_id": only_endpoint_id}
    if statements.dialect_name == "postgresql":
        endpoints = await statements.all(_WITH_EVENT[read], {**event, **parameters})
    else:
        await statements.execute_later(_INSERT_EVENT, event)
        endpoints = await statements.all(read, parameters)
    deliveries = [
        {"id": uuid.uuid4(), "project_id": project_id, "event_id": event_id, "endpoint_id": endpoint_id,
         "status": "pending", "attempt_count": 0, "next_attempt_at": now, "created_at": now, "updated_at": now}
        for endpoint_id, filter_ in endpoints
        if only_endpoint_id is not None or _subscribes(filter_, event_type, opt_in=opt_in)
    ]  # fmt: skip
    if deliveries:
        await statements.execute_many(_INSERT_DELIVERIES, deliveries)
    return event_id


async def list_events(
    session: AsyncSession,
    *,
    project_id: uuid.UUID,
    event_type: str | None,
    linked_account_id: uuid.UUID | None,
    exclude_types: tuple[str, ...] = (),
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[Event]:
    """One page of the project's events in (created_at, id) order, after the given position."""
    query = select(Event).where(col(Event.project_id) == project_id)
    if event_type is not None:
        query = query.where(col(Event.type) == event_type)
    if exclude_types:
        query = query.where(col(Event.type).not_in(exclude_types))
    if linked_account_id is not None:
        query = query.where(col(Event.linked_account_id) == linked_account_id)
    if after is not None:
        query = query.where(tuple_(col(Event.created_at), col(Event.id)) > tuple_(*after))
    query = query.order_by(col(Event.created_at), col(Event.id)).limit(limit)
    return list((await session.execute(query)).scalars())
