"""Started links, stored by the hash of their state until the provider calls back."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlmodel import col

from linkvault.store.app_configurations import APP_COLUMNS, get_app_configuration_by_id, joined_app, with_app
from linkvault.store.database import Statements
from linkvault.store.models import AppConfiguration, LinkState, from_row

__all__ = [
    "add_link_state",
    "consume_link_state",
    "delete_expired_link_states",
    "get_link_state",
    "record_outcome",
    "why_unusable",
]


_NARROWED = ((False, False), (True, False), (False, True), (True, True))
_LINK_STATES = LinkState.__table__  # type: ignore[attr-defined]
_COLUMNS = tuple(column.key for column in _LINK_STATES.columns)
# Built once: every start link runs it.
_INSERT_LINK_STATE = insert(_LINK_STATES).values({name: bindparam(f"{name}_") for name in _COLUMNS})


async def add_link_state(statements: Statements, *, link_state: LinkState) -> LinkState:
    """Insert ``link_state`` (every column), put off as ``Statements.execute_later`` puts it, and
    return it."""
    await statements.execute_later(
        _INSERT_LINK_STATE, {f"{name}_": getattr(link_state, name) for name in _COLUMNS}
    )
    return link_state


def _narrowed(conditions: list[Any], *, by_project: bool, by_app: bool) -> list[Any]:
    """``conditions`` with the project's and the app's where the caller's face names them."""
    if by_project:
        conditions.append(_LINK_STATES.c.project_id == bindparam("project_id_"))
    if by_app:
        conditions.append(_LINK_STATES.c.app_name == bindparam("app_name_"))
    return conditions


# Core statements, built once per combination of narrowing: a callback runs them, and building them
# cost more than sending them (benchmarks/README.md).
_CONSUME = {
    (by_project, by_app): update(_LINK_STATES)
    .where(
        *_narrowed(
            [
                _LINK_STATES.c.state_hash == bindparam("state_hash_"),
                _LINK_STATES.c.consumed_at.is_(None),
                _LINK_STATES.c.expires_at > bindparam("now_"),
            ],
            by_project=by_project,
            by_app=by_app,
        )
    )
    .values(consumed_at=bindparam("now_"))
    .returning(*_LINK_STATES.columns)
    for by_project, by_app in _NARROWED
}
_STATE_TIMES = {
    (by_project, by_app): select(_LINK_STATES.c.consumed_at, _LINK_STATES.c.expires_at).where(
        *_narrowed(
            [_LINK_STATES.c.state_hash == bindparam("state_hash_")], by_project=by_project, by_app=by_app
        )
    )
    for by_project, by_app in _NARROWED
}


def _parameters(state_hash: str, project_id: uuid.UUID | None, app_name: str | None) -> dict[str, Any]:
    # Named apart from the columns: an UPDATE reserves the columns' own names for its SET clause.
    parameters: dict[str, Any] = {"state_hash_": state_hash}
    if project_id is not None:
        parameters["project_id_"] = project_id
    if app_name is not None:
        parameters["app_name_"] = app_name
    return parameters


# PostgreSQL: the state used up and its app read in one statement (a data-modifying WITH), where a
# second statement cost a round trip before the code's exchange could start.
_CONSUME_WITH_APP = {
    narrowing: select(consumed, *APP_COLUMNS).select_from(with_app(consumed, consumed.c.app_configuration_id))
    for narrowing, consumed in (
        (narrowing, statement.cte("consumed")) for narrowing, statement in _CONSUME.items()
    )
}


async def consume_link_state(
    statements: Statements,
    *,
    state_hash: str,
    now: datetime,
    project_id: uuid.UUID | None = None,
    app_name: str | None = None,
) -> tuple[LinkState, AppConfiguration | None] | None:
    """Mark the state used and return it with its app configuration (None when the app was deleted),
    both objects of no session; the state in one statement, so that two callbacks racing with the
    same state cannot both get it (on PostgreSQL the app in the same statement, on SQLite in the
    next). A state that is expired, used, or of another project or app (when those are given) is
    left as it is and None is returned."""
    narrowing = (project_id is not None, app_name is not None)
    parameters = {**_parameters(state_hash, project_id, app_name), "now_": now}
    if statements.dialect_name == "postgresql":
        row = await statements.first(_CONSUME_WITH_APP[narrowing], parameters)
        if row is None:
            return None
        return from_row(LinkState, _COLUMNS, row[: len(_COLUMNS)]), joined_app(row[len(_COLUMNS) :])
    row = await statements.first(_CONSUME[narrowing], parameters)
    if row is None:
        return None
    link = from_row(LinkState, _COLUMNS, row)
    return link, await get_app_configuration_by_id(statements, app_configuration_id=link.app_configuration_id)


async def why_unusable(
    statements: Statements,
    *,
    state_hash: str,
    now: datetime,
    project_id: uuid.UUID | None = None,
    app_name: str | None = None,
) -> Literal["used", "expired"] | None:
    """Why ``consume_link_state`` found nothing for this state: ``used`` (consumed before, whether or
    not it has expired since), ``expired``, or None when no such state is stored for the project and
    app given (unknown, another project's or app's, or expired and already deleted)."""
    statement = _STATE_TIMES[project_id is not None, app_name is not None]
    row = await statements.first(statement, _parameters(state_hash, project_id, app_name))
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


_RECORD_OUTCOME = (
    update(_LINK_STATES)
    .where(_LINK_STATES.c.id == bindparam("link_state_id"))
    .values(outcome=bindparam("outcome_"), linked_account_id=bindparam("linked_account_id_"))
)


async def record_outcome(
    statements: Statements, *, link_state_id: uuid.UUID, outcome: str, linked_account_id: uuid.UUID | None
) -> None:
    """Note how a consumed link ended: ``completed`` with the account it saved, or an error code
    (put off as ``Statements.execute_later`` puts it)."""
    await statements.execute_later(
        _RECORD_OUTCOME,
        {"link_state_id": link_state_id, "outcome_": outcome, "linked_account_id_": linked_account_id},
    )
