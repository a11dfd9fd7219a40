"""Every event is emitted by the real flows against the test authorization server and delivered to a
receiver on loopback, which verifies each with the ``standardwebhooks`` package; the events list
(``GET /v1/events``) is the same stream."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from linkvault.engine.events import EVENT_TYPES
from support.faces import callback_path
from support.flows import consent, query_of, start_link
from support.inprocess import InProcess
from support.projects import Project
from support.webhooks import Receiver, receiver

INVALID_GRANT = json.dumps({"error": "invalid_grant", "error_description": "grant revoked by the admin"})


@pytest.fixture
def hook() -> Iterator[Receiver]:
    with receiver() as found:
        yield found


def _endpoint(api: httpx.Client, project: Project, hook: Receiver, **fields: Any) -> dict[str, Any]:
    response = api.post("/v1/webhook-endpoints", json={"url": hook.url, **fields}, headers=project.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    assert body["secret"].startswith("whsec_")
    assert response.headers["cache-control"] == "no-store"
    hook.secrets.append(body["secret"])
    return body


def _link(api: httpx.Client, app: Any, owner: str) -> dict[str, Any]:
    response = api.get(callback_path(consent(app, start_link(api, app, owner=owner))))
    assert response.status_code == 200, response.text
    account: dict[str, Any] = response.json()
    return account


def test_every_event_is_delivered_signed_and_listed(
    api: httpx.Client, project: Project, make_app, hook: Receiver
) -> None:
    endpoint = _endpoint(api, project, hook, events=list(EVENT_TYPES))
    app = make_app(project)
    headers = project.headers

    account = _link(api, app, "erin")  # created
    hook.wait_for_types("linked_account.created")
    assert _link(api, app, "erin")["id"] == account["id"]  # reauthorized
    refreshed = api.post(f"/v1/linked-accounts/{account['id']}/refresh", headers=headers)
    assert refreshed.status_code == 200, refreshed.text
    app.provider.set_knobs(
        app.client.client_id, fail_status=400, fail_body=INVALID_GRANT, only_grant_type="refresh_token"
    )
    assert api.post(f"/v1/linked-accounts/{account['id']}/refresh", headers=headers).status_code == 409
    app.provider.reset_knobs(app.client.client_id)
    _link(api, app, "erin")  # reauthorized and recovered
    for enabled in (False, True):
        patched = api.patch(
            f"/v1/linked-accounts/{account['id']}", json={"enabled": enabled}, headers=headers
        )
        assert patched.status_code == 200, patched.text
    deleted = api.delete(f"/v1/linked-accounts/{account['id']}", headers=headers)
    assert deleted.json()["revocation"] == "revoked"
    denied = consent(app, start_link(api, app, owner="frank"), allow=False)
    assert api.get(callback_path(denied)).status_code == 400

    hook.wait_for(lambda r: len(r.verified) == 10)
    by_type: dict[str, list[dict[str, Any]]] = {}
    for payload in hook.verified:
        by_type.setdefault(payload["type"], []).append(payload)
    assert {kind: len(found) for kind, found in by_type.items()} == {
        "linked_account.created": 1,
        "linked_account.reauthorized": 2,
        "linked_account.refreshed": 1,
        "linked_account.needs_reauth": 1,
        "linked_account.recovered": 1,
        "linked_account.disabled": 1,
        "linked_account.enabled": 1,
        "linked_account.deleted": 1,
        "link.failed": 1,
    }
    needs_reauth = by_type["linked_account.needs_reauth"][0]["data"]
    assert needs_reauth["reason"] == "invalid_grant"
    assert needs_reauth["status"] == "needs_reauth"
    assert by_type["linked_account.recovered"][0]["data"]["status"] == "active"
    assert by_type["linked_account.disabled"][0]["data"]["status"] == "disabled"
    assert by_type["linked_account.deleted"][0]["data"]["revocation"] == "revoked"
    failed = by_type["link.failed"][0]["data"]
    assert failed == {
        "project_id": project.id,
        "app_name": app.app_name,
        "linked_account_owner_id": "frank",
        "reason": "access_denied",
    }
    created = by_type["linked_account.created"][0]
    assert created["data"]["linked_account_id"] == account["id"]
    assert created["data"]["linked_account_owner_id"] == "erin"
    assert created["data"]["sequence"] == 1
    assert set(created) == {"id", "type", "timestamp", "data"}
    # Every delivery: the Standard Webhooks headers, webhook-id the event id, nothing secret.
    for delivery in hook.deliveries:
        assert delivery.webhook_id == delivery.payload["id"]
        assert delivery.headers["content-type"] == "application/json"
        for secret_word in ("access_token", "refresh_token", "code", "state", "grant revoked"):
            assert f'"{secret_word}"' not in delivery.body.decode()
        assert b"grant revoked" not in delivery.body

    listed = api.get("/v1/events", headers=headers)
    assert listed.status_code == 200, listed.text
    assert sorted(event["id"] for event in listed.json()) == sorted(p["id"] for p in hook.verified)
    assert {event["id"]: event for event in listed.json()} == {p["id"]: p for p in hook.verified}
    of_account = api.get("/v1/events", params={"linked_account_id": account["id"]}, headers=headers).json()
    assert len(of_account) == 9
    only_failed = api.get("/v1/events", params={"event_type": "link.failed"}, headers=headers).json()
    assert [event["data"]["reason"] for event in only_failed] == ["access_denied"]

    deliveries = _recorded_deliveries(api, endpoint["id"], headers)
    assert len(deliveries) == 10
    assert {delivery["status"] for delivery in deliveries} == {"succeeded"}
    assert all(
        [attempt["status_code"] for attempt in delivery["attempts"]] == [204] for delivery in deliveries
    )
    assert all(delivery["next_attempt_at"] is None for delivery in deliveries)


def _recorded_deliveries(
    api: httpx.Client, endpoint_id: str, headers: dict[str, str]
) -> list[dict[str, Any]]:
    """The endpoint's deliveries once none is pending: the receiver has a delivery as soon as it answers,
    and the server records the answer just after (within 10 seconds)."""
    deadline = time.monotonic() + 10
    while True:
        deliveries: list[dict[str, Any]] = api.get(
            f"/v1/webhook-endpoints/{endpoint_id}/deliveries", headers=headers
        ).json()
        if all(delivery["status"] != "pending" for delivery in deliveries) or time.monotonic() > deadline:
            return deliveries
        time.sleep(0.05)


def test_refreshed_is_delivered_only_where_the_filter_names_it(
    api: httpx.Client, project: Project, make_app
) -> None:
    with receiver() as everything, receiver() as refreshes:
        default = _endpoint(api, project, everything)
        assert default["events"] == []
        opted_in = _endpoint(api, project, refreshes, events=["linked_account.refreshed"])
        app = make_app(project)
        account = _link(api, app, "gail")
        assert (
            api.post(f"/v1/linked-accounts/{account['id']}/refresh", headers=project.headers).status_code
            == 200
        )

        [refreshed] = refreshes.wait_for_types("linked_account.refreshed")
        everything.wait_for_types("linked_account.created")

    assert refreshed["data"]["sequence"] == 2
    assert refreshed["data"]["last_refreshed_at"] is not None
    default_types = [
        delivery["event_type"]
        for delivery in api.get(
            f"/v1/webhook-endpoints/{default['id']}/deliveries", headers=project.headers
        ).json()
    ]
    assert default_types == ["linked_account.created"]
    opted_types = [
        delivery["event_type"]
        for delivery in api.get(
            f"/v1/webhook-endpoints/{opted_in['id']}/deliveries", headers=project.headers
        ).json()
    ]
    assert opted_types == ["linked_account.refreshed"]


def test_a_failed_code_exchange_is_announced_without_provider_text(
    api: httpx.Client, project: Project, make_app, hook: Receiver
) -> None:
    _endpoint(api, project, hook, events=["link.failed"])
    app = make_app(project)
    app.provider.set_knobs(
        app.client.client_id, fail_status=400, fail_body=INVALID_GRANT, only_grant_type="authorization_code"
    )
    redirect = consent(app, start_link(api, app, owner="hank"))
    assert api.get(callback_path(redirect)).status_code == 400

    [failed] = hook.wait_for_types("link.failed")
    assert failed["data"]["reason"] == "invalid_grant"
    assert "grant revoked" not in json.dumps(failed)
    assert api.get("/v1/linked-accounts", headers=project.headers).json() == []


def test_endpoints_are_managed_per_project_and_never_show_their_secret(
    api: httpx.Client, project: Project, other_project: Project, hook: Receiver
) -> None:
    created = _endpoint(api, project, hook, description="crm sync", events=["linked_account.deleted"])
    path = f"/v1/webhook-endpoints/{created['id']}"

    shown = api.get(path, headers=project.headers)
    listed = api.get("/v1/webhook-endpoints", headers=project.headers)
    foreign = api.get(path, headers=other_project.headers)

    assert shown.status_code == 200
    assert "secret" not in shown.json()
    assert created["secret"] not in shown.text + listed.text
    assert {key: value for key, value in created.items() if key != "secret"} == shown.json()
    assert [item["id"] for item in listed.json()] == [created["id"]]
    assert shown.json()["delivery_status"] == "healthy"
    assert foreign.status_code == 404
    assert api.get("/v1/webhook-endpoints", headers=other_project.headers).json() == []

    updated = api.patch(
        path, json={"enabled": False, "events": [], "description": None}, headers=project.headers
    )
    assert updated.status_code == 200, updated.text
    assert (updated.json()["enabled"], updated.json()["events"], updated.json()["description"]) == (
        False,
        [],
        None,
    )
    assert api.post(f"{path}/test", headers=project.headers).status_code == 409

    rotated = api.post(f"{path}/rotate-secret", headers=project.headers)
    assert rotated.status_code == 200
    assert rotated.json()["secret"].startswith("whsec_")
    assert rotated.json()["secret"] != created["secret"]
    assert (
        api.get(path, headers=project.headers).json()["previous_secret_expires_at"]
        == (rotated.json()["previous_secret_expires_at"])
    )

    assert api.delete(path, headers=other_project.headers).status_code == 404
    assert api.delete(path, headers=project.headers).status_code == 204
    assert api.get(path, headers=project.headers).status_code == 404
    assert api.get(f"{path}/deliveries", headers=project.headers).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"url": "http://example.com/hooks"}, "https"),
        ({"url": "ftp://127.0.0.1/hooks"}, "https"),
        ({"url": "https://user:pw@127.0.0.1/hooks"}, "user name"),
        ({"url": "http://169.254.169.254/latest/meta-data"}, "https"),
        ({"url": "https://169.254.169.254/latest/meta-data"}, "link-local"),
        ({"url": "https://[fd00:ec2::254]/hooks"}, "metadata"),
        ({"url": "https://127.0.0.1/hooks", "events": ["linked_account.exploded"]}, "events"),
        ({"url": "https://127.0.0.1/hooks", "surprise": 1}, "surprise"),
    ],
)
def test_endpoint_urls_that_are_not_allowed_are_refused(
    api: httpx.Client, project: Project, body: dict[str, Any], field: str
) -> None:
    response = api.post("/v1/webhook-endpoints", json=body, headers=project.headers)

    assert response.status_code == 400, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    assert field in response.text
    assert api.get("/v1/webhook-endpoints", headers=project.headers).json() == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("https://10.1.2.3/hooks", "a private address"),
        ("https://127.0.0.1:8000/v1/linked-accounts", "a loopback address"),
        ("http://127.0.0.1:8000/hooks", "a loopback address"),
        ("https://[::1]/hooks", "a loopback address"),
        ("https://[::ffff:7f00:1]/hooks", "a loopback address"),
        ("https://[2002:7f00:1::]/hooks", "a loopback address"),
        ("https://localhost/hooks", "a loopback address"),
    ],
)
def test_private_and_loopback_endpoints_are_refused_by_default(
    linkvault: InProcess, project: Project, url: str, reason: str
) -> None:
    """Any tenant sets its endpoints' URLs: by default (LINKVAULT_WEBHOOKS_ALLOW_PRIVATE unset) none
    may make the server post into its own network or to a port of its own host, whether the URL names
    the address or a name that resolves to it (a trial found loopback addresses accepted)."""
    response = linkvault.http.post("/v1/webhook-endpoints", json={"url": url}, headers=project.headers)

    assert response.status_code == 400, response.text
    assert reason in response.json()["detail"]
    assert linkvault.http.get("/v1/webhook-endpoints", headers=project.headers).json() == []


def test_a_ping_reaches_the_endpoint_whatever_its_filter(
    api: httpx.Client, project: Project, hook: Receiver
) -> None:
    endpoint = _endpoint(api, project, hook, events=["link.failed"])

    queued = api.post(f"/v1/webhook-endpoints/{endpoint['id']}/test", headers=project.headers)

    assert queued.status_code == 202, queued.text
    assert queued.json()["event_type"] == "ping"
    assert queued.json()["status"] == "pending"
    [ping] = hook.wait_for_types("ping")
    assert ping["id"] == queued.json()["event_id"]
    assert ping["data"] == {"project_id": project.id, "webhook_endpoint_id": endpoint["id"]}
    # Not part of the event stream.
    assert api.get("/v1/events", headers=project.headers).json() == []


def test_a_relink_by_another_provider_user_is_announced_as_an_account_mismatch(
    api: httpx.Client, project: Project, make_app, hook: Receiver
) -> None:
    _endpoint(api, project, hook, events=["link.failed", "linked_account.reauthorized"])
    app = make_app(project)
    account = _link(api, app, "iris")

    redirect = consent(app, start_link(api, app, owner="iris"), login="mallory")
    refused = api.get(callback_path(redirect))

    assert refused.status_code == 400
    assert refused.json()["code"] == "account_mismatch"
    [failed] = hook.wait_for_types("link.failed")
    assert failed["data"]["reason"] == "account_mismatch"
    assert failed["data"]["linked_account_owner_id"] == "iris"
    assert "linked_account.reauthorized" not in hook.types()
    assert [event["type"] for event in api.get("/v1/events", headers=project.headers).json()] == [
        "linked_account.created",
        "link.failed",
    ]
    assert (
        api.get(f"/v1/linked-accounts/{account['id']}", headers=project.headers).json()["status"] == "active"
    )


def test_accounts_that_bring_their_own_secret_are_announced_too(
    api: httpx.Client, project: Project, hook: Receiver
) -> None:
    _endpoint(api, project, hook)
    headers = project.headers
    created = api.post(
        "/v1/app-configurations", json={"app_name": "serpapi", "security_scheme": "api_key"}, headers=headers
    )
    assert created.status_code == 201, created.text
    body = {"app_name": "serpapi", "linked_account_owner_id": "gina", "api_key": "sk-first"}
    first = api.post("/v1/linked-accounts/api-key", json=body, headers=headers)
    assert first.status_code == 200, first.text
    account_id = first.json()["id"]
    disabled = api.patch(f"/v1/linked-accounts/{account_id}", json={"enabled": False}, headers=headers)
    assert disabled.status_code == 200, disabled.text
    replaced = api.post("/v1/linked-accounts/api-key", json={**body, "api_key": "sk-second"}, headers=headers)
    assert replaced.status_code == 200, replaced.text

    hook.wait_for(lambda r: len(r.verified) == 4)
    assert sorted(payload["type"] for payload in hook.verified) == [
        "linked_account.created",
        "linked_account.disabled",
        "linked_account.enabled",
        "linked_account.reauthorized",
    ]
    assert {payload["data"]["linked_account_id"] for payload in hook.verified} == {account_id}
    assert not any("sk-" in json.dumps(payload) for payload in hook.verified)


def test_a_relink_of_a_disabled_account_is_announced_as_enabled_too(
    api: httpx.Client, project: Project, make_app, hook: Receiver
) -> None:
    _endpoint(api, project, hook)
    app = make_app(project)
    account = _link(api, app, "hana")
    disabled = api.patch(
        f"/v1/linked-accounts/{account['id']}", json={"enabled": False}, headers=project.headers
    )
    assert disabled.status_code == 200, disabled.text
    relinked = _link(api, app, "hana")
    assert relinked["id"] == account["id"]

    hook.wait_for(lambda r: len(r.verified) == 4)
    assert sorted(payload["type"] for payload in hook.verified) == [
        "linked_account.created",
        "linked_account.disabled",
        "linked_account.enabled",
        "linked_account.reauthorized",
    ]


def test_the_events_list_pages_by_cursor(api: httpx.Client, project: Project, make_app) -> None:
    app = make_app(project)
    for owner in ("ida", "jon", "kim"):
        _link(api, app, owner)
    everything = api.get("/v1/events", headers=project.headers).json()
    assert len(everything) == 3

    paged, params = [], {"limit": "1"}
    while True:
        page = api.get("/v1/events", params=params, headers=project.headers)
        assert page.status_code == 200, page.text
        paged += page.json()
        link = page.headers.get("link")
        if link is None:
            break
        params = {"limit": "1", "cursor": query_of(link.split(">")[0].lstrip("<"))["cursor"]}
    assert paged == everything

    forged = api.get("/v1/events", params={"cursor": "bm90LWEtY3Vyc29y"}, headers=project.headers)
    assert forged.status_code == 400 and forged.json()["code"] == "invalid_input"


def test_every_delivery_can_be_reached_page_by_page(
    api: httpx.Client, project: Project, hook: Receiver
) -> None:
    """However many deliveries an endpoint has, its listing pages through all of them, newest first,
    by the cursor in the ``Link`` header (RFC 8288); it showed the newest 100 at most."""
    endpoint = _endpoint(api, project, hook, events=["link.failed"])
    path = f"/v1/webhook-endpoints/{endpoint['id']}/deliveries"
    queued = [
        api.post(f"/v1/webhook-endpoints/{endpoint['id']}/test", headers=project.headers) for _ in range(5)
    ]
    assert {response.status_code for response in queued} == {202}

    paged, params, pages = [], {"limit": "2"}, 0
    while True:
        page = api.get(path, params=params, headers=project.headers)
        assert page.status_code == 200, page.text
        paged += [delivery["id"] for delivery in page.json()]
        pages += 1
        link = page.headers.get("link")
        if link is None:
            break
        params = {"limit": "2", "cursor": query_of(link.split(">")[0].lstrip("<"))["cursor"]}

    assert pages == 3
    assert paged == [response.json()["id"] for response in reversed(queued)]
    forged = api.get(path, params={"cursor": "bm90LWEtY3Vyc29y"}, headers=project.headers)
    assert forged.status_code == 400 and forged.json()["code"] == "invalid_input"


def test_an_events_filter_that_breaks_the_spec_is_invalid_request(
    api: httpx.Client, project: Project
) -> None:
    """The spec says ``linked_account_id`` is a UUID: a request that breaks the spec is
    ``invalid_request`` (operations.md), like an ``event_type`` outside its list."""
    not_a_uuid = api.get("/v1/events", params={"linked_account_id": "xyz"}, headers=project.headers)
    not_a_type = api.get("/v1/events", params={"event_type": "no.such"}, headers=project.headers)

    assert (not_a_uuid.status_code, not_a_uuid.json()["code"]) == (400, "invalid_request")
    assert (not_a_type.status_code, not_a_type.json()["code"]) == (400, "invalid_request")
