"""The probes (/healthz, /readyz) and the 503 of a database that cannot be reached.

In-process: an SQLite file that cannot be opened stands for a database that does not answer, on
either test database. The outage of a PostgreSQL server, cut and restored under a running linkvault, is in
``test_database_outage.py``.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from linkvault.settings import Settings
from support.inprocess import InProcess, in_process


@pytest.fixture
def unmigrated(tmp_path: Path, encryption_key: str) -> Iterator[InProcess]:
    """linkvault on an empty SQLite database that no migration has touched."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
    with in_process(Settings(database_url=url, encryption_keys=encryption_key)) as app:
        yield app


def assert_unavailable(response: httpx.Response, code: str = "database_unavailable") -> None:
    assert response.status_code == 503, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json() == {
        "type": "about:blank",
        "title": "Service Unavailable",
        "status": 503,
        "detail": response.json()["detail"],
        "code": code,
    }
    assert int(response.headers["retry-after"]) > 0


def test_probes_answer_without_an_api_key(linkvault: InProcess) -> None:
    for path in ("/healthz", "/readyz"):
        response = linkvault.http.get(path)
        assert response.status_code == 200, response.text
        assert response.json() == {"status": "ok"}


def test_unreachable_database_is_503_everywhere_but_healthz(unreachable: InProcess) -> None:
    assert unreachable.http.get("/healthz").status_code == 200
    assert_unavailable(unreachable.http.get("/readyz"))
    # The API key is checked against the database: an outage is a 503, not a 401 or a 500.
    assert_unavailable(unreachable.http.get("/v1/app-configurations", headers={"X-API-KEY": "lvk_x"}))
    state = secrets.token_urlsafe(32)  # well-formed, so that it is looked up
    assert_unavailable(unreachable.http.get(f"/v1/linked-accounts/oauth2/callback?code=c&state={state}"))
    # quiva.ai's face answers its own error shape, with the same status and Retry-After.
    quiva = unreachable.http.get(
        "/hub/integrations/oauth-callback?code=c&state=s", headers={"X-API-KEY": "k"}
    )
    assert quiva.status_code == 503
    assert quiva.json()["error"] == "database_unavailable"
    assert int(quiva.headers["retry-after"]) > 0


def test_readyz_refuses_a_database_without_the_migrations(unmigrated: InProcess) -> None:
    response = unmigrated.http.get("/readyz")
    assert_unavailable(response, "schema_not_current")
    assert "run `linkvault db upgrade`" in response.json()["detail"]
    assert unmigrated.http.get("/healthz").status_code == 200


def test_readyz_says_a_newer_linkvault_migrated_the_database(tmp_path: Path, encryption_key: str) -> None:
    """Mid-upgrade (docs/upgrading.md), an old replica beside a migrated database must not advise
    `linkvault db upgrade`, which this version cannot do."""
    path = tmp_path / "newer.db"
    with sqlite3.connect(path) as database:
        database.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)")
        database.execute("INSERT INTO alembic_version VALUES ('0099')")
    settings = Settings(database_url=f"sqlite+aiosqlite:///{path}", encryption_keys=encryption_key)
    with in_process(settings) as app:
        response = app.http.get("/readyz")
    assert_unavailable(response, "schema_not_current")
    assert "at revision 0099, which this linkvault does not know" in response.json()["detail"]
    assert "db upgrade" not in response.json()["detail"]
