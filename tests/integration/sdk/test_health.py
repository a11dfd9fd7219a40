"""The SDK's health operations: the liveness and readiness probes, which need no API key."""

from __future__ import annotations

from collections.abc import Iterator
from http import HTTPStatus
from pathlib import Path

import httpx
import pytest

from linkvault.app import create_app
from linkvault.engine.services import open_services
from linkvault.settings import Settings
from linkvault_client import Client
from linkvault_client.api.health import get_healthz, get_readyz
from linkvault_client.models import HealthStatus, HealthStatusStatus
from support.inprocess import BASE_URL, in_process
from support.sdk import assert_problem


@pytest.fixture
def unreachable_settings(tmp_path: Path, encryption_key: str) -> Settings:
    """An SQLite file in a directory that does not exist: every connection fails."""
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'missing' / 'linkvault.db'}",
        encryption_keys=encryption_key,
    )


@pytest.fixture
def unreachable(unreachable_settings: Settings) -> Iterator[Client]:
    with in_process(unreachable_settings) as app:
        yield Client(base_url=BASE_URL).set_httpx_client(app.http)


def test_probes_sync(anonymous: Client) -> None:
    assert get_healthz.sync(client=anonymous) == HealthStatus(status=HealthStatusStatus.OK)
    assert get_readyz.sync(client=anonymous) == HealthStatus(status=HealthStatusStatus.OK)

    for detailed in (get_healthz.sync_detailed(client=anonymous), get_readyz.sync_detailed(client=anonymous)):
        assert detailed.status_code == HTTPStatus.OK
        assert detailed.parsed == HealthStatus(status=HealthStatusStatus.OK)
        assert detailed.headers["x-request-id"]


@pytest.mark.anyio
async def test_probes_async(anonymous: Client) -> None:
    assert await get_healthz.asyncio(client=anonymous) == HealthStatus(status=HealthStatusStatus.OK)
    assert await get_readyz.asyncio(client=anonymous) == HealthStatus(status=HealthStatusStatus.OK)

    healthz = await get_healthz.asyncio_detailed(client=anonymous)
    readyz = await get_readyz.asyncio_detailed(client=anonymous)
    assert (healthz.status_code, readyz.status_code) == (HTTPStatus.OK, HTTPStatus.OK)
    assert isinstance(readyz.parsed, HealthStatus)


def test_readyz_of_an_unreachable_database_sync(unreachable: Client) -> None:
    assert_problem(get_readyz.sync(client=unreachable), 503, "database_unavailable")
    response = get_readyz.sync_detailed(client=unreachable)
    assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
    assert int(response.headers["retry-after"]) > 0
    assert_problem(response.parsed, 503, "database_unavailable")
    assert get_healthz.sync(client=unreachable) == HealthStatus(status=HealthStatusStatus.OK)


@pytest.mark.anyio
async def test_readyz_of_an_unreachable_database_async(unreachable_settings: Settings) -> None:
    services = open_services(unreachable_settings)
    transport = httpx.ASGITransport(app=create_app(unreachable_settings, services=services))
    try:
        async with httpx.AsyncClient(transport=transport, base_url=BASE_URL) as http:
            client = Client(base_url=BASE_URL).set_async_httpx_client(http)
            assert_problem(await get_readyz.asyncio(client=client), 503, "database_unavailable")
            response = await get_readyz.asyncio_detailed(client=client)
            assert response.status_code == HTTPStatus.SERVICE_UNAVAILABLE
            assert int(response.headers["retry-after"]) > 0
    finally:
        await services.aclose()
