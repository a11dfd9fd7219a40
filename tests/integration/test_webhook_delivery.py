"""Delivery of webhooks by the worker, in-process with the clock in the test's hands: retries with the
same ``webhook-id``, the bounded schedule, failing and disabled endpoints, secret rotation, and the
address checks at delivery time. One worker pass is one ``deliver_due`` call; nothing sleeps through a
backoff. No packet leaves for a non-loopback address: names resolve through the test's resolver and
connections go through a backend that refuses everything but loopback."""

from __future__ import annotations

import asyncio
import ipaddress
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from standardwebhooks import Webhook

from linkvault.engine import webhook_delivery
from linkvault.engine.egress import IPAddress
from linkvault.engine.services import open_services
from linkvault.engine.webhooks import SECRET_GRACE_SECONDS
from linkvault.settings import Settings
from linkvault.store.migrate import upgrade
from support.databases import fresh_database
from support.egress import RecordingBackend
from support.inprocess import InProcess, in_process
from support.projects import Project, create_project
from support.webhooks import Receiver, receiver

SCHEDULE = webhook_delivery.RETRY_SCHEDULE_SECONDS


@pytest.fixture(scope="module")
def own_database(tmp_path_factory: pytest.TempPathFactory, encryption_key: str) -> Iterator[Settings]:
    """A database of this module's own: no server of the other tests delivers what is queued here."""
    base = os.environ.get("LINKVAULT_TEST_DATABASE_URL")
    with fresh_database(base, tmp_path_factory.mktemp("webhook-delivery")) as url:
        if base is not None and url == base:  # an SQLite URL given: use a file of our own instead
            url = f"sqlite+aiosqlite:///{Path(tmp_path_factory.mktemp('webhook-db')) / 'hooks.db'}"
        settings = Settings(database_url=url, encryption_keys=encryption_key)

        async def migrate() -> None:
            services = open_services(settings)
            try:
                await upgrade(services.db_engine)
            finally:
                await services.aclose()

        asyncio.run(migrate())
        yield settings


class Dns:
    """A resolver whose answer the test changes; every name gets the current answer."""

    def __init__(self, *addresses: str) -> None:
        self.addresses = list(addresses)
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> list[IPAddress]:
        self.asked.append(host)
        return [ipaddress.ip_address(address) for address in self.addresses]


