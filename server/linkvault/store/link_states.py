"""Started links, stored by the hash of their state until the provider calls back."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Literal

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from linkvault.store.models import LinkState

__all__ = [
    "add_link_state",
    "consume_link_state",
    "delete_expired_link_states",
    "get_link_state",
    "record_outcome",
    "why_unusable",
]


async def add_link_state(session: AsyncSession, *, link_state: LinkState) -> LinkState:
    session.add(link_state)
    await session.flush()
    return link_state


async def consume_link_state(
    session: AsyncSession,
    *,
    state_hash: str,
    now: datetime,
    project_id: uuid.UUID | None = None,
    app_name: str | None = None,
) -> LinkState | None:
    """Mark the state used and return it, in one statement, so that two callbacks racing with the
    same state cannot both get it. A state that is expired, used, or of another project or app
    (when those are given) is left as it is and None is returned."""
    conditions = [
        col(LinkState.state_hash) == state_hash,
        col(LinkState.consumed_at).is_(None),
        col(LinkState.expires_at) > now,
    ]
    if project_id is not None:
        conditions.append(col(LinkState.project_id) == project_id)
    if app_name is not None:
        conditions.append(col(LinkState.app_name) == app_name)
    result = await session.execute(
        update(LinkState).where(*conditions).values(consumed_at=now).returning(LinkState)
    )
    return result.scalar_one_or_none()


async def why_unusable(
    session: AsyncSession,
    *,
    state_hash: str,
    now: datetime,
    project_id: uuid.UUID | None = None,
    app_name: str | None = None,
) -> Literal["used", "expired"] | None:
    """Why ``consume_link_state`` found nothing for this state: ``used`` (consumed before, whether or
    not it has expired since), ``expired``, or None when no such state is stored for the project and
    app given (unknown, another project's or app's, or expired and already deleted)."""
    conditions = [col(LinkState.state_hash) == state_hash]
    if project_id is not None:
        conditions.append(col(LinkState.project_id) == project_id)
    if app_name is not None:
        conditions.append(col(LinkState.app_name) == app_name)
    result = await session.execute(
        select(col(LinkState.consumed_at), col(LinkState.expires_at)).where(*conditions)
    )
    row = result.one_or_none()
    if row is None:
        return None
    consumed_at, expires_at = row
    if consumed_at is not None:
        return "used"
    return "expired" if expires_at <= now else None


async def delete_expired_link_states(session: AsyncSession, *, now: datetime, limit: int) -> int:
    """Delete up to ``limit`` link states that expired by ``now`` (by the ``expires_at`` index);
    returns how many went."""
    expired = select(col(LinkState.id)).where(col(LinkState.expires_at) <= now).limit(limit)
    result = await session.execute(delete(LinkState).where(col(LinkState.id).in_(expired)))
    return int(result.rowcount)  # type: ignore[attr-defined]


async def get_link_state(
    session: AsyncSession, *, link_state_id: uuid.UUID, project_id: uuid.UUID
) -> LinkState | None:
    """The project's link state with this id, or None (also for another project's)."""
    result = await session.execute(
        select(LinkState)
        .where(col(LinkState.id) == link_state_id, col(LinkState.project_id) == project_id)
        .execution_options(populate_existing=True)
    )
    return result.scalar_one_or_none()


async def record_outcome(
    session: AsyncSession, *, link_state_id: uuid.UUID, outcome: str, linked_account_id: uuid.UUID | None
) -> None:
    """Note how a consumed link ended: ``completed`` with the account it saved, or an error code."""
    await session.execute(
        update(LinkState)
        .where(col(LinkState.id) == link_state_id)
        .values(outcome=outcome, linked_account_id=linked_account_id)
    )
