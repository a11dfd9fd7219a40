"""Fixtures of the Schemathesis contract suite: the implementation under test and a key for it.

By default that is ``create_app(settings)`` in-process (ASGI). With ``LINKVAULT_CONTRACT_URL`` (and
``LINKVAULT_CONTRACT_API_KEY``) it is whatever server answers at that URL.
"""

from __future__ import annotations

import dataclasses
import ipaddress
import os
from collections.abc import Iterator

import httpx
import pytest
from starlette.types import ASGIApp

from linkvault.app import create_app
from linkvault.engine.egress import IPAddress
from linkvault.engine.http import OutboundClient
from linkvault.engine.services import open_services
from linkvault.engine.urls import is_loopback_host
from linkvault.settings import Settings
from support.projects import create_project
from support.server import RunningServer, ServerFactory, free_port

CONTRACT_URL = os.environ.get("LINKVAULT_CONTRACT_URL") or None
CONTRACT_API_KEY = os.environ.get("LINKVAULT_CONTRACT_API_KEY") or None


class _LoopbackOnlyTransport(httpx.AsyncBaseTransport):
    """Refuses every outbound request but to loopback, as an unreachable provider would.

    Generated issuers may be real-looking https URLs; the suite must not reach beyond this machine."""

    def __init__(self) -> None:
        self._transport = httpx.AsyncHTTPTransport()

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not is_loopback_host(request.url.host):
            raise httpx.ConnectError("the contract suite reaches loopback only", request=request)
        return await self._transport.handle_async_request(request)

    async def aclose(self) -> None:
        await self._transport.aclose()


@pytest.fixture(scope="session")
def contract_api_key(request: pytest.FixtureRequest) -> str:
    """The key of the project the suite works in (LINKVAULT_CONTRACT_API_KEY against a URL)."""
    if CONTRACT_URL is not None:
        if CONTRACT_API_KEY is None:
            pytest.fail("LINKVAULT_CONTRACT_URL is set but LINKVAULT_CONTRACT_API_KEY is not")
        # With a wrong key every authenticated operation answers 401, which no check objects to: the
        # suite would pass without testing them.
        response = httpx.get(
            CONTRACT_URL.rstrip("/") + "/v1/app-configurations", headers={"X-API-KEY": CONTRACT_API_KEY}
        )
        if response.status_code != 200:
            pytest.fail(f"LINKVAULT_CONTRACT_API_KEY does not authenticate: HTTP {response.status_code}")
        return CONTRACT_API_KEY
    migrated: Settings = request.getfixturevalue("migrated")
    return create_project(migrated, name="contract").api_key


@pytest.fixture
def contract_app(migrated: Settings) -> ASGIApp:
    """``create_app`` with outbound HTTP confined to loopback.

    One per test: Schemathesis ends an ASGI app's lifespan when a test ends, and linkvault's lifespan
    closes the app's services then."""
    services = open_services(migrated, resolver=_loopback_names_only)
    client = OutboundClient(_LoopbackOnlyTransport(), timeout_seconds=migrated.http_timeout_seconds)
    webhooks = OutboundClient(_LoopbackOnlyTransport(), timeout_seconds=migrated.webhooks_timeout_seconds)
    return create_app(migrated, dataclasses.replace(services, http=client, webhook_http=webhooks))


async def _loopback_names_only(host: str, port: int) -> list[IPAddress]:
    """No DNS lookup leaves the machine: generated webhook hosts do not resolve, except localhost."""
    if host == "localhost":
        return [ipaddress.ip_address("127.0.0.1")]
    raise OSError(f"the contract suite resolves no names ({host})")


@pytest.fixture(scope="session")
def contract_server(session_servers: ServerFactory) -> Iterator[RunningServer]:
    """A real ``linkvault serve`` (uvicorn) on the suite's database, outbound HTTP confined to loopback.

    Its own process rather than the session's ``linkvault_server``, for that confinement: the proxy
    variables send every non-loopback request to a closed loopback port (httpx honours them, and
    NO_PROXY exempts loopback itself)."""
    nowhere = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    server = session_servers.start(
        "contract",
        extra_env={
            "LINKVAULT_HTTP_TIMEOUT_SECONDS": "3",
            "HTTP_PROXY": nowhere,
            "HTTPS_PROXY": nowhere,
            "ALL_PROXY": nowhere,
            "NO_PROXY": "127.0.0.1,localhost,::1",
        },
        log_level="warning",
    )
    yield server
    server.stop()
