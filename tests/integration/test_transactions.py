"""``store.database.transaction``: statements the driver sends itself, all or nothing, on both databases."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import asyncpg
import pytest
from sqlalchemy import event, func, make_url, select

from linkvault.engine import projects
from linkvault.engine.services import Services, open_services
from linkvault.errors import Conflict, DatabaseUnavailable
from linkvault.settings import Settings
from linkvault.store import events
from linkvault.store.database import is_integrity_error, transaction
from linkvault.store.models import Event, WebhookEndpoint

_NOW = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)


async def _project(services: Services) -> uuid.UUID:
    return (await projects.create_project(services, name="transactions")).project_id


async def _event_types(services: Services, project_id: uuid.UUID) -> list[str]:
    async with services.sessions() as session:
        rows = await session.execute(
            select(Event.type).where(Event.project_id == project_id).order_by(Event.type)  # type: ignore[arg-type]
        )
        return list(rows.scalars())


async def _record(statements: Any, project_id: uuid.UUID, event_type: str) -> uuid.UUID:
    return await events.record_event(
        statements, project_id=project_id, event_type=event_type, data={"n": 1}, now=_NOW
    )


def _checked_in(services: Services) -> int:
    return services.db_engine.sync_engine.pool.checkedin()  # type: ignore[attr-defined, no-any-return]


@pytest.mark.anyio
async def test_a_transaction_commits_its_statements_together(services: Services) -> None:
    project_id = await _project(services)
    async with transaction(services.db_engine) as statements:
        await _record(statements, project_id, "a")
        await _record(statements, project_id, "b")
        # Its own writes are visible to its later statements.
        counted = await statements.first(
            select(func.count()).select_from(Event).where(Event.project_id == project_id),  # type: ignore[arg-type]
            {},
        )
        assert counted is not None and counted[0] == 2
    assert await _event_types(services, project_id) == ["a", "b"]


@pytest.mark.anyio
async def test_a_transaction_that_raises_writes_nothing_and_its_connection_serves_the_next(
    services: Services,
) -> None:
    project_id = await _project(services)
    with pytest.raises(RuntimeError, match="changed its mind"):
        async with transaction(services.db_engine) as statements:
            await _record(statements, project_id, "lost")
            raise RuntimeError("the caller changed its mind")
    available = _checked_in(services)
    assert available >= 1
    async with transaction(services.db_engine) as statements:
        await _record(statements, project_id, "kept")
    assert await _event_types(services, project_id) == ["kept"]
    assert _checked_in(services) == available  # the same connection went back, none was lost


@pytest.mark.anyio
async def test_a_broken_constraint_is_told_apart_and_undoes_the_whole_transaction(services: Services) -> None:
    project_id = await _project(services)
    async with transaction(services.db_engine) as statements:
        existing = await _record(statements, project_id, "existing")
    with pytest.raises(Exception) as raised:
        async with transaction(services.db_engine) as statements:
            await _record(statements, project_id, "lost")
            await statements.execute(
                events._INSERT_EVENT,
                {"id": existing, "project_id": project_id, "type": "duplicate", "linked_account_id": None,
                 "data": {}, "created_at": _NOW},
            )  # fmt: skip
    assert is_integrity_error(raised.value)
    assert await _event_types(services, project_id) == ["existing"]


@pytest.mark.anyio
async def test_a_put_off_statement_that_breaks_a_constraint_is_a_conflict_and_undoes_everything(
    services: Services,
) -> None:
    """``execute_later``: on SQLite the statement runs in the commit's trip, on PostgreSQL at once;
    either way its broken constraint is the Conflict it names, nothing of the transaction is kept,
    and the next transaction works."""
    project_id = await _project(services)
    async with transaction(services.db_engine) as statements:
        existing = await _record(statements, project_id, "existing")
    with pytest.raises(Conflict, match="already recorded"):
        async with transaction(services.db_engine) as statements:
            await _record(statements, project_id, "lost")
            await statements.execute_later(
                events._INSERT_EVENT,
                {"id": existing, "project_id": project_id, "type": "duplicate", "linked_account_id": None,
                 "data": {}, "created_at": _NOW},
                conflict="already recorded",
            )  # fmt: skip
    assert await _event_types(services, project_id) == ["existing"]
    async with transaction(services.db_engine) as statements:
        await _record(statements, project_id, "kept")
    assert await _event_types(services, project_id) == ["existing", "kept"]


@pytest.mark.anyio
async def test_put_off_statements_run_before_the_next_one_in_order_and_go_with_a_rollback(
    services: Services,
) -> None:
    project_id = await _project(services)
    first, second = uuid.uuid4(), uuid.uuid4()
    row = {"project_id": project_id, "linked_account_id": None, "data": {}, "created_at": _NOW}
    with pytest.raises(RuntimeError, match="changed its mind"):
        async with transaction(services.db_engine) as statements:
            await statements.execute_later(events._INSERT_EVENT, {**row, "id": first, "type": "one"})
            await statements.execute_later(events._INSERT_EVENT, {**row, "id": second, "type": "two"})
            seen = await statements.all(
                select(Event.id).where(Event.project_id == project_id).order_by(Event.type),  # type: ignore[arg-type]
                {},
            )
            assert [found[0] for found in seen] == [first, second]
            await statements.execute_later(events._INSERT_EVENT, {**row, "id": uuid.uuid4(), "type": "three"})
            raise RuntimeError("the caller changed its mind")
    assert await _event_types(services, project_id) == []


@pytest.mark.anyio
async def test_a_put_off_statement_sent_with_a_read_of_other_tables_counts_as_before_it(
    services: Services,
) -> None:
    """On PostgreSQL a put-off statement rides in the next read when they share no table: the read
    still answers, the write is kept with the commit, and a constraint the write breaks is its
    Conflict, undoing everything; on SQLite both go in one trip. Either way as if sent one by one."""
    project_id = await _project(services)
    endpoints = select(WebhookEndpoint.id).where(WebhookEndpoint.project_id == project_id)  # type: ignore[arg-type]
    row = {"project_id": project_id, "linked_account_id": None, "data": {}, "created_at": _NOW}
    kept = uuid.uuid4()
    async with transaction(services.db_engine) as statements:
        await statements.execute_later(events._INSERT_EVENT, {**row, "id": kept, "type": "kept"})
        assert await statements.all(endpoints, {}) == []
    assert await _event_types(services, project_id) == ["kept"]
    with pytest.raises(Conflict, match="already recorded"):
        async with transaction(services.db_engine) as statements:
            await _record(statements, project_id, "lost")
            await statements.execute_later(
                events._INSERT_EVENT, {**row, "id": kept, "type": "duplicate"}, conflict="already recorded"
            )
            await statements.all(endpoints, {})
    assert await _event_types(services, project_id) == ["kept"]


@pytest.mark.anyio
async def test_a_transaction_cancelled_in_mid_statement_writes_nothing_and_the_pool_goes_on(
    services: Services,
) -> None:
    """A request cancelled (a client gone, a shutdown) while its statement runs: the transaction
    is rolled back or its connection closed, never returned to the pool with it open."""
    project_id = await _project(services)
    engine = services.db_engine
    if engine.dialect.name == "sqlite":
        # SQLite has no sleep of its own: one the test gives it, run in aiosqlite's thread.
        def add_sleep(dbapi_connection: Any, _record: Any) -> None:
            dbapi_connection.create_function("pg_sleep", 1, lambda seconds: time.sleep(seconds))

        event.listen(engine.sync_engine, "connect", add_sleep)
        await engine.dispose()  # the next connection gets it
    started = asyncio.Event()

    async def slow_transaction() -> None:
        async with transaction(engine) as statements:
            await _record(statements, project_id, "lost")
            started.set()
            await statements.first(select(func.pg_sleep(1)), {})

    running = asyncio.create_task(slow_transaction())
    await asyncio.wait_for(started.wait(), 10)
    await asyncio.sleep(0.1)
    running.cancel()
    with pytest.raises(asyncio.CancelledError):
        await running
    async with transaction(engine) as statements:
        await _record(statements, project_id, "kept")
    assert await _event_types(services, project_id) == ["kept"]


# Only the connections of the test's own services are ended, told apart by their application_name:
# ending every connection to the database would also end those of servers other tests share.
_OWN_NAME = f"lv_ended_{uuid.uuid4().hex[:12]}"


@pytest.fixture
async def own_services(migrated: Settings) -> AsyncIterator[Services]:
    """linkvault's services on the test database, their PostgreSQL connections named ``_OWN_NAME``."""
    url = make_url(migrated.database_url)
    if url.get_backend_name() == "postgresql":
        url = url.update_query_dict({"application_name": _OWN_NAME})
    opened = open_services(
        migrated.model_copy(update={"database_url": url.render_as_string(hide_password=False)})
    )
    try:
        yield opened
    finally:
        await opened.aclose()


