"""Seeding a benchmark database fast: projects and apps through the engine, accounts in bulk.

Projects (with their API keys) and app configurations go through linkvault's own engine, as the CLI
and the API make them. Linked accounts, which a real deployment gets one OAuth flow at a time, are
written in bulk with SQLAlchemy Core inserts of rows built from the store's models and encrypted with
the store's cipher: 10,000 accounts take seconds instead of 10,000 flows.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    cast,
    func,
    insert,
    literal,
    select,
    text,
)

from linkvault.engine import app_configurations, projects
from linkvault.engine.services import Services
from linkvault.store.models import LinkedAccount
from linkvault.store.types import utc_now

__all__ = ["SeededProject", "grow_accounts", "insert_accounts", "seed_projects", "settle"]

_BATCH = 5_000
# Distinct ciphertexts are made up to this many accounts and reused after (a 1,000,000-account seed
# would otherwise spend minutes encrypting); every read still decrypts its own row.
_DISTINCT_TOKENS = 20_000


@dataclass
class SeededProject:
    project_id: uuid.UUID
    api_key: str = field(repr=False)
    app_name: str
    app_configuration_id: uuid.UUID
    account_ids: list[uuid.UUID] = field(default_factory=list)


async def seed_projects(
    services: Services, *, count: int, issuer: str, client_id: str, client_secret: str, prefix: str = "bench"
) -> list[SeededProject]:
    """``count`` projects, each with one key and one app configuration at the test provider."""
    seeded = []
    for index in range(count):
        created = await projects.create_project(services, name=f"{prefix}-{index}")
        app = await app_configurations.create_app_configuration(
            services,
            project_id=created.project_id,
            fields={
                "app_name": "bench",
                "issuer": issuer,
                "client_id": client_id,
                "client_secret": client_secret,
                "scopes": ["openid", "offline_access"],
                "authorize_params": {"prompt": "consent"},
                "token_endpoint_auth_method": "client_secret_basic",
            },
        )
        seeded.append(
            SeededProject(
                project_id=created.project_id,
                api_key=created.api_key,
                app_name=app.app_name,
                app_configuration_id=app.id,
            )
        )
    return seeded


async def insert_accounts(
    services: Services,
    project: SeededProject,
    *,
    count: int,
    owner_prefix: str,
    due: bool = False,
    refresh_token_encrypted: str | None = None,
) -> list[uuid.UUID]:
    """Insert ``count`` linked accounts into ``project`` and return their ids.

    Not ``due``: a token valid for 30 days (never refreshed during a run). ``due``: a token that
    expired a minute ago, with ``refresh_token_encrypted`` (a real one from the test provider), so the
    first credentials read refreshes it."""
    now = utc_now()
    if due:
        issued, expires = now - timedelta(hours=1), now - timedelta(minutes=1)
    else:
        issued, expires = now, now + timedelta(days=30)
    tokens = [
        services.cipher.encrypt(f"bench-access-{uuid.uuid4().hex}")
        for _ in range(min(count, _DISTINCT_TOKENS))
    ]
    ids = [uuid.uuid4() for _ in range(count)]
    rows = (
        _row(
            account_id,
            project,
            owner=f"{owner_prefix}-{index}",
            access_token_encrypted=tokens[index % len(tokens)],
            refresh_token_encrypted=refresh_token_encrypted,
            issued=issued,
            expires=expires,
            created=now,
        )
        for index, account_id in enumerate(ids)
    )
    for batch in _batches(rows, _BATCH):
        async with services.sessions.begin() as session:
            await session.execute(insert(LinkedAccount), batch)
    project.account_ids.extend(ids)
    return ids


async def grow_accounts(services: Services, project: SeededProject, *, count: int, owner_prefix: str) -> None:
    """Add ``count`` accounts to ``project`` as ``insert_accounts`` does (not due), with the rows made
    by the database itself: one ``INSERT ... SELECT`` of a random id, the owner ``<owner_prefix>-<n>``,
    one of ``_DISTINCT_TOKENS`` fresh ciphertexts and ``insert_accounts``'s other values. Built in
    Python, a million rows took 2-3 minutes of the bench's 10 (SQLAlchemy's processing of each row's 16
    values). ``project.account_ids`` gets every id of the project, old and new, for the reads' sample."""
    now = utc_now()
    values = _row(
        uuid.uuid4(), project, owner="", access_token_encrypted="", refresh_token_encrypted=None,
        issued=now, expires=now + timedelta(days=30), created=now,
    )  # fmt: skip
    tokens = [
        {"k": index, "token": services.cipher.encrypt(f"bench-access-{uuid.uuid4().hex}")}
        for index in range(min(count, _DISTINCT_TOKENS))
    ]
    table = LinkedAccount.__table__  # type: ignore[attr-defined]
    grow_tokens = Table(
        "grow_tokens", MetaData(), Column("k", Integer, primary_key=True), Column("token", Text, nullable=False),
        prefixes=["TEMPORARY"],
    )  # fmt: skip
    async with services.db_engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            numbers = func.generate_series(0, count - 1).table_valued("n").render_derived(name="numbers")
            new_id = func.gen_random_uuid()
        else:
            first = select(literal(0).label("n")).cte("numbers", recursive=True)
            numbers = first.union_all(select(first.c.n + 1).where(first.c.n < count - 1))
            new_id = func.lower(func.hex(func.randomblob(16)))
            # The copy's random ids land all over the table's indexes: without their pages in memory,
            # each insert reads and writes some back. This connection is the bench's, dropped after.
            await connection.execute(text("PRAGMA cache_size = -262144"))
        await connection.run_sync(grow_tokens.metadata.create_all)
        await connection.execute(insert(grow_tokens), tokens)
        same = [
            name for name in values if name not in ("id", "linked_account_owner_id", "access_token_encrypted")
        ]
        rows = (
            select(
                new_id, literal(f"{owner_prefix}-") + cast(numbers.c.n, String), grow_tokens.c.token,
                *(literal(values[name], table.c[name].type) for name in same),
            )
            .select_from(numbers)
            .join(grow_tokens, grow_tokens.c.k == numbers.c.n % len(tokens))
        )  # fmt: skip
        await connection.execute(
            insert(table).from_select(
                ["id", "linked_account_owner_id", "access_token_encrypted", *same], rows
            )
        )
        await connection.run_sync(grow_tokens.metadata.drop_all)
        ids = await connection.execute(
            select(LinkedAccount.id).where(LinkedAccount.project_id == project.project_id)  # type: ignore[arg-type]
        )
        project.account_ids[:] = list(ids.scalars())


