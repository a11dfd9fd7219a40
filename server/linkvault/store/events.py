"""The event outbox: each event is written in the transaction of the change it describes, together
with one pending delivery per endpoint of the project that subscribes to it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import tuple_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select

from linkvault.store.models import Event, WebhookDelivery, WebhookEndpoint

__all__ = ["list_events", "record_event"]


def _subscribes(endpoint: WebhookEndpoint, event_type: str, *, opt_in: bool) -> bool:
    """An endpoint without a filter gets every type but the opt-in ones; one with a filter, its types."""
    if endpoint.events:
        return event_type in endpoint.events
    return not opt_in


async def record_event(
    session: AsyncSession,
    *,
    project_id: uuid.UUID,
    event_type: str,
    data: dict[str, Any],
    now: datetime,
    linked_account_id: uuid.UUID | None = None,
    opt_in: bool = False,
    only_endpoint_id: uuid.UUID | None = None,
) -> Event:
    """Add the event and a delivery, due at ``now``, for every enabled endpoint of the project that
    subscribes to ``event_type`` (``opt_in`` types only where the endpoint's filter names them). With
    ``only_endpoint_id`` the event goes to that one endpoint whatever its filter (a ``ping``).

    Flushes; the caller's transaction commits it with the change the event describes."""
    event = Event(
        project_id=project_id,
        type=event_type,
        linked_account_id=linked_account_id,
        data=data,
        created_at=now,
    )
    session.add(event)
    query = select(WebhookEndpoint).where(
        col(WebhookEndpoint.project_id) == project_id, col(WebhookEndpoint.enabled).is_(True)
    )
    if only_endpoint_id is not None:
        query = query.where(col(WebhookEndpoint.id) == only_endpoint_id)
    endpoints = (await session.execute(query)).scalars()
    for endpoint in endpoints:
        if only_endpoint_id is not None or _subscribes(endpoint, event_type, opt_in=opt_in):
            session.add(
                WebhookDelivery(
                    project_id=project_id,
                    event_id=event.id,
                    endpoint_id=endpoint.id,
                    next_attempt_at=now,
                    created_at=now,
                    updated_at=now,
                )
            )
    await session.flush()
    return event


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
