"""Linked accounts and their encrypted credentials."""

from __future__ import annotations

import functools
import uuid
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Boolean, Update, and_, bindparam, case, func, insert, not_, null, or_, tuple_, update
from sqlalchemy import delete as sql_delete
from sqlalchemy import select as core_select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession
from sqlalchemy.orm.exc import StaleDataError
from sqlmodel import col, select

from linkvault.errors import NotFound
from linkvault.store.api_keys import find_project_id_by_key_hash
from linkvault.store.app_configurations import APP_COLUMNS, get_app_configuration_by_id, joined_app, with_app
from linkvault.store.database import Reader, Statements, connect, write_first
from linkvault.store.models import ApiKey, AppConfiguration, LinkedAccount, from_row, new_object
from linkvault.store.types import utc_now

__all__ = [
    "AccountCredentials",
    "acquire_refresh_lease",
    "delete_linked_account",
    "find_linked_account",
    "get_linked_account",
    "get_linked_account_by_id",
    "has_usable_account",
    "insert_linked_account",
    "list_account_ids",
    "list_idle_accounts",
    "list_linked_accounts",
    "mark_needs_reauth",
    "new_linked_account",
    "read_account_credentials",
    "read_account_credentials_for_key",
    "release_refresh_lease",
    "set_enabled",
    "store_refreshed_credentials",
    "update_linked_account",
    "with_columns",
]


# Built once, with and without the row lock: the callback and every account operation run them.
# populate_existing: a re-read in the same session must see what another process wrote.
_BY_ID = select(LinkedAccount).where(
    col(LinkedAccount.id) == bindparam("linked_account_id"),
    col(LinkedAccount.project_id) == bindparam("project_id"),
)
_ACCOUNT_BY_ID = {
    for_update: (_BY_ID.with_for_update() if for_update else _BY_ID).execution_options(populate_existing=True)
    for for_update in (False, True)
}


async def get_linked_account(
    session: AsyncSession, *, project_id: uuid.UUID, linked_account_id: uuid.UUID, for_update: bool = False
) -> LinkedAccount | None:
    """The project's account with this id (locked for update where the database can, on request)."""
    result = await session.execute(
        _ACCOUNT_BY_ID[for_update], {"linked_account_id": linked_account_id, "project_id": project_id}
    )
    return result.scalar_one_or_none()


@dataclass(frozen=True, slots=True)
class AccountCredentials:
    """What a credentials read needs of an account row, and no more (no refresh token, no lease):
    whether it may be used, its encrypted access token, and what tells whether that token is due."""

    id: uuid.UUID
    project_id: uuid.UUID
    enabled: bool
    credential_status: str
    access_token_encrypted: str = field(repr=False)
    token_type: str
    scope: str | None
    expires_at: datetime | None
    token_issued_at: datetime | None
    updated_at: datetime
    sequence: int
    security_scheme: str


_ACCOUNTS = LinkedAccount.__table__.c  # type: ignore[attr-defined]
_ACCOUNT_NAMES = tuple(column.key for column in _ACCOUNTS)
# Built once; by primary key, and the project's, so that a key of one project reads nothing of another.
_ACCOUNT_CREDENTIALS = core_select(
    *(_ACCOUNTS[name] for name in AccountCredentials.__dataclass_fields__)
).where(_ACCOUNTS.id == bindparam("id"), _ACCOUNTS.project_id == bindparam("project_id"))


async def read_account_credentials(
    connection: Reader, *, project_id: uuid.UUID, linked_account_id: uuid.UUID
) -> AccountCredentials | None:
    """The project's account's credential columns (one Core statement by primary key), or None."""
    row = await connection.first(_ACCOUNT_CREDENTIALS, {"id": linked_account_id, "project_id": project_id})
    return None if row is None else AccountCredentials(*tuple(row))


