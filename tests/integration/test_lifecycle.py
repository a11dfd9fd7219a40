"""A linked account's life after the link, against the real test authorization server: credentials on
demand, refresh (RFC 6749 §6) and its failures, re-authorization, enable and disable, revocation on
delete (RFC 7009), and the list in ACI.dev's shape."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from support.faces import callback_path
from support.flows import consent, start_link
from support.projects import Project

INVALID_GRANT = json.dumps({"error": "invalid_grant", "error_description": "grant revoked"})


def _link(api: httpx.Client, app: Any, owner: str = "owner-1") -> dict[str, Any]:
    response = api.get(callback_path(consent(app, start_link(api, app, owner=owner))))
    assert response.status_code == 200, response.text
    account: dict[str, Any] = response.json()
    return account


def _due_at_link(app: Any) -> None:
    """The code exchange answers an access token that is already due (expires_in 0); refreshes
    answer the provider's normal lifetime."""
    app.provider.set_knobs(
        app.client.client_id, response_patch={"expires_in": 0}, only_grant_type="authorization_code"
    )


def _credentials(api: httpx.Client, project: Project, account_id: str) -> httpx.Response:
    return api.get(f"/v1/linked-accounts/{account_id}/credentials", headers=project.headers)


def _refresh(api: httpx.Client, project: Project, account_id: str) -> httpx.Response:
    return api.post(f"/v1/linked-accounts/{account_id}/refresh", headers=project.headers)


def _refreshes(app: Any) -> int:
    return app.provider.token_requests(app.client.client_id, "refresh_token")


def test_credentials_of_a_fresh_token_are_answered_as_stored(api: httpx.Client, project: Project, make_app):
    app = make_app(project)
    account = _link(api, app)

    first = _credentials(api, project, account["id"])
    second = _credentials(api, project, account["id"])

    assert first.status_code == 200, first.text
    body = first.json()
    assert set(body) == {"security_scheme", "access_token", "token_type", "expires_at", "scope", "sequence"}
    assert body["security_scheme"] == "oauth2"
    assert body["token_type"] == "Bearer"
    assert body["sequence"] == 1
    assert body["expires_at"] is not None
    assert "offline_access" in body["scope"]
    assert first.headers["cache-control"] == "no-store"
    assert second.json() == body
    assert _refreshes(app) == 0


def test_a_due_token_is_refreshed_before_it_is_handed_out(api: httpx.Client, project: Project, make_app):
    app = make_app(project)
    _due_at_link(app)
    account = _link(api, app)

    refreshed = _credentials(api, project, account["id"])
    again = _credentials(api, project, account["id"])

    assert refreshed.status_code == 200, refreshed.text
    assert refreshed.json()["sequence"] == 2
    assert again.json() == refreshed.json()
    assert _refreshes(app) == 1
    shown = api.get(f"/v1/linked-accounts/{account['id']}", headers=project.headers).json()
    assert shown["status"] == "active"
    assert shown["last_refreshed_at"] is not None


def test_concurrent_requests_on_a_due_account_cause_one_refresh(
    api: httpx.Client, project: Project, make_app
):
    app = make_app(project)
    _due_at_link(app)
    account = _link(api, app)
    # A slow refresh makes every request arrive while the first one is still at the provider.
    app.provider.set_knobs(app.client.client_id, delay_seconds=0.5, only_grant_type="refresh_token")

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(lambda _: _credentials(api, project, account["id"]), range(20)))

    assert [answer.status_code for answer in answers] == [200] * 20
    assert len({answer.json()["access_token"] for answer in answers}) == 1
    assert {answer.json()["sequence"] for answer in answers} == {2}
    assert _refreshes(app) == 1


