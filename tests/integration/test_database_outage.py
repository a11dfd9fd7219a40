"""A PostgreSQL server that goes away under a running linkvault, and comes back.

linkvault reaches the database through a TCP proxy that the test cuts (the open connections are
dropped, new ones refused) and restores. While it is cut, every operation that needs the database
answers 503 ``database_unavailable`` with ``Retry-After``, ``/readyz`` too, and ``/healthz`` stays 200;
once it is restored, service resumes with no restart.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from collections.abc import Callable, Iterator

import httpx
import pytest
from prometheus_client import REGISTRY
from sqlalchemy import literal_column, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine

from linkvault.errors import DatabaseUnavailable
from linkvault.metrics import instrument_pool
from linkvault.settings import Settings
from linkvault.store.database import connect, create_engine, create_sessionmaker, dispose
from linkvault.store.migrate import schema_status
from support.databases import is_postgresql
from support.projects import Project
from support.server import RunningServer, ServerFactory
from support.tcp_proxy import TcpProxy, tcp_proxy

WAIT_SECONDS = 20.0


def eventually(probe: Callable[[], httpx.Response], expected_status: int) -> httpx.Response:
    """``probe()`` again every 0.1 s until it answers ``expected_status``, for at most WAIT_SECONDS."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        response = probe()
        if response.status_code == expected_status or time.monotonic() > deadline:
            return response
        time.sleep(0.1)


@pytest.fixture
def proxy(migrated: Settings) -> Iterator[TcpProxy]:
    if not is_postgresql(migrated.database_url):
        pytest.skip(
            "PostgreSQL only: an SQLite file cannot be cut from a running server (the in-process "
            "tests in test_health.py cover SQLite's unreachable file)"
        )
    url = make_url(migrated.database_url)
    with tcp_proxy(url.host or "127.0.0.1", url.port or 5432) as running:
        yield running


@pytest.fixture
def proxied_server(proxy: TcpProxy, migrated: Settings, server_factory: ServerFactory) -> RunningServer:
    url = make_url(migrated.database_url).set(host="127.0.0.1", port=proxy.port)
    return server_factory.start("outage", database_url=url.render_as_string(hide_password=False))


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert (problem["status"], problem["code"]) == (503, "database_unavailable")
    assert int(response.headers["retry-after"]) > 0


def test_a_cut_database_is_503_until_it_comes_back(
    proxy: TcpProxy, proxied_server: RunningServer, project: Project
) -> None:
    state = secrets.token_urlsafe(32)
    with httpx.Client(base_url=proxied_server.base_url, timeout=30) as http:
        assert http.get("/readyz").status_code == 200
        assert http.get("/v1/app-configurations", headers=project.headers).status_code == 200

        proxy.cut()

        # The pooled connections are dead and no new one can be made: 503 at once (or very soon).
        assert_unavailable(eventually(lambda: http.get("/readyz"), 503))
        response = http.get(
            "/v1/app-configurations", headers={**project.headers, "X-Request-ID": "during-outage-1"}
        )
        assert_unavailable(response)
        assert response.headers["x-request-id"] == "during-outage-1"
        assert_unavailable(http.get(f"/v1/linked-accounts/oauth2/callback?code=c&state={state}"))
        assert_unavailable(http.post("/v2/auth/callback/app", json={"code": "c", "state": state},
                                     headers=project.headers))  # fmt: skip
        assert http.get("/healthz").status_code == 200

        proxy.restore()

        assert eventually(lambda: http.get("/readyz"), 200).status_code == 200
        response = eventually(lambda: http.get("/v1/app-configurations", headers=project.headers), 200)
        assert response.status_code == 200, response.text
        assert response.json() == []

    # One line per refused request, no traceback, and the request's id on it.
    log = proxied_server.log_text()
    assert any(
        "the database is unavailable" in line and line.endswith("request_id=during-outage-1")
        for line in log.splitlines()
    ), log
    assert "Traceback" not in log


@pytest.mark.parametrize("pooled", [1, 4])
def test_hot_reads_on_connections_the_server_closed_are_one_503_then_work(
    migrated: Settings, pooled: int
) -> None:
    """The credentials read and the key lookup go through asyncpg directly, on connections the read
    lane keeps (four at most). A connection the server closed (a restart, a failover, an idle
    timeout) is one 503, then leaves the lane and the pool; kept, it would fail every read it served
    from then on, as a 500. A restart closes every connection: the first read that meets one retires
    the pool's whole generation, so the other dead ones are replaced at their next use instead of
    costing a 503 each (a trial saw 9 in a row)."""
    if not is_postgresql(migrated.database_url):
        pytest.skip("PostgreSQL only: the reads by key go through asyncpg there")
    backend_pid = select(literal_column("pg_backend_pid()"))

    async def run() -> None:
        engine, killer = create_engine(migrated.database_url), create_engine(migrated.database_url)
        try:
            before: list[int] = []

            async def read_held() -> None:
                async with connect(engine) as reader:
                    row = await reader.first(backend_pid, {})
                    assert row is not None
                    before.append(row[0])
                    await asyncio.sleep(0.2)  # held, so that the pool opens one connection each

            await asyncio.gather(*(read_held() for _ in range(pooled)))
            assert len(set(before)) == pooled
            async with killer.connect() as connection:
                for pid in before:
                    await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            with pytest.raises(DatabaseUnavailable):
                async with connect(engine) as reader:
                    await reader.first(backend_pid, {})
            for _ in range(pooled + 3):
                async with connect(engine) as reader:
                    again = await reader.first(backend_pid, {})
                assert again is not None and again[0] not in before
        finally:
            await dispose(engine)
            await dispose(killer)

    asyncio.run(run())


