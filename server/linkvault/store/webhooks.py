"""Webhook endpoints, their deliveries and the attempts of each delivery."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import case, literal, or_, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col, select
from sqlmodel.sql.expression import Select

from linkvault.store.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = [
    "add_endpoint",
    "attempts_of",
    "claim_due_deliveries",
    "delete_endpoint",
    "endpoints_by_id",
    "events_by_id",
    "find_delivery",
    "finish_attempt",
    "get_delivery",
    "get_endpoint",
    "list_deliveries",
    "list_endpoints",
    "note_endpoint_outcome",
    "reschedule_delivery",
]


async def add_endpoint(session: AsyncSession, *, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    """Insert ``endpoint`` (its secret already encrypted)."""
    session.add(endpoint)
    await session.flush()
    return endpoint


async def get_endpoint(
    session: AsyncSession, *, project_id: uuid.UUID, endpoint_id: uuid.UUID, for_update: bool = False
) -> WebhookEndpoint | None:
    """The project's endpoint with this id (locked for update where the database can, on request)."""
    query = select(WebhookEndpoint).where(
        col(WebhookEndpoint.id) == endpoint_id, col(WebhookEndpoint.project_id) == project_id
    )
    if for_update:
        query = query.with_for_update()
    result = await session.execute(query.execution_options(populate_existing=True))
    return result.scalar_one_or_none()


async def list_endpoints(session: AsyncSession, *, project_id: uuid.UUID) -> list[WebhookEndpoint]:
    """The project's endpoints, oldest first."""
    query = (
        select(WebhookEndpoint)
        .where(col(WebhookEndpoint.project_id) == project_id)
        .order_by(col(WebhookEndpoint.created_at), col(WebhookEndpoint.id))
    )
    return list((await session.execute(query)).scalars())


async def delete_endpoint(session: AsyncSession, *, endpoint: WebhookEndpoint) -> None:
    """Delete the endpoint with its deliveries and their attempts (foreign keys cascade)."""
    await session.delete(endpoint)
    await session.flush()


async def claim_due_deliveries(
    session: AsyncSession, *, now: datetime, lease_id: str, until: datetime, limit: int
) -> list[WebhookDelivery]:
    """Take up to ``limit`` pending deliveries that are due, of enabled endpoints, and not claimed by a
    live worker, until ``until``, in one ``UPDATE … RETURNING``. On PostgreSQL the candidate rows are
    chosen ``FOR UPDATE SKIP LOCKED``, so concurrent workers take disjoint sets without waiting; SQLite
    has one writer at a time, which makes the statement atomic there too. A claim whose worker dies runs
    out at ``until`` and the delivery is taken again (at least once)."""
    due = (
        select(col(WebhookDelivery.id))
        .join(WebhookEndpoint, col(WebhookEndpoint.id) == col(WebhookDelivery.endpoint_id))
        .where(
            col(WebhookDelivery.status) == "pending",
            col(WebhookDelivery.next_attempt_at) <= now,
            or_(
                col(WebhookDelivery.lease_expires_at).is_(None), col(WebhookDelivery.lease_expires_at) <= now
            ),
            col(WebhookEndpoint.enabled).is_(True),
        )
        .order_by(col(WebhookDelivery.next_attempt_at), col(WebhookDelivery.id))
        .limit(limit)
        .with_for_update(skip_locked=True, of=WebhookDelivery)
    )
    result = await session.execute(
        update(WebhookDelivery)
        .where(col(WebhookDelivery.id).in_(due.scalar_subquery()))
        .values(lease_id=lease_id, lease_expires_at=until)
        .returning(WebhookDelivery)
        .execution_options(synchronize_session=False)
    )
    return list(result.scalars())


async def events_by_id(session: AsyncSession, *, event_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Event]:
    """The events with these ids, by id."""
    if not event_ids:
        return {}
    result = await session.execute(select(Event).where(col(Event.id).in_(event_ids)))
    return {event.id: event for event in result.scalars()}


async def endpoints_by_id(
    session: AsyncSession, *, endpoint_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, WebhookEndpoint]:
    """The endpoints with these ids, by id."""
    if not endpoint_ids:
        return {}
    result = await session.execute(select(WebhookEndpoint).where(col(WebhookEndpoint.id).in_(endpoint_ids)))
    return {endpoint.id: endpoint for endpoint in result.scalars()}


