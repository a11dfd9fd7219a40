"""What happened to a project's accounts and links, as events (the Standard Webhooks envelope).

Each event is written to the outbox (``store.events``) in the same transaction as the change it
describes, so a committed change always has its event and a rolled-back one never does; the delivery
worker (``engine.webhook_delivery``) sends it to the subscribed endpoints afterwards, at least once.
Payloads carry ids, names, statuses, timestamps and ``sequence``, never a token, code, state or secret.
"""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy.ext.asyncio import AsyncSession

from linkvault.engine import cursors
from linkvault.engine.account_status import public_status
from linkvault.engine.services import Services
from linkvault.store import events as store
from linkvault.store.database import Statements
from linkvault.store.models import Event, LinkedAccount

__all__ = [
    "ACCOUNT_CREATED",
    "ACCOUNT_DELETED",
    "ACCOUNT_DISABLED",
    "ACCOUNT_ENABLED",
    "ACCOUNT_NEEDS_REAUTH",
    "ACCOUNT_REAUTHORIZED",
    "ACCOUNT_RECOVERED",
    "ACCOUNT_REFRESHED",
    "EVENT_TYPES",
    "LINK_FAILED",
    "OPT_IN_TYPES",
    "PING",
    "EventPage",
    "envelope",
    "envelope_bytes",
    "link_events",
    "list_events",
    "record_account_event",
    "record_link_failed",
    "record_ping",
]

ACCOUNT_CREATED: Final = "linked_account.created"
ACCOUNT_REAUTHORIZED: Final = "linked_account.reauthorized"
ACCOUNT_REFRESHED: Final = "linked_account.refreshed"
ACCOUNT_NEEDS_REAUTH: Final = "linked_account.needs_reauth"
ACCOUNT_RECOVERED: Final = "linked_account.recovered"
ACCOUNT_DISABLED: Final = "linked_account.disabled"
ACCOUNT_ENABLED: Final = "linked_account.enabled"
ACCOUNT_DELETED: Final = "linked_account.deleted"
LINK_FAILED: Final = "link.failed"
# Sent to one endpoint by ``POST /v1/webhook-endpoints/{id}/test``; not part of the event stream.
PING: Final = "ping"

EVENT_TYPES: Final = (
    ACCOUNT_CREATED, ACCOUNT_REAUTHORIZED, ACCOUNT_REFRESHED, ACCOUNT_NEEDS_REAUTH, ACCOUNT_RECOVERED,
    ACCOUNT_DISABLED, ACCOUNT_ENABLED, ACCOUNT_DELETED, LINK_FAILED,
)  # fmt: skip
# Frequent and rarely interesting: delivered only to endpoints whose filter names them.
OPT_IN_TYPES: Final = frozenset({ACCOUNT_REFRESHED})


def _timestamp(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _account_data(account: LinkedAccount) -> dict[str, Any]:
    """The spec's ``LinkedAccountEventData`` without the event-specific members."""
    return {
        "linked_account_id": str(account.id),
        "project_id": str(account.project_id),
        "app_name": account.app_name,
        "linked_account_owner_id": account.linked_account_owner_id,
        "status": public_status(account),
        "sequence": account.sequence,
        "last_refreshed_at": _timestamp(account.last_refreshed_at),
        "created_at": _timestamp(account.created_at),
        "updated_at": _timestamp(account.updated_at),
    }


def link_events(existing: LinkedAccount | None) -> list[str]:
    """What a link (OAuth2, or a secret given for another scheme) announces about the account it
    saves: ``created`` for a new one; else ``reauthorized``, with ``recovered`` when its grant was
    dead and ``enabled`` when it was disabled (a link revives both)."""
    if existing is None:
        return [ACCOUNT_CREATED]
    announced = [ACCOUNT_REAUTHORIZED]
    if existing.credential_status == "needs_reauth":
        announced.append(ACCOUNT_RECOVERED)
    if not existing.enabled:
        announced.append(ACCOUNT_ENABLED)
    return announced


async def record_account_event(
    transaction: AsyncSession | Statements,
    *,
    event_type: str,
    account: LinkedAccount,
    now: datetime,
    reason: str | None = None,
    revocation: str | None = None,
) -> uuid.UUID:
    """Write a ``linked_account.*`` event in the caller's ``transaction`` (a session's, or
    ``store.database.transaction``'s; returns its id). ``reason`` (needs_reauth: why)
    and ``revocation`` (deleted: how revoking at the provider went) are added when given."""
    data = _account_data(account)
    if reason is not None:
        data["reason"] = reason
    if revocation is not None:
        data["revocation"] = revocation
    return await store.record_event(
        transaction,
        project_id=account.project_id,
        event_type=event_type,
        data=data,
        now=now,
        linked_account_id=account.id,
        opt_in=event_type in OPT_IN_TYPES,
    )


async def record_link_failed(
    transaction: AsyncSession | Statements,
    *,
    project_id: uuid.UUID,
    app_name: str,
    owner_id: str,
    reason: str,
    now: datetime,
) -> uuid.UUID:
    """Write a ``link.failed`` event (returns its id): ``reason`` is one of linkvault's error codes, never provider text."""
    return await store.record_event(
        transaction,
        project_id=project_id,
        event_type=LINK_FAILED,
        data={
            "project_id": str(project_id),
            "app_name": app_name,
            "linked_account_owner_id": owner_id,
            "reason": reason,
        },
        now=now,
    )


async def record_ping(
    session: AsyncSession, *, project_id: uuid.UUID, endpoint_id: uuid.UUID, now: datetime
) -> uuid.UUID:
    """A ``ping`` for one endpoint, whatever its filter (returns the event's id)."""
    return await store.record_event(
        session,
        project_id=project_id,
        event_type=PING,
        data={"project_id": str(project_id), "webhook_endpoint_id": str(endpoint_id)},
        now=now,
        only_endpoint_id=endpoint_id,
    )


def envelope(event: Event) -> dict[str, Any]:
    """The Standard Webhooks payload: ``{"type", "timestamp", "data"}``, plus the event ``id`` (the
    ``webhook-id`` header's value) so a stored or pulled event names itself."""
    return {
        "id": str(event.id),
        "type": event.type,
        "timestamp": event.created_at.isoformat(),
        "data": event.data,
    }


def envelope_bytes(event: Event) -> bytes:
    """The body of every delivery of ``event``: the same bytes on every attempt."""
    return json.dumps(envelope(event), separators=(",", ":"), sort_keys=True).encode("utf-8")


@dataclass(frozen=True)
class EventPage:
    items: list[Event]
    next_cursor: str | None


async def list_events(
    services: Services,
    *,
    project_id: uuid.UUID,
    event_type: str | None,
    linked_account_id: uuid.UUID | None,
    limit: int,
    cursor: str | None,
) -> EventPage:
    """A page of the project's events, oldest first (keyset pagination); pings are not in the stream.
    Raises InvalidInput for a cursor this server did not give out."""
    after = cursors.decode_time_and_id(cursor) if cursor else None
    async with services.sessions() as session:
        items = await store.list_events(
            session,
            project_id=project_id,
            event_type=event_type,
            linked_account_id=linked_account_id,
            exclude_types=(PING,),
            after=after,
            limit=limit + 1,
        )
    more = len(items) > limit
    items = items[:limit]
    return EventPage(
        items=items,
        next_cursor=cursors.encode_time_and_id(items[-1].created_at, items[-1].id) if more else None,
    )