def test_a_forced_refresh_with_rotation_stores_the_new_refresh_token(
    api: httpx.Client, project: Project, make_app
):
    app = make_app(project)
    app.provider.configure_client(app.client.client_id, rotate_refresh_tokens=True)
    account = _link(api, app)

    tokens = []
    for _ in range(3):
        response = _refresh(api, project, account["id"])
        assert response.status_code == 200, response.text
        tokens.append(response.json())

    # Each refresh presented the refresh token the previous one rotated in; a stale one would have
    # been refused (invalid_grant) and killed the grant.
    assert [token["sequence"] for token in tokens] == [2, 3, 4]
    assert len({token["access_token"] for token in tokens}) == 3
    assert _refreshes(app) == 3
    last = app.provider.last_token_request(app.client.client_id)["form"]
    assert last["grant_type"] == "refresh_token"
    assert "scope" not in last


def test_every_read_answers_the_token_the_last_refresh_stored(api: httpx.Client, project: Project, make_app):
    """A worker remembers the plaintext of the tokens it read lately, by their ciphertext: a refresh
    in between is seen by the very next read."""
    app = make_app(project)
    account = _link(api, app)

    for _ in range(3):
        before = _credentials(api, project, account["id"]).json()
        assert _credentials(api, project, account["id"]).json() == before
        refreshed = _refresh(api, project, account["id"]).json()
        after = _credentials(api, project, account["id"]).json()

        assert after["access_token"] == refreshed["access_token"] != before["access_token"]
        assert after["sequence"] == before["sequence"] + 1


def test_invalid_grant_marks_the_account_needs_reauth_until_it_is_linked_again(
    api: httpx.Client, project: Project, make_app
):
    app = make_app(project)
    account = _link(api, app, owner="dana")
    app.provider.set_knobs(
        app.client.client_id, fail_status=400, fail_body=INVALID_GRANT, only_grant_type="refresh_token"
    )

    refused = _refresh(api, project, account["id"])
    credentials = _credentials(api, project, account["id"])

    assert refused.status_code == 409
    assert refused.json()["code"] == "needs_reauth"
    assert "grant revoked" not in refused.text
    assert credentials.status_code == 409
    assert credentials.json()["code"] == "needs_reauth"
    shown = api.get(f"/v1/linked-accounts/{account['id']}", headers=project.headers).json()
    assert shown["status"] == "needs_reauth"
    needing = api.get("/v1/linked-accounts", params={"status": "needs_reauth"}, headers=project.headers)
    assert [item["id"] for item in needing.json()] == [account["id"]]

    app.provider.reset_knobs(app.client.client_id)
    relinked = _link(api, app, owner="dana")

    assert relinked["id"] == account["id"]
    assert relinked["status"] == "active"
    assert _credentials(api, project, account["id"]).json()["sequence"] == 2


@pytest.mark.parametrize(
    ("knobs", "status", "code"),
    [
        pytest.param(
            {"fail_status": 503, "fail_body": "<html><b>down</b></html>"},
            502,
            "provider_error",
            id="5xx-html",
        ),
        pytest.param({"fail_status": 200, "fail_body": "not json"}, 502, "provider_error", id="not-json"),
        pytest.param(
            {"fail_status": 200, "fail_body": json.dumps({"token_type": "Bearer"})},
            502,
            "provider_error",
            id="no-access-token",
        ),
        pytest.param({"delay_seconds": 4}, 504, "provider_timeout", id="timeout"),
    ],
)
def test_a_provider_failure_during_refresh_changes_nothing(
    api: httpx.Client, project: Project, make_app, knobs: dict[str, Any], status: int, code: str
):
    app = make_app(project)
    account = _link(api, app)
    before = _credentials(api, project, account["id"]).json()
    app.provider.set_knobs(app.client.client_id, only_grant_type="refresh_token", **knobs)

    failed = _refresh(api, project, account["id"])

    assert failed.status_code == status, failed.text
    assert failed.json()["code"] == code
    assert "<b>" not in failed.text
    assert _credentials(api, project, account["id"]).json() == before
    assert (
        api.get(f"/v1/linked-accounts/{account['id']}", headers=project.headers).json()["status"] == "active"
    )
    app.provider.reset_knobs(app.client.client_id)
    assert _refresh(api, project, account["id"]).json()["sequence"] == before["sequence"] + 1


