"""Fixtures shared by every test suite: a real linkvault server on a fresh database, projects,
and the test authorization servers (oidc-provider)."""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography.fernet import Fernet

from linkvault.engine.services import open_services
from linkvault.settings import Settings
from linkvault.store.migrate import upgrade
from support.databases import fresh_database
from support.fake_provider import FakeProvider, fake_provider_running
from support.oidc import OidcProvider, RegisteredClient, oidc_provider, other_oidc_provider  # noqa: F401
from support.projects import Project, create_project
from support.server import RunningServer, ServerFactory

# Suites whose outcome does not depend on the database behind linkvault (protocol checks, request
# parsing, the HTTP surface, the browser, the docs): they run once, with the SQLite session, and the
# PostgreSQL session deselects them (`-m "not storage_independent"` in noxfile.py). Every other suite,
# whatever it stores, runs on both databases.
STORAGE_INDEPENDENT = (
    "unit/",
    "contract/",
    "integration/test_apps.py",
    "integration/test_benchmark.py",
    "integration/test_browser.py",
    "integration/test_browser_callback.py",
    "integration/test_cli_settings.py",
    "integration/test_explorer.py",
    "integration/test_metrics.py",
    "integration/test_provider_quirks.py",
    "integration/test_readme.py",
    "integration/test_request_ids.py",
    "integration/test_resolver.py",
    "integration/test_serve.py",
    "integration/sdk/test_readme.py",
    "security/test_code_injection.py",
    "security/test_mix_up.py",
    "security/test_open_redirect.py",
    "security/test_pkce_and_redirect_uri.py",
    "security/test_provider_misbehaviour.py",
    "security/test_request_bounds.py",
    "security/test_robustness.py",
)
_TESTS = Path(__file__).resolve().parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        where = Path(str(item.path)).resolve().relative_to(_TESTS).as_posix()
        if where.startswith(STORAGE_INDEPENDENT):
            item.add_marker(pytest.mark.storage_independent)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with fresh_database(os.environ.get("LINKVAULT_TEST_DATABASE_URL"), tmp_path_factory.mktemp("db")) as url:
        yield url


@pytest.fixture(scope="session")
def encryption_key() -> str:
    return Fernet.generate_key().decode()


@pytest.fixture(scope="session")
def settings(database_url: str, encryption_key: str) -> Settings:
    return Settings(database_url=database_url, encryption_keys=encryption_key)


@pytest.fixture(scope="session")
def migrated(settings: Settings) -> Settings:
    async def migrate() -> None:
        services = open_services(settings)
        try:
            await upgrade(services.db_engine)
        finally:
            await services.aclose()

    asyncio.run(migrate())
    return settings


@pytest.fixture(scope="session")
def session_servers(
    migrated: Settings, encryption_key: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerFactory]:
    """Servers that outlive a test (the shared one, a module's own), on the test database; every one
    still running is stopped when the session ends."""
    log_dir = tmp_path_factory.mktemp("servers")
    with ServerFactory(
        database_url=migrated.database_url, encryption_keys=encryption_key, log_dir=log_dir
    ) as factory:
        yield factory


@pytest.fixture
def server_factory(
    session_servers: ServerFactory, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[ServerFactory]:
    """Servers of one test, on the test database unless told otherwise; stopped when the test ends."""
    with session_servers.sibling(tmp_path_factory.mktemp("servers")) as factory:
        yield factory


@pytest.fixture(scope="session")
def linkvault_server(session_servers: ServerFactory) -> RunningServer:
    """The server most tests share; a provider slower than 3 s times out."""
    return session_servers.start("shared", extra_env={"LINKVAULT_HTTP_TIMEOUT_SECONDS": "3"})


@pytest.fixture(scope="session")
def fake_provider() -> Iterator[FakeProvider]:
    """A provider that answers the way a real one bends RFC 6749, as each test scripts it (loopback)."""
    with fake_provider_running() as provider:
        yield provider


@pytest.fixture
def api(linkvault_server: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=linkvault_server.base_url, timeout=30) as client:
        yield client


@pytest.fixture
def project(migrated: Settings) -> Project:
    return create_project(migrated)


@pytest.fixture
def other_project(migrated: Settings) -> Project:
    return create_project(migrated, name="other")


@dataclass(frozen=True)
class LinkedApp:
    """An app configuration in a project, registered as a client at a test provider."""

    app_name: str
    project: Project
    client: RegisteredClient
    provider: OidcProvider
    redirect_uri: str
    body: dict[str, Any]


AppFactory = Callable[..., LinkedApp]


@pytest.fixture
def make_app(api: httpx.Client, linkvault_server: RunningServer, oidc_provider: OidcProvider) -> AppFactory:  # noqa: F811
    counter = iter(range(1_000))

    def make(
        project: Project,
        *,
        provider: OidcProvider | None = None,
        redirect_uri: str | None = None,
        token_endpoint_auth_method: str = "client_secret_basic",
        **fields: Any,
    ) -> LinkedApp:
        provider = provider or oidc_provider
        callback = redirect_uri or f"{linkvault_server.base_url}/v1/linked-accounts/oauth2/callback"
        client = provider.register_client(
            redirect_uris=[callback], token_endpoint_auth_method=token_endpoint_auth_method
        )
        body: dict[str, Any] = {
            "app_name": f"app{next(counter)}",
            "issuer": provider.issuer,
            "client_id": client.client_id,
            "client_secret": client.client_secret,
            "scopes": ["openid", "offline_access", "profile"],
            "authorize_params": {"prompt": "consent"},
            "token_endpoint_auth_method": token_endpoint_auth_method,
            **fields,
        }
        if redirect_uri is not None:
            body["redirect_uri"] = redirect_uri
        response = api.post("/v1/app-configurations", json=body, headers=project.headers)
        assert response.status_code == 201, response.text
        return LinkedApp(
            app_name=body["app_name"], project=project, client=client, provider=provider,
            redirect_uri=callback, body=response.json(),
        )  # fmt: skip

    return make