async def settle(services: Services) -> None:
    """Bring a freshly bulk-loaded database to the steady state a long-running one is in: statistics
    gathered (PostgreSQL's autovacuum and SQLite's ANALYZE would do it in time) and the write-ahead log
    checkpointed, so that a measurement right after seeding does not share the machine with that work."""
    async with services.db_engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            # VACUUM cannot run inside a transaction.
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text("VACUUM ANALYZE"))
            await connection.execute(text("CHECKPOINT"))
        else:
            await connection.execute(text("ANALYZE"))
            await connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
            await connection.commit()


async def refresh_token_of(services: Services, account_id: uuid.UUID) -> str | None:
    """The stored (encrypted) refresh token of an account linked through the real flow."""
    async with services.sessions() as session:
        result = await session.execute(
            select(LinkedAccount.refresh_token_encrypted).where(LinkedAccount.id == account_id)  # type: ignore[arg-type]
        )
        return result.scalar_one()


def _row(
    account_id: uuid.UUID,
    project: SeededProject,
    *,
    owner: str,
    access_token_encrypted: str,
    refresh_token_encrypted: str | None,
    issued: datetime,
    expires: datetime,
    created: datetime,
) -> dict[str, Any]:
    return {
        "id": account_id,
        "project_id": project.project_id,
        "app_configuration_id": project.app_configuration_id,
        "app_name": project.app_name,
        "linked_account_owner_id": owner,
        "enabled": True,
        "credential_status": "active",
        "access_token_encrypted": access_token_encrypted,
        "refresh_token_encrypted": refresh_token_encrypted,
        "token_type": "Bearer",
        "scope": "openid offline_access",
        "expires_at": expires,
        "token_issued_at": issued,
        "sequence": 1,
        "created_at": created,
        "updated_at": created,
    }


def _batches(rows: Iterable[dict[str, Any]], size: int) -> Iterable[list[dict[str, Any]]]:
    batch: list[dict[str, Any]] = []
    for row in rows:
        batch.append(row)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch
