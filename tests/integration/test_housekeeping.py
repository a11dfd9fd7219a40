"""Expired link states are deleted: by `linkvault db prune`, and periodically by `linkvault serve`.
Time is injected (``Services.clock``), so no test waits for a state to expire."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import func, select

from linkvault.engine import app_configurations, housekeeping, linking, projects
from linkvault.engine.services import Services, open_services
from linkvault.settings import Settings
from linkvault.store.migrate import upgrade
from linkvault.store.models import LinkState
from support.cli import run_linkvault
from support.inprocess import FakeClock
from support.server import linkvault_env

pytestmark = pytest.mark.anyio

START = datetime(2026, 1, 1, tzinfo=UTC)


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def world(tmp_path: Path) -> AsyncIterator[tuple[Services, FakeClock, Callable[[], Awaitable[str]]]]:
    """Services on a database of the test's own, with a clock it moves, and a way to start a link."""
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'housekeeping.db'}",
        encryption_keys=Fernet.generate_key().decode(),
        prune_interval_seconds=0.01,
    )
    clock = FakeClock(START)
    services = dataclasses.replace(open_services(settings), clock=clock)
    await upgrade(services.db_engine)
    created = await projects.create_project(services, name="housekeeping")
    await app_configurations.create_app_configuration(
        services,
        project_id=created.project_id,
        fields={
            "app_name": "app",
            "client_id": "client",
            "authorize_url": "http://127.0.0.1:9/authorize",
            "token_url": "http://127.0.0.1:9/token",
        },
    )

    async def start() -> str:
        started = await linking.start_link(
            services, project_id=created.project_id, app_name="app", owner_id="owner", after_redirect_url=None
        )
        return started.url

    try:
        yield services, clock, start
    finally:
        await services.aclose()


async def _states(services: Services) -> int:
    async with services.sessions() as session:
        return int((await session.execute(select(func.count()).select_from(LinkState))).scalar_one())


async def test_expired_states_are_deleted_in_batches_and_live_ones_kept(world) -> None:
    services, clock, start = world
    ttl = timedelta(seconds=services.settings.state_ttl_seconds)
    for _ in range(3):
        await start()
    clock.now += ttl - timedelta(seconds=1)
    await start()
    clock.now += timedelta(seconds=2)  # the first three have expired, the last has not

    deleted = await housekeeping.prune_link_states(services, batch_size=2)

    assert deleted == 3
    assert await _states(services) == 1


async def test_serve_prunes_periodically(world) -> None:
    services, clock, start = world
    await start()
    clock.now += timedelta(seconds=services.settings.state_ttl_seconds + 1)
    task = asyncio.create_task(housekeeping.run_periodically(services))
    try:
        for _ in range(1000):  # 10 s at most
            if not await _states(services):
                break
            await asyncio.sleep(0.01)
        assert await _states(services) == 0
    finally:
        task.cancel()


async def test_db_prune_deletes_expired_states_from_the_command_line(world) -> None:
    services, clock, start = world
    clock.now = datetime.now(UTC) - timedelta(days=1)  # started yesterday: long expired by real time
    await start()
    env = linkvault_env(
        database_url=services.settings.database_url,
        encryption_keys=services.settings.encryption_keys.get_secret_value(),  # type: ignore[union-attr]
    )

    pruned = await asyncio.to_thread(run_linkvault, "db", "prune", env=env)

    assert pruned.returncode == 0, pruned.stderr
    assert pruned.stdout.strip() == "deleted 1 expired link states"
    assert await _states(services) == 0