_KEYS = ApiKey.__table__.c  # type: ignore[attr-defined]
# The key's project, and that project's account: an outer join, so that a key without the account
# still names its project (a 404, not a 401).
_KEY_AND_ACCOUNT_CREDENTIALS = (
    core_select(_KEYS.project_id, *(_ACCOUNTS[name] for name in AccountCredentials.__dataclass_fields__))
    .select_from(
        ApiKey.__table__.outerjoin(  # type: ignore[attr-defined]
            LinkedAccount.__table__,  # type: ignore[attr-defined]
            and_(_ACCOUNTS.id == bindparam("id"), _ACCOUNTS.project_id == _KEYS.project_id),
        )
    )
    .where(_KEYS.key_hash == bindparam("key_hash"), _KEYS.revoked_at.is_(None))
)


async def read_account_credentials_for_key(
    connection: Reader, *, key_hash: str, linked_account_id: uuid.UUID, dialect_name: str
) -> tuple[uuid.UUID, AccountCredentials | None] | None:
    """What ``api_keys.find_project_id_by_key_hash`` and ``read_account_credentials`` read: None when
    no active key has this hash; else the key's project, with that project's account of this id, or
    None when it has none. One statement on PostgreSQL; two on SQLite, whose planner, once ANALYZE
    has seen a handful of keys, scans ``api_keys`` for the join instead of using its index (and its
    statistics do not follow the table's growth), while its two inline reads cost microseconds."""
    if dialect_name == "sqlite":
        project_id = await find_project_id_by_key_hash(connection, key_hash=key_hash)
        if project_id is None:
            return None
        return project_id, await read_account_credentials(
            connection, project_id=project_id, linked_account_id=linked_account_id
        )
    row = await connection.first(
        _KEY_AND_ACCOUNT_CREDENTIALS, {"key_hash": key_hash, "id": linked_account_id}
    )
    if row is None:
        return None
    project_id, *account = tuple(row)
    return project_id, None if account[0] is None else AccountCredentials(*account)


async def get_linked_account_by_id(
    session: AsyncSession, *, linked_account_id: uuid.UUID
) -> LinkedAccount | None:
    """The account with this id in any project (for the operator's command line, not the API)."""
    return await session.get(LinkedAccount, linked_account_id)


# Core statements built once: the callback runs them. The row lock is PostgreSQL's (SQLite has none,
# and its compiler leaves FOR UPDATE out).
_BY_OWNER = core_select(*_ACCOUNTS).where(
    _ACCOUNTS.project_id == bindparam("project_id"),
    _ACCOUNTS.app_name == bindparam("app_name"),
    _ACCOUNTS.linked_account_owner_id == bindparam("owner_id"),
)
_ACCOUNT_BY_OWNER = {False: _BY_OWNER, True: _BY_OWNER.with_for_update()}
_INSERT_ACCOUNT = insert(LinkedAccount.__table__).values(  # type: ignore[attr-defined]
    {column.key: bindparam(f"{column.key}_") for column in _ACCOUNTS}
)


@functools.lru_cache(maxsize=16)
def _update_account(columns: frozenset[str]) -> Update:
    # One statement object for each set of columns, so that its compiled form is reused.
    return (
        update(LinkedAccount.__table__)  # type: ignore[attr-defined]
        .where(_ACCOUNTS.id == bindparam("id_"))
        .values({name: bindparam(f"{name}_") for name in sorted(columns)})
    )


async def find_linked_account(
    reader: Reader, *, project_id: uuid.UUID, app_name: str, owner_id: str, for_update: bool = True
) -> LinkedAccount | None:
    """The account for (project, app, owner), an object of no session, locked for update where the
    database can (unless ``for_update`` is false: a plain read)."""
    row = await reader.first(
        _ACCOUNT_BY_OWNER[for_update], {"project_id": project_id, "app_name": app_name, "owner_id": owner_id}
    )
    return None if row is None else from_row(LinkedAccount, _ACCOUNT_NAMES, row)


