"""Several `linkvault serve` replicas sharing one database and the same keys, as behind a load balancer:
links finish on any replica, a due account is refreshed once whichever replicas are asked, and a
replica killed in the middle of a refresh does not block the account."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from support.faces import callback_path
from support.flows import consent, start_link
from support.projects import Project
from support.server import RunningServer, ServerFactory

HTTP_TIMEOUT_SECONDS = 3
# linkvault.engine.refresh.lease_seconds: the HTTP timeout plus five seconds.
LEASE_SECONDS = HTTP_TIMEOUT_SECONDS + 5


@pytest.fixture
def replicas(server_factory: ServerFactory, linkvault_server: RunningServer) -> list[RunningServer]:
    """Two replicas on the test database. As behind a load balancer, both have the one public URL (here
    the shared test server's, which the apps registered as their redirect URI at the provider)."""
    environment = {
        "LINKVAULT_HTTP_TIMEOUT_SECONDS": str(HTTP_TIMEOUT_SECONDS),
        "LINKVAULT_PUBLIC_URL": linkvault_server.base_url,
    }
    return [server_factory.start(f"replica-{number}", extra_env=environment) for number in range(2)]


def _credentials(server: RunningServer, project: Project, account_id: str) -> httpx.Response:
    return httpx.get(
        f"{server.base_url}/v1/linked-accounts/{account_id}/credentials", headers=project.headers, timeout=30
    )


def _link_due_account(api: httpx.Client, app: Any, replicas: list[RunningServer]) -> str:
    """Start on the first replica, finish on the second; the access token is due at once."""
    app.provider.set_knobs(
        app.client.client_id, response_patch={"expires_in": 0}, only_grant_type="authorization_code"
    )
    with httpx.Client(base_url=replicas[0].base_url, timeout=30) as first:
        authorization_url = start_link(first, app)
    finished = httpx.get(replicas[1].base_url + callback_path(consent(app, authorization_url)), timeout=30)
    assert finished.status_code == 200, finished.text
    app.provider.reset_knobs(app.client.client_id)
    account_id: str = finished.json()["id"]
    return account_id


def test_requests_spread_over_replicas_cause_one_refresh(
    api: httpx.Client, project: Project, make_app, replicas: list[RunningServer]
):
    app = make_app(project)
    app.provider.configure_client(app.client.client_id, rotate_refresh_tokens=True)
    account_id = _link_due_account(api, app, replicas)
    app.provider.set_knobs(app.client.client_id, delay_seconds=0.5, only_grant_type="refresh_token")

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(
            pool.map(lambda number: _credentials(replicas[number % 2], project, account_id), range(20))
        )

    assert [answer.status_code for answer in answers] == [200] * 20, [a.text for a in answers]
    assert len({answer.json()["access_token"] for answer in answers}) == 1
    assert app.provider.token_requests(app.client.client_id, "refresh_token") == 1
    # With rotation on, the stored refresh token is the rotated one: the next refresh works.
    forced = httpx.post(
        f"{replicas[0].base_url}/v1/linked-accounts/{account_id}/refresh", headers=project.headers, timeout=30
    )
    assert forced.status_code == 200, forced.text
    assert forced.json()["sequence"] == 3


def test_a_replica_killed_during_a_refresh_does_not_block_the_account(
    api: httpx.Client, project: Project, make_app, replicas: list[RunningServer]
):
    app = make_app(project)
    account_id = _link_due_account(api, app, replicas)
    app.provider.set_knobs(app.client.client_id, delay_seconds=2, only_grant_type="refresh_token")
    doomed = threading.Thread(
        target=lambda: _swallow(lambda: _credentials(replicas[0], project, account_id)), daemon=True
    )
    doomed.start()
    deadline = time.monotonic() + 10
    while app.provider.token_requests(app.client.client_id, "refresh_token") == 0:
        assert time.monotonic() < deadline, "the first replica never started its refresh"
        time.sleep(0.05)
    replicas[0].kill()
    app.provider.reset_knobs(app.client.client_id)
    started = time.monotonic()

    answer = _credentials(replicas[1], project, account_id)

    assert answer.status_code == 200, answer.text
    assert answer.json()["sequence"] == 2
    assert time.monotonic() - started < LEASE_SECONDS + 5
    doomed.join(timeout=10)


def _swallow(call: Any) -> None:
    try:
        call()
    except httpx.HTTPError:
        pass  # the replica was killed under this request: that is the point