def test_without_a_refresh_token_an_expired_account_needs_reauth(
    api: httpx.Client, project: Project, make_app
):
    app = make_app(project)
    app.provider.set_knobs(
        app.client.client_id,
        response_patch={"refresh_token": None, "expires_in": 0},
        only_grant_type="authorization_code",
    )
    account = _link(api, app)

    response = _credentials(api, project, account["id"])

    assert response.status_code == 409
    assert response.json()["code"] == "needs_reauth"
    assert _refreshes(app) == 0


def test_a_forced_refresh_without_a_refresh_token_is_refused_and_changes_nothing(
    api: httpx.Client, project: Project, make_app
):
    app = make_app(project)
    app.provider.set_knobs(
        app.client.client_id, response_patch={"refresh_token": None}, only_grant_type="authorization_code"
    )
    account = _link(api, app)

    refused = _refresh(api, project, account["id"])

    assert refused.status_code == 409
    assert refused.json()["code"] == "no_refresh_token"
    assert _credentials(api, project, account["id"]).status_code == 200


def test_a_disabled_account_gives_no_credentials_until_enabled(api: httpx.Client, project: Project, make_app):
    app = make_app(project)
    _due_at_link(app)
    account = _link(api, app)
    path = f"/v1/linked-accounts/{account['id']}"

    disabled = api.patch(path, json={"enabled": False}, headers=project.headers)
    credentials = _credentials(api, project, account["id"])
    forced = _refresh(api, project, account["id"])

    assert disabled.status_code == 200, disabled.text
    assert disabled.json()["enabled"] is False
    assert disabled.json()["status"] == "disabled"
    assert (credentials.status_code, credentials.json()["code"]) == (409, "account_disabled")
    assert (forced.status_code, forced.json()["code"]) == (409, "account_disabled")
    assert _refreshes(app) == 0
    listed = api.get("/v1/linked-accounts", params={"status": "disabled"}, headers=project.headers).json()
    assert [item["id"] for item in listed] == [account["id"]]

    enabled = api.patch(path, json={"enabled": True}, headers=project.headers)

    assert enabled.json()["status"] == "active"
    assert _credentials(api, project, account["id"]).status_code == 200


@pytest.mark.parametrize("body", [{}, {"enabled": "no"}, {"enabled": True, "status": "active"}])
def test_an_update_other_than_enabled_is_refused(
    api: httpx.Client, project: Project, make_app, body: dict[str, Any]
):
    app = make_app(project)
    account = _link(api, app)

    response = api.patch(f"/v1/linked-accounts/{account['id']}", json=body, headers=project.headers)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_request"


def test_delete_revokes_the_refresh_token_at_the_provider_first(
    api: httpx.Client, project: Project, make_app
):
    app = make_app(project)
    account = _link(api, app)

    deleted = api.delete(f"/v1/linked-accounts/{account['id']}", headers=project.headers)

    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {"id": account["id"], "revocation": "revoked"}
    assert app.provider.revocation_requests(app.client.client_id) == 1
    form = app.provider.last_revocation_request(app.client.client_id)["form"]
    assert form["token_type_hint"] == "refresh_token"
    assert api.get(f"/v1/linked-accounts/{account['id']}", headers=project.headers).status_code == 404
    assert _credentials(api, project, account["id"]).status_code == 404


