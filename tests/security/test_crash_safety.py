"""A linkvault killed in the middle of callbacks leaves nothing half-written, and starts again cleanly.

A state is used up in a transaction of its own before the token request, and an account is written in
one transaction after it. So a server killed with SIGKILL while the token requests of four callbacks
(one per face) wait at a slow provider must leave no linked account and four used-up states: the same
callbacks get ``invalid_state`` from a server restarted on the same database, without another token
request. What was committed before the kill survives it: a link started then is finished afterwards.
"""

from __future__ import annotations

import signal
import sqlite3
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing

import httpx
from sqlalchemy.engine import make_url

from linkvault.settings import Settings
from support.databases import is_postgresql
from support.faces import FACES, Answer, deliver
from support.flows import FRONTEND_CALLBACK, consent, query_of, start_link
from support.projects import Project
from support.secrets_scan import project_rows
from support.server import ServerFactory

PROVIDER_DELAY_SECONDS = 5
SLOW_PROVIDER_ENV = {"LINKVAULT_HTTP_TIMEOUT_SECONDS": str(PROVIDER_DELAY_SECONDS * 6)}


def _finish(http: httpx.Client, face: str, app, redirect: str) -> Answer:
    return deliver(http, face, app_name=app.app_name, project=app.project, params=query_of(redirect))


def _finish_in_flight(base_url: str, face: str, app, redirect: str) -> Answer | Exception:
    with httpx.Client(base_url=base_url, timeout=PROVIDER_DELAY_SECONDS * 6) as http:
        try:
            return _finish(http, face, app, redirect)
        except httpx.TransportError as exc:
            return exc


def _wait_for(condition: Callable[[], bool], what: str, timeout: float = 15) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_server_killed_during_token_requests_leaves_no_account_and_no_usable_state(
    migrated: Settings, project: Project, make_app, server_factory: ServerFactory
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    client_id = app.client.client_id
    doomed = server_factory.start("killed", extra_env=SLOW_PROVIDER_ENV)
    with httpx.Client(base_url=doomed.base_url, timeout=30) as http:
        redirects = {face: consent(app, start_link(http, app, owner=f"crash-{face}")) for face in FACES}
        survivor = consent(app, start_link(http, app, owner="crash-survivor"))
    app.provider.set_knobs(client_id, delay_seconds=PROVIDER_DELAY_SECONDS)
    try:
        with ThreadPoolExecutor(len(FACES)) as pool:
            pending = {
                face: pool.submit(_finish_in_flight, doomed.base_url, face, app, redirect)
                for face, redirect in redirects.items()
            }
            _wait_for(lambda: app.provider.token_requests(client_id) == len(FACES), "the token requests")
            doomed.kill()
            outcomes = {face: future.result() for face, future in pending.items()}
    finally:
        app.provider.reset_knobs(client_id)

    assert doomed.process.returncode == -signal.SIGKILL
    for face, outcome in outcomes.items():
        assert isinstance(outcome, httpx.TransportError), (face, outcome)
    rows = project_rows(migrated, project.id)
    assert rows["linked_accounts"] == 0
    assert (rows["link_states"], rows["unused link_states"]) == (len(FACES) + 1, 1)
    if not is_postgresql(migrated.database_url):
        database = make_url(migrated.database_url).database
        with closing(sqlite3.connect(f"file:{database}?mode=ro", uri=True)) as connection:
            assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]

    restarted = server_factory.start("restarted", extra_env=SLOW_PROVIDER_ENV)
    with httpx.Client(base_url=restarted.base_url, timeout=30) as http:
        for face, redirect in redirects.items():
            replay = _finish(http, face, app, redirect)
            assert (replay.status, replay.reason) == (400, "invalid_state"), (face, replay.text)
        assert app.provider.token_requests(client_id) == len(FACES)
        assert http.get("/v1/linked-accounts", headers=project.headers).json() == []
        # The link started before the kill, and one started after it, both finish.
        before = _finish(http, "quiva", app, survivor)
        after = _finish(http, "aci", app, consent(app, start_link(http, app, owner="crash-after")))
        assert before.status == 200, before.text
        assert before.response.json()["sequence"] == 1
        assert after.status == 200, after.text
        listed = http.get("/v1/linked-accounts", headers=project.headers).json()
        assert sorted(item["linked_account_owner_id"] for item in listed) == [
            "crash-after",
            "crash-survivor",
        ]
    log = restarted.log_text()
    assert "Traceback" not in log and "ERROR" not in log, log