def new_linked_account(**columns: Any) -> LinkedAccount:
    """A new account of ``columns`` (by their names), every other column its default (a new ``id``),
    attached to no session: for ``insert_linked_account``. Raises ValueError for a required column not
    given."""
    return new_object(LinkedAccount, _ACCOUNT_NAMES, columns)


def with_columns(account: LinkedAccount, columns: Mapping[str, Any]) -> LinkedAccount:
    """A copy of ``account`` with ``columns`` (by their names) replaced, attached to no session: for
    ``update_linked_account``."""
    return from_row(
        LinkedAccount,
        _ACCOUNT_NAMES,
        [columns[name] if name in columns else getattr(account, name) for name in _ACCOUNT_NAMES],
    )


async def insert_linked_account(statements: Statements, *, account: LinkedAccount) -> None:
    """Insert ``account`` (every column), put off as ``Statements.execute_later`` puts it. Raises
    Conflict, there or at the commit, when a concurrent insert of the same (project, app, owner) won
    the race to the unique constraint, or its app was deleted meanwhile."""
    await statements.execute_later(
        _INSERT_ACCOUNT,
        {f"{name}_": getattr(account, name) for name in _ACCOUNT_NAMES},
        conflict="the linked account was created concurrently",
    )


async def update_linked_account(
    statements: Statements, *, account: LinkedAccount, columns: Collection[str]
) -> None:
    """Write ``columns`` of ``account`` to its row, and no other: what another writer changed meanwhile
    in the rest (a refresh lease, on SQLite, which has no row lock) stays as it wrote it. Put off as
    ``Statements.execute_later`` puts it."""
    parameters = {f"{name}_": getattr(account, name) for name in columns}
    await statements.execute_later(_update_account(frozenset(columns)), {**parameters, "id_": account.id})


