"""Fixtures of the integration tests that run linkvault in-process (``support.inprocess``)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest

from linkvault.engine.services import Services, open_services
from linkvault.settings import Settings
from support.inprocess import InProcess, in_process


@pytest.fixture(scope="module")
def linkvault(migrated: Settings) -> Iterator[InProcess]:
    """linkvault in-process on the test database."""
    with in_process(migrated) as app:
        yield app


@pytest.fixture
def unreachable(tmp_path: Path, encryption_key: str) -> Iterator[InProcess]:
    """linkvault on an SQLite file in a directory that does not exist: every connection fails, as
    when the database does not answer."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'linkvault.db'}"
    with in_process(Settings(database_url=url, encryption_keys=encryption_key)) as app:
        yield app


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
async def services(migrated: Settings) -> AsyncIterator[Services]:
    """linkvault's services on the test database, for tests that call the engine or the store."""
    opened = open_services(migrated)
    try:
        yield opened
    finally:
        await opened.aclose()