@pytest.mark.parametrize(
    "knobs", [{"fail_status": 503, "fail_body": "down"}, {"delay_seconds": 5}], ids=["5xx", "slow"]
)
def test_a_failed_revocation_does_not_block_the_delete(
    api: httpx.Client, project: Project, make_app, knobs: dict[str, Any]
):
    app = make_app(project)
    account = _link(api, app)
    app.provider.set_revocation_knobs(app.client.client_id, **knobs)

    deleted = api.delete(f"/v1/linked-accounts/{account['id']}", headers=project.headers)

    assert deleted.status_code == 200
    assert deleted.json()["revocation"] == "failed"
    assert api.get(f"/v1/linked-accounts/{account['id']}", headers=project.headers).status_code == 404


def test_delete_without_a_revocation_endpoint_says_unsupported(api: httpx.Client, project: Project, make_app):
    app = make_app(project)
    account = _link(api, app)
    api.patch(
        f"/v1/app-configurations/{app.app_name}",
        json={"revocation_url": None},
        headers=project.headers,
    ).raise_for_status()

    deleted = api.delete(f"/v1/linked-accounts/{account['id']}", headers=project.headers)

    assert deleted.json() == {"id": account["id"], "revocation": "unsupported"}
    assert app.provider.revocation_requests(app.client.client_id) == 0


def test_the_list_is_a_bare_array_paged_by_the_link_header(api: httpx.Client, project: Project, make_app):
    app = make_app(project)
    ids = [_link(api, app, owner=f"pager-{number}")["id"] for number in range(3)]

    seen: list[str] = []
    response = api.get(
        "/v1/linked-accounts", params={"app_name": app.app_name, "limit": 2}, headers=project.headers
    )
    pages = 0
    while True:
        assert response.status_code == 200
        assert isinstance(response.json(), list)
        seen += [item["id"] for item in response.json()]
        pages += 1
        if "next" not in response.links:
            break
        response = api.get(response.links["next"]["url"], headers=project.headers)

    assert seen == ids
    assert pages == 2


def test_a_relink_that_signs_in_another_user_is_refused_unless_the_switch_is_allowed(
    api: httpx.Client, project: Project, make_app
):
    app = make_app(project)
    account = _link(api, app, owner="erin")
    before = _credentials(api, project, account["id"]).json()

    redirect = app.provider.authorize(start_link(api, app, owner="erin"), login="mallory")
    refused = api.get(callback_path(redirect))

    assert account["provider_subject"] == "alice"
    assert refused.status_code == 400
    assert refused.json()["code"] == "account_mismatch"
    # The tokens issued for the wrong user are thrown away, and revoked so that no grant is left live.
    assert app.provider.revocation_requests(app.client.client_id) == 1
    shown = api.get(f"/v1/linked-accounts/{account['id']}", headers=project.headers).json()
    assert shown["provider_subject"] == "alice"
    assert _credentials(api, project, account["id"]).json() == before

    allowed = start_link(api, app, owner="erin", allow_account_switch="true")
    switched = api.get(callback_path(app.provider.authorize(allowed, login="mallory")))

    assert switched.status_code == 200, switched.text
    assert switched.json()["id"] == account["id"]
    assert switched.json()["provider_subject"] == "mallory"


def test_an_id_token_from_another_client_is_refused(api: httpx.Client, project: Project, make_app):
    victim = make_app(project)
    attacker = make_app(project)
    stolen = _link(api, attacker, owner="frank")
    assert stolen["provider_subject"] == "alice"
    # The attacker's app received a validly signed ID token meant for its own client id.
    attacker_token = attacker.provider.last_token_response(attacker.client.client_id)["id_token"]
    victim.provider.set_knobs(
        victim.client.client_id,
        response_patch={"id_token": attacker_token},
        only_grant_type="authorization_code",
    )

    refused = api.get(callback_path(consent(victim, start_link(api, victim, owner="frank"))))

    assert refused.status_code == 400
    assert refused.json()["code"] == "invalid_id_token"
    assert victim.provider.revocation_requests(victim.client.client_id) == 1
    listed = api.get("/v1/linked-accounts", params={"app_name": victim.app_name}, headers=project.headers)
    assert listed.json() == []
