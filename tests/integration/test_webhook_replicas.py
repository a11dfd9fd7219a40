"""Delivery across processes: an event committed by a server that is then SIGKILLed is delivered after
a restart, and replicas sharing one database never send the same delivery twice (the receiver counts).
Each test runs its servers on a database of its own, so no other server's worker takes part (the
database is requested before the servers, so it is dropped after they stop)."""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from linkvault.settings import Settings
from support.databases import fresh_database
from support.projects import Project, create_project
from support.server import RunningServer, ServerFactory
from support.webhooks import Receiver, receiver

QUICK = {"LINKVAULT_WEBHOOKS_POLL_INTERVAL_SECONDS": "0.05"}
# The first pass runs at start; the next one would come an hour later.
ASLEEP = {"LINKVAULT_WEBHOOKS_POLL_INTERVAL_SECONDS": "3600"}


@pytest.fixture
def own_database(tmp_path: Path) -> Iterator[str]:
    base = os.environ.get("LINKVAULT_TEST_DATABASE_URL")
    with fresh_database(base, tmp_path) as url:
        if base is not None and url == base:
            url = f"sqlite+aiosqlite:///{tmp_path / 'replicas.db'}"
        yield url


def _project(url: str, encryption_key: str) -> Project:
    return create_project(Settings(database_url=url, encryption_keys=encryption_key))


def _endpoint(server: RunningServer, project: Project, hook: Receiver) -> dict[str, Any]:
    response = httpx.post(
        f"{server.base_url}/v1/webhook-endpoints", json={"url": hook.url}, headers=project.headers, timeout=30
    )
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    hook.secrets.append(body["secret"])
    return body


def _ping(server: RunningServer, project: Project, endpoint: dict[str, Any]) -> str:
    response = httpx.post(
        f"{server.base_url}/v1/webhook-endpoints/{endpoint['id']}/test", headers=project.headers, timeout=30
    )
    assert response.status_code == 202, response.text
    event_id: str = response.json()["event_id"]
    return event_id


def test_an_event_committed_before_a_crash_is_delivered_after_the_restart(
    own_database: str, server_factory: ServerFactory, encryption_key: str
) -> None:
    with receiver() as hook:
        first = server_factory.start("crashing", database_url=own_database, extra_env=ASLEEP)
        project = _project(own_database, encryption_key)
        endpoint = _endpoint(first, project, hook)
        event_id = _ping(first, project, endpoint)
        time.sleep(0.5)  # the crashing server's worker is asleep: nothing is sent meanwhile
        assert hook.deliveries == []

        first.kill()
        server_factory.start("restarted", database_url=own_database, extra_env=QUICK)
        hook.wait_for(lambda r: len(r.verified) == 1)

    assert hook.counts() == {event_id: 1}
    assert hook.verified[0]["type"] == "ping"


@pytest.mark.parametrize("log_level", ["info", "debug"])
def test_the_server_log_shows_no_webhook_url_a_credential_may_be_part_of(
    own_database: str, server_factory: ServerFactory, encryption_key: str, log_level: str
) -> None:
    """Incoming-webhook URLs of chat services carry the receiver's credential in the path; httpx
    logs each request's URL at INFO, the level `linkvault serve` logs at by default."""
    with receiver("/services/T0001/B0002/credential-in-the-path") as hook:
        server = server_factory.start(
            f"logging-{log_level}", database_url=own_database, extra_env=QUICK, log_level=log_level
        )
        project = _project(own_database, encryption_key)
        endpoint = _endpoint(server, project, hook)
        _ping(server, project, endpoint)
        hook.wait_for(lambda r: len(r.verified) == 1)

    log = server.log_text()
    assert "POST /v1/webhook-endpoints" in log  # the access log was written
    assert "credential-in-the-path" not in log


def test_replicas_on_one_database_never_send_a_delivery_twice(
    own_database: str, server_factory: ServerFactory, encryption_key: str
) -> None:
    with receiver() as hook:
        replicas = [
            server_factory.start(f"replica-{n}", database_url=own_database, extra_env=QUICK) for n in range(2)
        ]
        project = _project(own_database, encryption_key)
        endpoint = _endpoint(replicas[0], project, hook)
        sent = [_ping(replicas[n % 2], project, endpoint) for n in range(40)]
        hook.wait_for(lambda r: len(r.verified) == 40, timeout=60)
        time.sleep(1.0)  # time for a duplicate to arrive, were there one

    assert hook.counts() == {event_id: 1 for event_id in sent}
    assert len(hook.deliveries) == 40