async def finish_attempt(
    session: AsyncSession,
    *,
    delivery_id: uuid.UUID,
    lease_id: str,
    attempt: WebhookAttempt,
    status: str,
    next_attempt_at: datetime | None,
    now: datetime,
) -> bool:
    """Record ``attempt`` and move the delivery on (``status``, ``next_attempt_at``), giving the claim
    back. The delivery is changed only while ``lease_id`` still holds it: False when the claim ran out
    and another worker took it over (the attempt is recorded all the same; it happened), or when the
    delivery is gone with its endpoint (then there is nothing to record it on)."""
    result = await session.execute(
        update(WebhookDelivery)
        .where(col(WebhookDelivery.id) == delivery_id, col(WebhookDelivery.lease_id) == lease_id)
        .values(
            status=status,
            attempt_count=WebhookDelivery.attempt_count + 1,
            next_attempt_at=next_attempt_at,
            lease_id=None,
            lease_expires_at=None,
            updated_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    held = bool(result.rowcount)  # type: ignore[attr-defined]
    if held or await session.get(WebhookDelivery, delivery_id) is not None:
        session.add(attempt)
        await session.flush()
    return held


async def note_endpoint_outcome(
    session: AsyncSession,
    *,
    endpoint_id: uuid.UUID,
    succeeded: bool,
    failing_after: int,
    disable: bool,
    now: datetime,
) -> None:
    """Count the endpoint's consecutive failures: a success resets them (``healthy``), ``failing_after``
    of them in a row mark it ``failing``; ``disable`` (a delivery ran out of attempts) switches it off."""
    values: dict[str, object]
    if succeeded:
        values = {"consecutive_failures": 0, "delivery_status": "healthy"}
    else:
        failures = col(WebhookEndpoint.consecutive_failures) + 1
        values = {
            "consecutive_failures": failures,
            "delivery_status": case(
                (failures >= literal(failing_after), "failing"), else_=col(WebhookEndpoint.delivery_status)
            ),
        }
        if disable:
            values.update(enabled=False, disabled_reason="deliveries_failed", delivery_status="failing")
    values["updated_at"] = now
    await session.execute(
        update(WebhookEndpoint)
        .where(col(WebhookEndpoint.id) == endpoint_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def list_deliveries(
    session: AsyncSession,
    *,
    endpoint_id: uuid.UUID,
    status: str | None,
    limit: int,
    before: tuple[datetime, uuid.UUID] | None = None,
) -> list[tuple[WebhookDelivery, Event]]:
    """The endpoint's newest deliveries first, each with its event; with ``before``, those older than
    that (created_at, id) position (keyset pagination)."""
    query = deliveries_query(endpoint_id=endpoint_id, status=status, limit=limit, before=before)
    return [(delivery, event) for delivery, event in (await session.execute(query)).all()]


def deliveries_query(
    *, endpoint_id: uuid.UUID, status: str | None, limit: int, before: tuple[datetime, uuid.UUID] | None
) -> Select[WebhookDelivery, Event]:
    """``list_deliveries``'s statement: a range of ``ix_webhook_deliveries_endpoint_created`` read
    backwards, so a page costs its own rows, not a sort of the endpoint's every delivery."""
    query = (
        select(WebhookDelivery, Event)
        .join(Event, col(Event.id) == col(WebhookDelivery.event_id))
        .where(col(WebhookDelivery.endpoint_id) == endpoint_id)
    )
    if status is not None:
        query = query.where(col(WebhookDelivery.status) == status)
    if before is not None:
        query = query.where(
            tuple_(col(WebhookDelivery.created_at), col(WebhookDelivery.id)) < tuple_(*before)
        )
    return query.order_by(col(WebhookDelivery.created_at).desc(), col(WebhookDelivery.id).desc()).limit(limit)


async def attempts_of(
    session: AsyncSession, *, delivery_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, list[WebhookAttempt]]:
    """Each delivery's attempts, oldest first."""
    found: dict[uuid.UUID, list[WebhookAttempt]] = {delivery_id: [] for delivery_id in delivery_ids}
    if not delivery_ids:
        return found
    query = (
        select(WebhookAttempt)
        .where(col(WebhookAttempt.delivery_id).in_(delivery_ids))
        .order_by(col(WebhookAttempt.attempted_at), col(WebhookAttempt.id))
    )
    for attempt in (await session.execute(query)).scalars():
        found[attempt.delivery_id].append(attempt)
    return found


async def get_delivery(
    session: AsyncSession, *, endpoint_id: uuid.UUID, delivery_id: uuid.UUID
) -> tuple[WebhookDelivery, Event] | None:
    """The endpoint's delivery with this id and its event, or None."""
    query = (
        select(WebhookDelivery, Event)
        .join(Event, col(Event.id) == col(WebhookDelivery.event_id))
        .where(col(WebhookDelivery.id) == delivery_id, col(WebhookDelivery.endpoint_id) == endpoint_id)
        .execution_options(populate_existing=True)
    )
    row = (await session.execute(query)).first()
    return None if row is None else (row[0], row[1])


async def find_delivery(
    session: AsyncSession, *, event_id: uuid.UUID, endpoint_id: uuid.UUID
) -> WebhookDelivery | None:
    """The delivery of this event to this endpoint."""
    query = select(WebhookDelivery).where(
        col(WebhookDelivery.event_id) == event_id, col(WebhookDelivery.endpoint_id) == endpoint_id
    )
    return (await session.execute(query)).scalar_one_or_none()


async def reschedule_delivery(session: AsyncSession, *, delivery_id: uuid.UUID, now: datetime) -> None:
    """Make the delivery pending again, due at ``now``, with a fresh schedule (a manual retry)."""
    await session.execute(
        update(WebhookDelivery)
        .where(col(WebhookDelivery.id) == delivery_id)
        .values(status="pending", attempt_count=0, next_attempt_at=now, updated_at=now)
        .execution_options(synchronize_session=False)
    )