async def _close_every_connection(services: Services) -> None:
    """What a PostgreSQL restart or failover does to linkvault's connections: the server ends them."""
    url = services.db_engine.url.set(drivername="postgresql", query={}).render_as_string(hide_password=False)
    admin = await asyncpg.connect(url)
    try:
        await admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name = $1 AND pid <> pg_backend_pid()",
            _OWN_NAME,
        )
    finally:
        await admin.close()


def _postgresql_only(services: Services) -> None:
    if services.db_engine.dialect.name != "postgresql":
        pytest.skip("PostgreSQL only: an SQLite file has no server to end its connections")


@pytest.mark.anyio
async def test_a_pooled_connection_the_server_ended_is_one_503_then_the_pool_is_renewed(
    own_services: Services,
) -> None:
    _postgresql_only(own_services)
    project_id = await _project(own_services)
    async with transaction(own_services.db_engine) as statements:
        await _record(statements, project_id, "before")  # a connection is pooled, idle
    await _close_every_connection(own_services)
    with pytest.raises(DatabaseUnavailable):
        async with transaction(own_services.db_engine) as statements:
            await _record(statements, project_id, "lost")
    async with transaction(own_services.db_engine) as statements:
        await _record(statements, project_id, "after")
    assert await _event_types(own_services, project_id) == ["after", "before"]


@pytest.mark.anyio
async def test_a_connection_lost_in_mid_transaction_is_a_503_and_writes_nothing(
    own_services: Services,
) -> None:
    """The rollback cannot be sent either; the loss, not the failed rollback, is what the caller hears."""
    _postgresql_only(own_services)
    project_id = await _project(own_services)
    with pytest.raises(DatabaseUnavailable):
        async with transaction(own_services.db_engine) as statements:
            await _record(statements, project_id, "lost")
            await _close_every_connection(own_services)
            await _record(statements, project_id, "never")
    async with transaction(own_services.db_engine) as statements:
        await _record(statements, project_id, "kept")
    assert await _event_types(own_services, project_id) == ["kept"]