async def list_linked_accounts(
    session: AsyncSession,
    *,
    project_id: uuid.UUID,
    app_name: str | None,
    owner_id: str | None,
    enabled: bool | None = None,
    credential_status: str | None = None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> list[LinkedAccount]:
    """One page in (created_at, id) order, starting after the given position (keyset pagination)."""
    query = select(LinkedAccount).where(LinkedAccount.project_id == project_id)
    if enabled is not None:
        query = query.where(col(LinkedAccount.enabled) == enabled)
    if credential_status is not None:
        query = query.where(col(LinkedAccount.credential_status) == credential_status)
    if app_name is not None:
        query = query.where(LinkedAccount.app_name == app_name)
    if owner_id is not None:
        query = query.where(LinkedAccount.linked_account_owner_id == owner_id)
    if after is not None:
        created_at, account_id = after
        query = query.where(
            tuple_(col(LinkedAccount.created_at), col(LinkedAccount.id)) > tuple_(created_at, account_id)
        )
    query = query.order_by(col(LinkedAccount.created_at), col(LinkedAccount.id)).limit(limit)
    return list((await session.execute(query)).scalars())


async def list_idle_accounts(
    session: AsyncSession, *, now: datetime, limit: int, exclude: Collection[uuid.UUID] = ()
) -> list[LinkedAccount]:
    """Up to ``limit`` enabled, active accounts with a refresh token, of apps with a
    ``refresh_idle_after_seconds``, whose refresh token was last used (``token_issued_at``: linked or
    refreshed) longer ago than that, the longest idle first across every app, leaving out the ids in
    ``exclude``. One indexed query per such app, each of at most ``limit`` rows."""
    apps = await session.execute(
        select(col(AppConfiguration.id), col(AppConfiguration.refresh_idle_after_seconds)).where(
            col(AppConfiguration.refresh_idle_after_seconds).is_not(None)
        )
    )
    idle_since = func.coalesce(col(LinkedAccount.token_issued_at), col(LinkedAccount.created_at))
    found: list[LinkedAccount] = []
    for app_id, idle_seconds in apps.all():
        assert idle_seconds is not None  # selected for it
        cutoff = now - timedelta(seconds=idle_seconds)
        query = (
            select(LinkedAccount)
            .where(
                col(LinkedAccount.app_configuration_id) == app_id,
                col(LinkedAccount.enabled).is_(True),
                col(LinkedAccount.credential_status) == "active",
                col(LinkedAccount.refresh_token_encrypted).is_not(None),
                idle_since <= cutoff,
            )
            .order_by(idle_since)
            .limit(limit)
        )
        if exclude:
            query = query.where(col(LinkedAccount.id).not_in(list(exclude)))
        found.extend((await session.execute(query)).scalars())
    # The first app's idle accounts no longer fill every batch before another app's are looked at.
    found.sort(key=lambda account: account.token_issued_at or account.created_at)
    return found[:limit]


async def delete_linked_account(session: AsyncSession, *, account: LinkedAccount) -> None:
    """Delete ``account``. Raises NotFound when it was deleted meanwhile (the ORM's own delete only
    warns when its row is gone, so both of two racing deletes succeeded, each with its event)."""
    result = await session.execute(
        sql_delete(LinkedAccount)
        .where(col(LinkedAccount.id) == account.id)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount == 0:  # type: ignore[attr-defined]
        raise NotFound("no such linked account")
    session.expunge(account)


async def _flush_or_gone(session: AsyncSession) -> None:
    # The row lock that get_linked_account(for_update=True) asks for does not exist on SQLite: a
    # concurrent delete can take the row between the read and this write, which then matches nothing.
    try:
        await session.flush()
    except StaleDataError as exc:
        raise NotFound("no such linked account") from exc


# Built once. The lease is free when nobody holds it or its holder's time ran out; to a request that
# waited on a holder ("unless_failed") it is not, once that holder gave it back failed: checked in the
# same statement, since a holder can give it back between the waiter's read and its next try.
_TAKE_LEASE = (
    update(LinkedAccount.__table__)  # type: ignore[attr-defined]
    .where(
        _ACCOUNTS.id == bindparam("account_id"),  # not "id": SQLAlchemy reserves a column's name
        or_(
            _ACCOUNTS.refresh_lease_expires_at.is_(None),
            _ACCOUNTS.refresh_lease_expires_at <= bindparam("now"),
        ),
        or_(not_(bindparam("unless_failed", type_=Boolean)), _ACCOUNTS.refresh_failed_at.is_(None)),
    )
    .values(
        refresh_lease_id=bindparam("lease_id"),
        refresh_lease_expires_at=bindparam("until"),
        refresh_failed_at=null(),
    )
    .returning(*_ACCOUNTS)
)
_LEASED = _TAKE_LEASE.cte("leased")
# PostgreSQL: the lease taken and the account's app read in one statement (a data-modifying WITH),
# an outer join so that an account whose app is gone is still leased, and told apart.
_TAKE_LEASE_WITH_APP = core_select(_LEASED, *APP_COLUMNS).select_from(
    with_app(_LEASED, _LEASED.c.app_configuration_id)
)


async def acquire_refresh_lease(
    engine: AsyncEngine,
    *,
    linked_account_id: uuid.UUID,
    lease_id: str,
    now: datetime,
    until: datetime,
    unless_failed: bool = False,
) -> tuple[LinkedAccount, AppConfiguration | None] | None:
    """Take the account's refresh lease until ``until``, in one statement committed alone, so that of
    any number of processes exactly one gets it; clears the previous holder's ``refresh_failed_at``.
    Returns the account as leased and its app configuration (None when the app was deleted); None
    when another holder's lease has not run out (or there is no such account), or, ``unless_failed``
    (a request that waited on that holder), when the last holder gave it back failed. Both are plain
    objects, attached to no session.

    On PostgreSQL the app is read in the same statement: one round trip before the provider is asked,
    where a session's transaction and another session's read took six, each a turn of an event loop that,
    in a refresh storm, is busy with the requests waiting for this refresh (benchmarks/README.md).
    SQLite cannot change rows inside ``WITH``; its app read runs inline after the commit."""
    parameters = {
        "account_id": linked_account_id,
        "lease_id": lease_id,
        "now": now,
        "until": until,
        "unless_failed": unless_failed,
    }
    if engine.dialect.name != "postgresql":
        leased = await write_first(engine, _TAKE_LEASE, parameters)
        if leased is None:
            return None
        account = from_row(LinkedAccount, _ACCOUNT_NAMES, leased)
        async with connect(engine) as reader:
            return account, await get_app_configuration_by_id(
                reader, app_configuration_id=account.app_configuration_id
            )
    row = await write_first(engine, _TAKE_LEASE_WITH_APP, parameters)
    if row is None:
        return None
    account_row, app_row = row[: len(_ACCOUNT_NAMES)], row[len(_ACCOUNT_NAMES) :]
    return from_row(LinkedAccount, _ACCOUNT_NAMES, account_row), joined_app(app_row)


_RELEASE_LEASE = (
    update(LinkedAccount.__table__)  # type: ignore[attr-defined]
    .where(_ACCOUNTS.id == bindparam("account_id"), _ACCOUNTS.refresh_lease_id == bindparam("lease_id"))
    .values(
        refresh_lease_id=null(), refresh_lease_expires_at=null(), refresh_failed_at=bindparam("failed_at")
    )
)


async def release_refresh_lease(
    statements: Statements, *, linked_account_id: uuid.UUID, lease_id: str, failed_at: datetime | None = None
) -> None:
    """Give the lease back, if it is still this holder's; ``failed_at`` when the provider failed the
    refresh (stored as ``refresh_failed_at``, for the requests waiting on this holder). Put off as
    ``Statements.execute_later`` puts it."""
    await statements.execute_later(
        _RELEASE_LEASE, {"account_id": linked_account_id, "lease_id": lease_id, "failed_at": failed_at}
    )


# Guarded by the sequence the writer started from: a newer write wins, and this one changes nothing.
_SAME_CREDENTIALS = (
    _ACCOUNTS.id == bindparam("account_id"),
    _ACCOUNTS.sequence == bindparam("expected_sequence"),
)


@functools.lru_cache(maxsize=4)
def _store_refreshed(*, new_refresh_token: bool, releases_lease: bool) -> Update:
    # Built once for each combination: a refresh runs it, and building it cost more than sending it.
    values: dict[str, Any] = {
        "access_token_encrypted": bindparam("access_token_encrypted_"),
        "token_type": bindparam("token_type_"),
        "scope": bindparam("scope_"),
        "expires_at": bindparam("expires_at_"),
        "token_issued_at": bindparam("now_"),
        "last_refreshed_at": bindparam("now_"),
        "credential_status": "active",
        "status_reason": null(),
        "sequence": _ACCOUNTS.sequence + 1,
        "updated_at": bindparam("now_"),
    }
    if new_refresh_token:
        values["refresh_token_encrypted"] = bindparam("refresh_token_encrypted_")
    if releases_lease:
        still_ours = _ACCOUNTS.refresh_lease_id == bindparam("release_lease_id_")
        values["refresh_lease_id"] = case((still_ours, null()), else_=_ACCOUNTS.refresh_lease_id)
        values["refresh_lease_expires_at"] = case(
            (still_ours, null()), else_=_ACCOUNTS.refresh_lease_expires_at
        )
    return (
        update(LinkedAccount.__table__)  # type: ignore[attr-defined]
        .where(*_SAME_CREDENTIALS)
        .values(values)
        .returning(*_ACCOUNTS)
    )


async def store_refreshed_credentials(
    statements: Statements,
    *,
    linked_account_id: uuid.UUID,
    expected_sequence: int,
    access_token_encrypted: str,
    refresh_token_encrypted: str | None,
    token_type: str,
    scope: str | None,
    expires_at: datetime | None,
    now: datetime,
    release_lease_id: str | None = None,
) -> LinkedAccount | None:
    """Write a refreshed token set and bump ``sequence``, only if the credentials are still those
    of ``expected_sequence``; None when another write came first. A None refresh token keeps the
    stored one (RFC 6749 §6: the old one stays valid when no new one is issued). With
    ``release_lease_id``, the refresh lease is given back in the same statement if it is still that
    holder's (``release_refresh_lease``'s rule). Returns the account as written, an object of no session."""
    statement = _store_refreshed(
        new_refresh_token=refresh_token_encrypted is not None, releases_lease=release_lease_id is not None
    )
    row = await statements.first(
        statement,
        {
            "account_id": linked_account_id,
            "expected_sequence": expected_sequence,
            "access_token_encrypted_": access_token_encrypted,
            "refresh_token_encrypted_": refresh_token_encrypted,
            "token_type_": token_type,
            "scope_": scope,
            "expires_at_": expires_at,
            "now_": now,
            "release_lease_id_": release_lease_id,
        },
    )
    return None if row is None else from_row(LinkedAccount, _ACCOUNT_NAMES, row)


_MARK_NEEDS_REAUTH = (
    update(LinkedAccount.__table__)  # type: ignore[attr-defined]
    .where(*_SAME_CREDENTIALS)
    .values(credential_status="needs_reauth", status_reason=bindparam("reason"), updated_at=bindparam("now"))
    .returning(*_ACCOUNTS)
)


async def mark_needs_reauth(
    statements: Statements,
    *,
    linked_account_id: uuid.UUID,
    expected_sequence: int,
    reason: str,
    now: datetime | None = None,
) -> LinkedAccount | None:
    """Mark the account ``needs_reauth`` for ``reason`` and return it (an object of no session), only
    if its credentials are still those of ``expected_sequence`` (a newer write means the dead token was
    already replaced); None otherwise."""
    row = await statements.first(
        _MARK_NEEDS_REAUTH,
        {"account_id": linked_account_id, "expected_sequence": expected_sequence, "reason": reason,
         "now": now or utc_now()},
    )  # fmt: skip
    return None if row is None else from_row(LinkedAccount, _ACCOUNT_NAMES, row)


async def set_enabled(session: AsyncSession, *, account: LinkedAccount, enabled: bool) -> LinkedAccount:
    """Enable or disable ``account``; its credentials are kept either way. Raises NotFound when it was
    deleted meanwhile."""
    account.enabled = enabled
    account.updated_at = utc_now()
    await _flush_or_gone(session)
    return account


async def has_usable_account(
    session: AsyncSession, *, project_id: uuid.UUID, app_name: str, owner_id: str | None
) -> bool:
    """Whether the project has an enabled, not ``needs_reauth`` account of the app (of ``owner_id``
    when given, of anyone otherwise)."""
    query = select(col(LinkedAccount.id)).where(
        col(LinkedAccount.project_id) == project_id,
        col(LinkedAccount.app_name) == app_name,
        col(LinkedAccount.enabled).is_(True),
        col(LinkedAccount.credential_status) != "needs_reauth",
    )
    if owner_id is not None:
        query = query.where(col(LinkedAccount.linked_account_owner_id) == owner_id)
    return (await session.execute(query.limit(1))).first() is not None


async def list_account_ids(
    session: AsyncSession, *, project_id: uuid.UUID, app_name: str, owner_id: str | None, limit: int
) -> list[uuid.UUID]:
    """Ids of up to ``limit`` of the project's accounts of the app (of ``owner_id`` when given), in id order."""
    query = select(col(LinkedAccount.id)).where(
        col(LinkedAccount.project_id) == project_id, col(LinkedAccount.app_name) == app_name
    )
    if owner_id is not None:
        query = query.where(col(LinkedAccount.linked_account_owner_id) == owner_id)
    result = await session.execute(query.order_by(col(LinkedAccount.id)).limit(limit))
    return list(result.scalars())
