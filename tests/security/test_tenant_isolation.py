"""A project sees only its own app configurations, states and linked accounts.

Project A owns everything here; project B holds a valid key of its own and, where it matters, an app
of the same name. Whatever B does to A's things is a 404 that looks like the 404 of something that
does not exist (or, where a face finishes a state, the documented 400 ``invalid_state``), and it
changes nothing: A reads everything back unchanged and can still finish its own links.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlsplit

import httpx

from linkvault.settings import Settings
from support.flows import FRONTEND_CALLBACK, consent, query_of, start_link
from support.projects import Project
from support.secrets_scan import project_rows

QUIVA_CALLBACK = "/hub/integrations/oauth-callback"


def _same_answer(response: httpx.Response, reference: httpx.Response) -> None:
    assert (response.status_code, response.content) == (reference.status_code, reference.content)
    assert response.headers["content-type"] == reference.headers["content-type"]


def _link(api: httpx.Client, app, owner: str) -> dict:
    query = query_of(consent(app, start_link(api, app, owner=owner)))
    response = api.get(QUIVA_CALLBACK, params=query, headers=app.project.headers)
    assert response.status_code == 200, response.text
    listed = api.get(
        "/v1/linked-accounts",
        params={"app_name": app.app_name, "linked_account_owner_id": owner},
        headers=app.project.headers,
    )
    (account,) = listed.json()
    return account


def test_another_project_cannot_read_change_delete_or_use_an_app_configuration(
    api: httpx.Client, project: Project, other_project: Project, make_app, migrated: Settings
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    path = f"/v1/app-configurations/{app.app_name}"
    before = api.get(path, headers=project.headers).json()
    rows_before = project_rows(migrated, project.id)
    b = other_project.headers
    hijack = {
        "client_id": "hijacked",
        "client_secret": "hijacked-secret",
        "scopes": ["openid"],
        "redirect_uri": "https://attacker.example/callback",
    }

    answers = {
        "get": (api.get(path, headers=b), api.get("/v1/app-configurations/no-such-app", headers=b)),
        "update": (
            api.patch(path, json=hijack, headers=b),
            api.patch("/v1/app-configurations/no-such-app", json=hijack, headers=b),
        ),
        "delete": (api.delete(path, headers=b), api.delete("/v1/app-configurations/no-such-app", headers=b)),
        "start": (
            api.get(
                "/v1/linked-accounts/oauth2",
                params={"app_name": app.app_name, "linked_account_owner_id": "victim"},
                headers=b,
            ),
            api.get(
                "/v1/linked-accounts/oauth2",
                params={"app_name": "no-such-app", "linked_account_owner_id": "victim"},
                headers=b,
            ),
        ),
    }

    for operation, (foreign, missing) in answers.items():
        assert foreign.status_code == 404, (operation, foreign.text)
        assert foreign.headers["content-type"] == "application/problem+json"
        _same_answer(foreign, missing)
    assert api.get("/v1/app-configurations", headers=b).json() == []
    assert api.get(path, headers=project.headers).json() == before
    assert project_rows(migrated, project.id) == rows_before
    assert project_rows(migrated, other_project.id)["link_states"] == 0
    # A's app still works for A, with A's client.
    assert query_of(start_link(api, app))["client_id"] == app.client.client_id


def test_another_project_can_neither_finish_nor_use_up_a_state(
    api: httpx.Client, project: Project, other_project: Project, make_app, migrated: Settings
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    # B's own app has the same name, so a check by app name alone would let B in.
    twin = make_app(other_project, redirect_uri=FRONTEND_CALLBACK, app_name=app.app_name)
    redirect = consent(app, start_link(api, app, owner="a-owner"))
    query = query_of(redirect)
    body = {"code": query["code"], "state": query["state"], "iss": query["iss"]}
    b = other_project.headers

    langsmith = api.post(f"/v2/auth/callback/{app.app_name}", json=body, headers=b)
    langsmith_bearer = api.post(
        f"/v2/auth/callback/{app.app_name}",
        json=body,
        headers={"Authorization": f"Bearer {other_project.api_key}", "X-Tenant-Id": other_project.id},
    )
    langsmith_as_a = api.post(
        f"/v2/auth/callback/{app.app_name}", json=body, headers={**b, "X-Tenant-Id": project.id}
    )
    peaka_a = api.post(f"/connections/{project.id}/oauth2", json={"queryParameters": redirect}, headers=b)
    peaka_unknown = api.post(
        f"/connections/{uuid.uuid4()}/oauth2", json={"queryParameters": redirect}, headers=b
    )
    peaka_b = api.post(
        f"/connections/{other_project.id}/oauth2",
        json={"queryParameters": urlsplit(redirect).query},
        headers=b,
    )
    quiva = api.get(QUIVA_CALLBACK, params=query, headers=b)

    for refused in (langsmith, langsmith_bearer, peaka_b):
        assert refused.status_code == 400, refused.text
        assert refused.json()["code"] == "invalid_state"
    # B's key is told its tenant id is not its project; nothing says whether A exists.
    assert langsmith_as_a.status_code == 401
    assert langsmith_as_a.json()["code"] == "tenant_mismatch"
    assert project.id not in langsmith_as_a.text
    assert peaka_a.status_code == 404
    assert peaka_a.json()["code"] == "not_found"
    _same_answer(peaka_a, peaka_unknown)
    assert (quiva.status_code, quiva.json()["error"]) == (400, "invalid_state")
    assert app.provider.token_requests(app.client.client_id) == 0
    assert app.provider.token_requests(twin.client.client_id) == 0
    assert api.get("/v1/linked-accounts", headers=b).json() == []
    assert project_rows(migrated, project.id)["unused link_states"] == 1
    # The state was not used up: A finishes its own link.
    own = api.get(QUIVA_CALLBACK, params=query, headers=project.headers)
    assert own.status_code == 200, own.text
    assert own.json()["subject"] == f"linkvault.oauth.{project.id}.{app.app_name}.a-owner"
    assert app.provider.token_requests(app.client.client_id) == 1


def test_another_project_cannot_see_or_delete_a_linked_account(
    api: httpx.Client, project: Project, other_project: Project, make_app
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    twin = make_app(other_project, redirect_uri=FRONTEND_CALLBACK, app_name=app.app_name)
    first = _link(api, app, "shared-owner")
    second = _link(api, app, "a-only-owner")
    # B links an account with the same app name and owner id as A's first one.
    own = _link(api, twin, "shared-owner")
    a_cursor = query_of(
        api.get("/v1/linked-accounts", params={"limit": 1}, headers=project.headers).links["next"]["url"]
    )["cursor"]
    b = other_project.headers

    for account in (first, second):
        path = f"/v1/linked-accounts/{account['id']}"
        missing = f"/v1/linked-accounts/{uuid.uuid4()}"
        _same_answer(api.get(path, headers=b), api.get(missing, headers=b))
        _same_answer(api.delete(path, headers=b), api.delete(missing, headers=b))
        assert api.get(path, headers=b).status_code == 404
        assert api.get(path, headers=b).json()["code"] == "not_found"
    for params in [
        {},
        {"app_name": app.app_name},
        {"linked_account_owner_id": "shared-owner"},
        {"app_name": app.app_name, "linked_account_owner_id": "shared-owner"},
        {"linked_account_owner_id": "a-only-owner"},
        {"cursor": a_cursor},
        {"cursor": a_cursor, "app_name": app.app_name},
    ]:
        listed = api.get("/v1/linked-accounts", params=params, headers=b)
        assert listed.status_code == 200, (params, listed.text)
        assert {item["id"] for item in listed.json()} <= {own["id"]}, params
    assert [item["id"] for item in api.get("/v1/linked-accounts", headers=b).json()] == [own["id"]]
    # A's accounts are all there and unchanged.
    for account in (first, second):
        assert api.get(f"/v1/linked-accounts/{account['id']}", headers=project.headers).json() == account
    listed = api.get("/v1/linked-accounts", headers=project.headers).json()
    assert [item["id"] for item in listed] == [first["id"], second["id"]]