@dataclass
class Hooks:
    app: InProcess
    project: Project
    backend: RecordingBackend
    dns: Dns

    def create(self, url: str, **fields: Any) -> dict[str, Any]:
        response = self.app.http.post(
            "/v1/webhook-endpoints", json={"url": url, **fields}, headers=self.project.headers
        )
        assert response.status_code == 201, response.text
        body: dict[str, Any] = response.json()
        return body

    def endpoint(self, hook: Receiver, **fields: Any) -> dict[str, Any]:
        body = self.create(hook.url, **fields)
        hook.secrets.append(body["secret"])
        return body

    def ping(self, endpoint: dict[str, Any]) -> dict[str, Any]:
        response = self.app.http.post(
            f"/v1/webhook-endpoints/{endpoint['id']}/test", headers=self.project.headers
        )
        assert response.status_code == 202, response.text
        body: dict[str, Any] = response.json()
        return body

    def deliveries(self, endpoint: dict[str, Any]) -> list[dict[str, Any]]:
        response = self.app.http.get(
            f"/v1/webhook-endpoints/{endpoint['id']}/deliveries", headers=self.project.headers
        )
        assert response.status_code == 200, response.text
        found: list[dict[str, Any]] = response.json()
        return found

    def shown(self, endpoint: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = self.app.http.get(
            f"/v1/webhook-endpoints/{endpoint['id']}", headers=self.project.headers
        ).json()
        return body

    def work(self) -> int:
        """One pass of the delivery worker."""
        return self.app.run(webhook_delivery.deliver_due)

    def wait(self, seconds: float) -> None:
        self.app.clock.advance(seconds)


@contextmanager
def _hooks(settings: Settings) -> Iterator[Hooks]:
    backend = RecordingBackend()
    dns = Dns("127.0.0.1")
    project = create_project(settings)
    with in_process(settings, resolver=dns, network_backend=backend) as app:
        found = Hooks(app=app, project=project, backend=backend, dns=dns)
        yield found
        # What this test left queued must not be attempted by the next one.
        for endpoint in app.http.get("/v1/webhook-endpoints", headers=project.headers).json():
            app.http.delete(f"/v1/webhook-endpoints/{endpoint['id']}", headers=project.headers)


@pytest.fixture
def hooks(own_database: Settings) -> Iterator[Hooks]:
    """A deployment whose receivers run on its own host (the tests' receivers are on loopback)."""
    with _hooks(own_database.model_copy(update={"webhooks_allow_private": True})) as found:
        yield found


@pytest.fixture
def default_hooks(own_database: Settings) -> Iterator[Hooks]:
    """The default policy: no private or loopback address, however the URL reaches it."""
    with _hooks(own_database) as found:
        yield found


def _verify_all(hook: Receiver, secret: str) -> None:
    for delivery in hook.deliveries:
        Webhook(secret).verify(delivery.body, delivery.headers)


def test_a_receiver_that_fails_at_first_gets_the_event_later_with_the_same_webhook_id(hooks: Hooks) -> None:
    with receiver() as hook:
        hook.fail_first = 2
        endpoint = hooks.endpoint(hook)
        queued = hooks.ping(endpoint)

        assert hooks.work() == 1
        [pending] = hooks.deliveries(endpoint)
        assert pending["status"] == "pending"
        assert pending["attempts"][0]["status_code"] == 500
        assert pending["attempts"][0]["error_class"] == "http_status"
        due = datetime.fromisoformat(pending["next_attempt_at"])
        delay = (due - hooks.app.clock.now).total_seconds()
        assert SCHEDULE[0] * 0.8 <= delay <= SCHEDULE[0] * 1.2
        assert hooks.work() == 0  # not due yet

        hooks.wait(SCHEDULE[0] * 1.2)
        assert hooks.work() == 1
        hooks.wait(SCHEDULE[1] * 1.2)
        assert hooks.work() == 1
        assert hooks.work() == 0

    assert [delivery.status for delivery in hook.deliveries] == [500, 500, 204]
    assert {delivery.webhook_id for delivery in hook.deliveries} == {queued["event_id"]}
    assert len({delivery.body for delivery in hook.deliveries}) == 1
    assert len({delivery.headers["webhook-timestamp"] for delivery in hook.deliveries}) == 3
    _verify_all(hook, hook.secrets[0])
    [done] = hooks.deliveries(endpoint)
    assert done["status"] == "succeeded"
    assert done["attempt_count"] == 3
    assert [attempt["status_code"] for attempt in done["attempts"]] == [500, 500, 204]
    assert done["next_attempt_at"] is None
    assert hooks.shown(endpoint)["delivery_status"] == "healthy"


def test_an_endpoint_fails_then_is_disabled_when_the_schedule_runs_out(hooks: Hooks) -> None:
    with receiver() as hook:
        hook.answer = lambda: (503, {})
        endpoint = hooks.endpoint(hook)
        hooks.ping(endpoint)

        statuses = []
        for attempt in range(len(SCHEDULE) + 1):
            assert hooks.work() == 1
            statuses.append(hooks.shown(endpoint)["delivery_status"])
            if attempt < len(SCHEDULE):
                hooks.wait(SCHEDULE[attempt] * 1.2)
        assert hooks.work() == 0
        attempts_before = len(hook.deliveries)

        shown = hooks.shown(endpoint)
        [failed] = hooks.deliveries(endpoint)
        # A disabled endpoint gets nothing further, and refuses tests and retries until enabled.
        refused = hooks.app.http.post(
            f"/v1/webhook-endpoints/{endpoint['id']}/test", headers=hooks.project.headers
        )
        hooks.wait(86_400)
        assert hooks.work() == 0
        assert len(hook.deliveries) == attempts_before

        # Hours ahead of this machine's clock now, the timestamp would fail standardwebhooks' tolerance:
        # this receiver just accepts (the signatures are verified in the tests above).
        hook.answer = lambda: (204, {})
        enabled = hooks.app.http.patch(
            f"/v1/webhook-endpoints/{endpoint['id']}", json={"enabled": True}, headers=hooks.project.headers
        )
        retried = hooks.app.http.post(
            f"/v1/webhook-endpoints/{endpoint['id']}/deliveries/{failed['id']}/retry",
            headers=hooks.project.headers,
        )
        assert hooks.work() == 1

    assert len(hook.deliveries) == len(SCHEDULE) + 2
    assert statuses[:2] == ["healthy", "healthy"]
    assert set(statuses[2:]) == {"failing"}
    assert (shown["enabled"], shown["disabled_reason"], shown["delivery_status"]) == (
        False,
        "deliveries_failed",
        "failing",
    )
    assert failed["status"] == "failed"
    assert failed["attempt_count"] == len(SCHEDULE) + 1
    assert failed["next_attempt_at"] is None
    assert refused.status_code == 409
    assert enabled.json()["enabled"] is True
    assert enabled.json()["delivery_status"] == "healthy"
    assert enabled.json()["disabled_reason"] is None
    assert retried.status_code == 202
    assert retried.json()["status"] == "pending"
    assert hook.deliveries[-1].status == 204
    assert hook.deliveries[-1].webhook_id == failed["event_id"]
    assert hooks.deliveries(endpoint)[0]["status"] == "succeeded"


def test_after_a_rotation_both_secrets_sign_until_the_grace_period_ends(hooks: Hooks) -> None:
    with receiver() as hook:
        endpoint = hooks.endpoint(hook)
        old = hook.secrets[0]
        rotated = hooks.app.http.post(
            f"/v1/webhook-endpoints/{endpoint['id']}/rotate-secret", headers=hooks.project.headers
        ).json()
        new = rotated["secret"]
        expires = datetime.fromisoformat(rotated["previous_secret_expires_at"])
        hooks.ping(endpoint)
        hooks.work()
        during = hook.deliveries[-1]

        hooks.wait(SECRET_GRACE_SECONDS + 1)
        hooks.ping(endpoint)
        hook.secrets[:] = [new]
        hooks.work()
        after = hook.deliveries[-1]

    assert (expires - hooks.app.clock.now).total_seconds() < 0
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    Webhook(old).verify(during.body, during.headers)
    Webhook(new).verify(during.body, during.headers)
    # A day later the timestamp is a day ahead of this machine's clock, which standardwebhooks refuses;
    # the signature is compared with the library's own for that timestamp instead.
    [signature] = after.headers["webhook-signature"].split(" ")
    timestamp = datetime.fromtimestamp(int(after.headers["webhook-timestamp"]), tz=hooks.app.clock.now.tzinfo)
    assert signature == Webhook(new).sign(after.webhook_id, timestamp, after.body.decode())
    assert signature != Webhook(old).sign(after.webhook_id, timestamp, after.body.decode())


def test_a_redirect_is_not_followed_and_counts_as_a_failure(hooks: Hooks) -> None:
    with receiver() as target, receiver() as hook:
        hook.answer = lambda: (307, {"Location": target.url})
        endpoint = hooks.endpoint(hook)
        hooks.ping(endpoint)
        hooks.work()

    [delivery] = hooks.deliveries(endpoint)
    assert delivery["attempts"][0]["status_code"] == 307
    assert delivery["attempts"][0]["error_class"] == "http_status"
    assert delivery["status"] == "pending"
    assert target.deliveries == []


def test_a_name_that_resolves_elsewhere_at_delivery_is_refused_before_connecting(
    default_hooks: Hooks,
) -> None:
    hooks = default_hooks
    hooks.dns.addresses = ["93.184.215.14"]  # public at creation
    endpoint = hooks.create("https://hooks.example.test/in")
    for rebound in ("169.254.169.254", "10.0.0.7", "127.0.0.1"):
        hooks.dns.addresses = [rebound]
        hooks.ping(endpoint)
    hooks.work()

    deliveries = hooks.deliveries(endpoint)
    assert [delivery["attempts"][0]["error_class"] for delivery in deliveries] == ["address_not_allowed"] * 3
    assert all(delivery["attempts"][0]["status_code"] is None for delivery in deliveries)
    assert hooks.backend.attempts == []
    assert "hooks.example.test" in hooks.dns.asked


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        ("169.254.169.254", "link-local"),
        ("fd00:ec2::254", "metadata"),
        ("10.0.0.7", "private"),
        ("192.168.1.20", "private"),
        ("127.0.0.1", "loopback"),
    ],
)
def test_a_name_resolving_to_a_forbidden_address_is_refused_at_creation(
    default_hooks: Hooks, answer: str, reason: str
) -> None:
    hooks = default_hooks
    hooks.dns.addresses = [answer]

    response = hooks.app.http.post(
        "/v1/webhook-endpoints", json={"url": "https://hooks.example.test/in"}, headers=hooks.project.headers
    )

    assert response.status_code == 400, response.text
    assert reason in response.json()["detail"]
    assert hooks.dns.asked == ["hooks.example.test"]
    assert hooks.backend.attempts == []
