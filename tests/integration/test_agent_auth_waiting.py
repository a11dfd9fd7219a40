"""Waiting for a link (LangSmith's ``GET /v2/auth/wait/{auth_id}``), in the engine with an injected clock:
the deadline, the cap, an expired link, the limit on waiters, and no database connection held while
waiting. No test sleeps through a deadline: the clock is moved."""

from __future__ import annotations

import asyncio
import dataclasses
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from linkvault.engine import agent_auth, projects
from linkvault.engine.services import Services, open_services
from linkvault.errors import TooManyWaiters
from linkvault.settings import Settings
from linkvault.store.migrate import upgrade
from support.inprocess import FakeClock

pytestmark = pytest.mark.anyio

START = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[Services, FakeClock, uuid.UUID]]:
    """Services with a clock the test moves, one waiter at a time, and a project with a provider."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'waiting.db'}",
        encryption_keys=Fernet.generate_key().decode(),
        auth_max_waiters=1,
        auth_wait_max_seconds=60,
        state_ttl_seconds=600,
    )
    clock = FakeClock(START)
    services = dataclasses.replace(open_services(settings), clock=clock)
    await upgrade(services.db_engine)
    created = await projects.create_project(services, name="waiting")
    await agent_auth.create_provider(
        services,
        project_id=created.project_id,
        body={
            "provider_id": "github",
            "name": "GitHub",
            "client_id": "client",
            "client_secret": "secret",
            "auth_url": "http://127.0.0.1:9/authorize",
            "token_url": "http://127.0.0.1:9/token",
        },
    )
    try:
        yield services, clock, created.project_id
    finally:
        await services.aclose()


async def _pending(services: Services, project_id: uuid.UUID) -> str:
    outcome = await agent_auth.authenticate(
        services, project_id=project_id, provider_id="github", user_id="user", scopes=["repo"]
    )
    assert outcome.status == "pending" and outcome.auth_id is not None
    return str(outcome.auth_id)


async def _sleeping(task: asyncio.Task[agent_auth.WaitOutcome]) -> None:
    """Let the wait look at the database and go to sleep before its next look (1 s of real time covers
    a first look on a slow machine; the poll interval is 0.5 s); it must not end meanwhile."""
    for _ in range(100):
        await asyncio.sleep(0.01)
        assert not task.done(), task


async def test_a_wait_ends_at_its_deadline_capped_by_the_setting(
    world: tuple[Services, FakeClock, uuid.UUID],
) -> None:
    services, clock, project_id = world
    auth_id = await _pending(services, project_id)
    wait = asyncio.create_task(
        agent_auth.wait(services, project_id=project_id, auth_id=auth_id, timeout_seconds=3_600)
    )
    await _sleeping(wait)

    # No connection is held between looks at the database, and no other wait is let in.
    assert services.db_engine.pool.checkedout() == 0  # type: ignore[attr-defined]
    with pytest.raises(TooManyWaiters):
        await agent_auth.wait(services, project_id=project_id, auth_id=auth_id, timeout_seconds=0)
    clock.now += timedelta(seconds=59)
    await asyncio.sleep(0.6)
    assert not wait.done()
    clock.now += timedelta(seconds=1)  # the 60 s cap, though 3600 s were asked for

    outcome = await asyncio.wait_for(wait, timeout=5)

    assert outcome == agent_auth.WaitOutcome(status="timeout")
    assert services.auth_waiters.count == 0
    # The slot is free again, and a zero timeout looks once.
    assert (
        await agent_auth.wait(services, project_id=project_id, auth_id=auth_id, timeout_seconds=0)
    ).status == "timeout"


async def test_an_unknown_foreign_or_expired_link_is_not_found(
    world: tuple[Services, FakeClock, uuid.UUID],
) -> None:
    services, clock, project_id = world
    auth_id = await _pending(services, project_id)
    other = await projects.create_project(services, name="other")

    unknown = await agent_auth.wait(
        services, project_id=project_id, auth_id=str(uuid.uuid4()), timeout_seconds=30
    )
    malformed = await agent_auth.wait(services, project_id=project_id, auth_id="x" * 300, timeout_seconds=30)
    foreign = await agent_auth.wait(
        services, project_id=other.project_id, auth_id=auth_id, timeout_seconds=30
    )
    clock.now += timedelta(seconds=600)
    expired = await agent_auth.wait(services, project_id=project_id, auth_id=auth_id, timeout_seconds=30)

    assert [unknown.status, malformed.status, foreign.status, expired.status] == ["not_found"] * 4
