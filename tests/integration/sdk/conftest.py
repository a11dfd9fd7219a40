"""Fixtures of the SDK tests: SDK clients of the shared server, authenticated as ``project`` or not."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from linkvault_client import AuthenticatedClient, Client
from support.projects import Project
from support.sdk import anonymous_client, api_key_client, bearer_client
from support.server import RunningServer


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def bearer(linkvault_server: RunningServer, project: Project) -> Iterator[AuthenticatedClient]:
    with bearer_client(linkvault_server, project) as client:
        yield client


@pytest.fixture
def keyed(linkvault_server: RunningServer, project: Project) -> Iterator[Client]:
    with api_key_client(linkvault_server, project) as client:
        yield client


@pytest.fixture
def anonymous(linkvault_server: RunningServer) -> Iterator[Client]:
    with anonymous_client(linkvault_server) as client:
        yield client