@pytest.mark.parametrize(
    ("role_options", "reason"),
    [
        pytest.param("LOGIN CONNECTION LIMIT 0", "TooManyConnectionsError: too many connections", id="full"),
        pytest.param("NOLOGIN", "InvalidAuthorizationSpecificationError: role", id="login-refused"),
    ],
)
def test_a_server_that_refuses_new_connections_is_503_on_every_path(
    migrated: Settings, role_options: str, reason: str
) -> None:
    """PostgreSQL refusing a new connection (its max_connections or the role's limit reached, or our
    role no longer allowed to log in) is an outage like any other, 503 and not 500, on every path: the
    hot reads (SQLAlchemy's pool opens their connection directly and raises the driver's refusal
    wrapped once), sessions and ``/readyz``'s schema check (wrapped twice, through
    ``AsyncEngine.connect``). The operator's log line names the driver's reason."""
    if not is_postgresql(migrated.database_url):
        pytest.skip("PostgreSQL only: SQLite has no server to refuse a connection")
    role = f"linkvault_refused_{secrets.token_hex(4)}"

    async def run() -> None:
        admin = create_engine(migrated.database_url)
        refused = create_engine(
            make_url(migrated.database_url).set(username=role, password=None).render_as_string(False)
        )
        try:
            async with admin.begin() as connection:
                await connection.execute(text(f'CREATE ROLE "{role}" {role_options}'))
            await _unavailable_on_every_path(refused, reason)
        finally:
            await dispose(refused)
            async with admin.begin() as connection:
                await connection.execute(text(f'DROP ROLE IF EXISTS "{role}"'))
            await dispose(admin)

    asyncio.run(run())


async def _unavailable_on_every_path(engine: AsyncEngine, reason: str) -> None:
    """The hot reads, a session and the schema check each end in DatabaseUnavailable whose reason
    (the operator's log line) starts with ``reason``."""
    one = select(literal_column("1"))

    async def hot_read() -> None:
        async with connect(engine) as reader:
            await reader.first(one, {})

    async def session() -> None:
        async with create_sessionmaker(engine).begin() as opened:
            await opened.execute(one)

    for attempt in (hot_read, session, lambda: schema_status(engine)):
        with pytest.raises(DatabaseUnavailable) as raised:
            await attempt()
        assert raised.value.reason is not None and raised.value.reason.startswith(reason), raised.value.reason


def test_a_database_that_accepts_no_connections_is_503_on_every_path(migrated: Settings) -> None:
    """``ALTER DATABASE ... ALLOW_CONNECTIONS false`` (an operator fencing the database off, for a
    restore say) ends every new session at its start with a FATAL error of SQLSTATE 55000, a class
    that otherwise names a statement's mistake: it is an outage (503), not a bug (500). A trial saw
    /readyz answer 500 and the background loops log tracebacks."""
    if not is_postgresql(migrated.database_url):
        pytest.skip("PostgreSQL only: SQLite has no server to refuse a connection")
    name = f"linkvault_fenced_{secrets.token_hex(4)}"

    async def run() -> None:
        admin = create_engine(migrated.database_url)
        fenced = create_engine(make_url(migrated.database_url).set(database=name).render_as_string(False))
        try:
            async with admin.connect() as connection:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text(f'CREATE DATABASE "{name}" WITH ALLOW_CONNECTIONS false'))
            await _unavailable_on_every_path(fenced, "ObjectNotInPrerequisiteStateError: database")
        finally:
            await dispose(fenced)
            async with admin.connect() as connection:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
            await dispose(admin)

    asyncio.run(run())


def test_the_pool_gauge_is_back_to_zero_after_an_outage(migrated: Settings) -> None:
    """``linkvault_db_pool_connections_in_use`` reads 0 once an outage is over and nothing runs. While
    the database refused connections, each checkout that failed to reconnect was reported by
    SQLAlchemy as a checkin without a checkout, and a gauge counted from the events stayed below
    zero for good (a trial saw -10)."""
    if not is_postgresql(migrated.database_url):
        pytest.skip("PostgreSQL only: SQLite has no server to refuse a connection")
    name = f"linkvault_gauge_{secrets.token_hex(4)}"
    one = select(literal_column("1"))

    def gauge() -> float:
        value = REGISTRY.get_sample_value("linkvault_db_pool_connections_in_use")
        return 0.0 if value is None else value

    async def run() -> None:
        admin = create_engine(migrated.database_url)
        engine = create_engine(make_url(migrated.database_url).set(database=name).render_as_string(False))

        async def alter(statement: str, **parameters: str) -> None:
            async with admin.connect() as connection:
                await connection.execution_options(isolation_level="AUTOCOMMIT")
                await connection.execute(text(statement), parameters)

        async def attempt() -> None:  # the credentials read's path, where the trial saw it
            async with connect(engine) as reader:
                await reader.first(one, {})

        try:
            await alter(f'CREATE DATABASE "{name}"')
            before = gauge()
            instrument_pool(engine)
            await attempt()
            await alter(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS false')
            await alter(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = :name", name=name
            )
            for _ in range(5):
                with pytest.raises(DatabaseUnavailable):
                    await attempt()
            await alter(f'ALTER DATABASE "{name}" WITH ALLOW_CONNECTIONS true')
            for _ in range(3):  # a connection closed during the outage answers one 503 more
                with contextlib.suppress(DatabaseUnavailable):
                    await attempt()
                    break
            await attempt()
            assert gauge() == before
        finally:
            await dispose(engine)
            await alter(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            await dispose(admin)

    asyncio.run(run())
