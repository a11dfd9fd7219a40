"""/metrics in-process: the bearer token, labels by operationId (never the raw path), and the switch.

What the engine counts during a whole flow (links, token endpoint calls) is checked against a real
server in tests/security/test_leakage.py, whose run scrapes the metrics at its end; several workers
adding up in tests/integration/test_serve.py."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr

from linkvault.settings import Settings
from support.inprocess import InProcess, in_process

TOKEN = "metrics-" + "t" * 24


@pytest.fixture(scope="module")
def guarded(migrated: Settings) -> Iterator[InProcess]:
    with in_process(migrated.model_copy(update={"metrics_bearer_token": SecretStr(TOKEN)})) as app:
        yield app


def _samples(text: str, name: str) -> dict[tuple[tuple[str, str], ...], float]:
    return {
        tuple(sorted(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name
    }


@pytest.mark.parametrize(
    "authorization",
    [None, f"Bearer {TOKEN}x", f"Basic {TOKEN}", TOKEN, "Bearer "],
    ids=["none", "wrong", "other-scheme", "no-scheme", "empty"],
)
def test_metrics_need_the_bearer_token(guarded: InProcess, authorization: str | None):
    headers = {} if authorization is None else {"Authorization": authorization}

    response = guarded.http.get("/metrics", headers=headers)

    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["code"] == "unauthorized"
    assert "linkvault_" not in response.text


def test_answers_are_counted_by_operation_id_and_status_never_by_path(guarded: InProcess):
    account = uuid.uuid4()
    before = guarded.http.get("/metrics", headers={"Authorization": f"bearer {TOKEN}"})  # any case
    assert before.status_code == 200
    assert before.headers["content-type"].startswith("text/plain")

    guarded.http.get(f"/v1/linked-accounts/{account}")  # no key: 401
    guarded.http.get("/v1/app-configurations", headers={"X-API-KEY": "lvk_wrong"})  # 401
    guarded.http.get("/healthz")
    guarded.http.get(f"/no/such/{account}")  # 404, no operation

    after = guarded.http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"}).text
    counted = _samples(after, "linkvault_http_requests_total")
    earlier = _samples(before.text, "linkvault_http_requests_total")
    for operation, status in [
        ("get_linked_account", "401"),
        ("list_app_configurations", "401"),
        ("get_healthz", "200"),
        ("other", "404"),
    ]:
        key = (("operation", operation), ("status", status))
        assert counted[key] - earlier.get(key, 0) == 1, (operation, status)
    assert str(account) not in after  # the raw path is never a label
    assert (
        _samples(after, "linkvault_http_request_duration_seconds_count")[(("operation", "get_healthz"),)] >= 1
    )
    # Scrapes are not counted as requests.
    assert not [key for key in counted if ("operation", "metrics") in key]
    assert "linkvault_db_pool_connections_in_use" in after
    assert "linkvault_links_started_total" in after


def test_metrics_can_be_switched_off(migrated: Settings):
    with in_process(migrated.model_copy(update={"metrics_enabled": False})) as app:
        response = app.http.get("/metrics")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
