"""API keys: a revoked key stops working at once, and every authentication failure looks the same.

What is asserted about failures: on any operation, a request without a key, with an unknown, revoked,
malformed, truncated or very long key, with the key in a header or scheme linkvault does not read
(``Basic``, another header name), or with a tenant id alone gets the very same answer: 401, the same
body and the same headers apart from ``Date``. Nothing tells whether a key or a project exists. A
valid key of another project on this project's Peaka path is authenticated, so it gets the 404 the
spec gives a foreign ``projectId`` - the same 404 as a project id that does not exist.
"""

from __future__ import annotations

import asyncio
import base64
import json
import secrets
import uuid
from typing import Any

import httpx
import pytest

from linkvault.engine import api_keys
from linkvault.engine.services import open_services
from linkvault.settings import Settings
from support.cli import run_linkvault
from support.faces import reason_of
from support.flows import FRONTEND_CALLBACK, consent, query_of, start_link
from support.projects import Project
from support.secrets_scan import project_rows
from support.server import RunningServer

QUIVA_CALLBACK = "/hub/integrations/oauth-callback"


def _revoked_key(settings: Settings, project_id: str) -> str:
    async def create_and_revoke() -> str:
        services = open_services(settings)
        try:
            created = await api_keys.create_api_key(services, project_id=uuid.UUID(project_id))
            await api_keys.revoke_api_key(services, key_id=created.key_id)
        finally:
            await services.aclose()
        return created.api_key

    return asyncio.run(create_and_revoke())


def _operations(
    project: Project, app_name: str, callback: dict[str, str]
) -> dict[str, tuple[str, str, dict]]:
    """One request of every kind a key authorizes; each would change or reveal something if it got in."""
    return {
        "list apps": ("GET", "/v1/app-configurations", {}),
        "get app": ("GET", f"/v1/app-configurations/{app_name}", {}),
        "update app": ("PATCH", f"/v1/app-configurations/{app_name}", {"json": {"scopes": ["openid"]}}),
        "delete app": ("DELETE", f"/v1/app-configurations/{app_name}", {}),
        "create app": (
            "POST",
            "/v1/app-configurations",
            {
                "json": {
                    "app_name": "intruder",
                    "client_id": "c",
                    "authorize_url": "https://p.example/a",
                    "token_url": "https://p.example/t",
                }
            },
        ),
        "start link": (
            "GET",
            "/v1/linked-accounts/oauth2",
            {"params": {"app_name": app_name, "linked_account_owner_id": "intruder"}},
        ),
        "list accounts": ("GET", "/v1/linked-accounts", {}),
        "get account": ("GET", f"/v1/linked-accounts/{uuid.uuid4()}", {}),
        "delete account": ("DELETE", f"/v1/linked-accounts/{uuid.uuid4()}", {}),
        "langsmith callback": ("POST", f"/v2/auth/callback/{app_name}", {"json": callback}),
        "peaka callback": (
            "POST",
            f"/connections/{project.id}/oauth2",
            {"json": {"queryParameters": f"code={callback['code']}&state={callback['state']}"}},
        ),
        "quiva callback": ("GET", QUIVA_CALLBACK, {"params": callback}),
    }


def _without_date(response: httpx.Response) -> list[tuple[str, str]]:
    """The headers, without those that differ on every answer whatever the request (the date and
    the generated request id)."""
    per_answer = {"date", "x-request-id"}
    return sorted((name, value) for name, value in response.headers.multi_items() if name not in per_answer)


def _pending_link(api: httpx.Client, app) -> dict[str, str]:
    query = query_of(consent(app, start_link(api, app)))
    return {"code": query["code"], "state": query["state"], "iss": query["iss"]}


def test_a_revoked_key_stops_working_at_once_on_every_auth_form(
    api: httpx.Client, linkvault_server: RunningServer, project: Project, make_app, migrated: Settings
):
    created = run_linkvault("api-keys", "create", project.id, "--json", env=linkvault_server.env)
    assert created.returncode == 0, created.stderr
    second = json.loads(created.stdout)
    key = second["api_key"]
    forms = {
        "X-API-KEY": {"X-API-KEY": key},
        "x-api-key": {"x-api-key": key},
        "Bearer": {"Authorization": f"Bearer {key}"},
        "bearer": {"Authorization": f"bearer {key}"},
    }
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    app_before = api.get(f"/v1/app-configurations/{app.app_name}", headers=project.headers).json()
    for headers in forms.values():
        assert api.get("/v1/app-configurations", headers=headers).status_code == 200
    # A link the second key started, still waiting for its callback when the key is revoked.
    started = api.get(
        "/v1/linked-accounts/oauth2",
        params={"app_name": app.app_name, "linked_account_owner_id": "owner-1"},
        headers=forms["Bearer"],
    )
    callback = query_of(consent(app, started.json()["url"]))
    rows_before = project_rows(migrated, project.id)

    revoked = run_linkvault("api-keys", "revoke", second["id"], env=linkvault_server.env)

    assert revoked.returncode == 0, revoked.stderr
    operations = _operations(project, app.app_name, callback)
    for form, headers in forms.items():
        for name, (method, path, kwargs) in operations.items():
            response = api.request(method, path, headers=headers, **kwargs)
            assert response.status_code == 401, (form, name, response.text)
            assert reason_of(response) == "unauthorized", (form, name)
    assert app.provider.token_requests(app.client.client_id) == 0
    assert api.get(f"/v1/app-configurations/{app.app_name}", headers=project.headers).json() == app_before
    assert project_rows(migrated, project.id) == rows_before
    # Revoking again finds no active key; the project's other key still works and finishes the link.
    again = run_linkvault("api-keys", "revoke", second["id"], env=linkvault_server.env)
    assert again.returncode == 1
    assert "no such active API key" in again.stderr
    finished = api.get(QUIVA_CALLBACK, params=callback, headers=project.headers)
    assert finished.status_code == 200, finished.text


@pytest.mark.parametrize(
    "operation",
    [
        "list apps", "get app", "update app", "delete app", "create app", "start link", "list accounts",
        "get account", "delete account", "langsmith callback", "peaka callback", "quiva callback",
    ],
)  # fmt: skip
def test_authentication_failures_are_indistinguishable(
    api: httpx.Client, project: Project, make_app, migrated: Settings, operation: str
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    callback = _pending_link(api, app)
    method, path, kwargs = _operations(project, app.app_name, callback)[operation]
    revoked = _revoked_key(migrated, project.id)
    key = project.api_key
    attempts: dict[str, dict[str, Any]] = {
        "no key": {},
        "unknown key": {"X-API-KEY": "lvk_" + secrets.token_urlsafe(32)},
        "unknown key as bearer": {"Authorization": "Bearer lvk_" + secrets.token_urlsafe(32)},
        "revoked key": {"X-API-KEY": revoked},
        "revoked key as bearer": {"Authorization": f"Bearer {revoked}"},
        "malformed key": {"X-API-KEY": 'not a key; "quoted" <b>'},
        "truncated key": {"X-API-KEY": key[:-1]},
        "key with a suffix": {"Authorization": f"Bearer {key}x"},
        "empty bearer": {"Authorization": "Bearer"},
        "basic scheme": {
            "Authorization": "Basic " + base64.b64encode(f"{project.id}:{key}".encode()).decode()
        },
        "key in the basic scheme": {"Authorization": f"Basic {key}"},
        "key without a scheme": {"Authorization": key},
        "key in another header": {"Api-Key": key},
        "very long key": {"X-API-KEY": "lvk_" + "A" * 10_000},
        "very long bearer": {"Authorization": "Bearer " + "A" * 10_000},
        "tenant id alone": {"X-Tenant-Id": project.id},
    }
    rows_before = project_rows(migrated, project.id)

    answers = {
        name: api.request(method, path, headers=headers, **kwargs) for name, headers in attempts.items()
    }

    reference = answers["no key"]
    assert reference.status_code == 401
    assert reason_of(reference) == "unauthorized"
    assert reference.headers["www-authenticate"] == "Bearer"
    for name, answer in answers.items():
        assert answer.status_code == 401, (name, answer.text)
        assert answer.content == reference.content, name
        assert _without_date(answer) == _without_date(reference), name
    assert key not in reference.text and project.id not in reference.text
    assert project_rows(migrated, project.id) == rows_before
    assert app.provider.token_requests(app.client.client_id) == 0
    assert api.get(QUIVA_CALLBACK, params=callback, headers=project.headers).status_code == 200


def test_a_key_of_another_project_on_a_peaka_path_is_not_found(
    api: httpx.Client, project: Project, other_project: Project, make_app, migrated: Settings
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    callback = _pending_link(api, app)
    body = {"queryParameters": f"code={callback['code']}&state={callback['state']}&iss={callback['iss']}"}
    wrong_key = {"X-API-KEY": "lvk_" + secrets.token_urlsafe(32)}

    foreign = api.post(f"/connections/{project.id}/oauth2", json=body, headers=other_project.headers)
    unknown = api.post(f"/connections/{uuid.uuid4()}/oauth2", json=body, headers=other_project.headers)
    not_an_id = api.post("/connections/mtKDhe1U/oauth2", json=body, headers=other_project.headers)
    bad_key_existing = api.post(f"/connections/{project.id}/oauth2", json=body, headers=wrong_key)
    bad_key_unknown = api.post(f"/connections/{uuid.uuid4()}/oauth2", json=body, headers=wrong_key)

    assert foreign.status_code == 404
    assert foreign.headers["content-type"] == "application/problem+json"
    assert foreign.json()["code"] == "not_found"
    for other in (unknown, not_an_id):
        assert (other.status_code, other.content) == (404, foreign.content)
    assert bad_key_existing.status_code == bad_key_unknown.status_code == 401
    assert reason_of(bad_key_existing) == "unauthorized"
    assert bad_key_existing.content == bad_key_unknown.content
    assert _without_date(bad_key_existing) == _without_date(bad_key_unknown)
    assert app.provider.token_requests(app.client.client_id) == 0
    assert project_rows(migrated, project.id)["unused link_states"] == 1
    finished = api.post(f"/connections/{project.id}/oauth2", json=body, headers=project.headers)
    assert finished.status_code == 200, finished.text


@pytest.mark.parametrize(
    "operation", ["list apps", "create app", "langsmith callback", "peaka callback", "quiva callback"]
)
def test_two_different_keys_in_one_request_are_refused_whichever_is_valid(
    api: httpx.Client, project: Project, other_project: Project, make_app, migrated: Settings, operation: str
):
    """RFC 6750 §2: one authentication method per request; which of two keys counts would be a guess."""
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    callback = _pending_link(api, app)
    method, path, kwargs = _operations(project, app.app_name, callback)[operation]
    key, unknown = project.api_key, "lvk_" + secrets.token_urlsafe(32)
    pairs = {
        "valid header, unknown bearer": {"X-API-KEY": key, "Authorization": f"Bearer {unknown}"},
        "unknown header, valid bearer": {"X-API-KEY": unknown, "Authorization": f"Bearer {key}"},
        "keys of two projects": {"X-API-KEY": key, "Authorization": f"Bearer {other_project.api_key}"},
        "the header twice": [("X-API-KEY", key), ("X-API-KEY", unknown)],
    }
    rows_before = project_rows(migrated, project.id)

    for name, headers in pairs.items():
        answer = api.request(method, path, headers=headers, **kwargs)

        assert answer.status_code == 401, (name, answer.text)
        assert reason_of(answer) == "conflicting_credentials", name
        if operation != "quiva callback":
            assert answer.json()["detail"] == (
                "the request carries two different API keys (in X-API-KEY or Authorization: Bearer "
                "headers); send one (RFC 6750 §2)"
            )
    assert project_rows(migrated, project.id) == rows_before
    assert app.provider.token_requests(app.client.client_id) == 0
    # The same key sent both ways is one credential: authenticated (the Peaka body has no iss, so
    # that face refuses the response itself, past authentication).
    same = api.request(method, path, headers={"X-API-KEY": key, "Authorization": f"Bearer {key}"}, **kwargs)
    assert same.status_code != 401, same.text
    assert same.is_success or reason_of(same) == "issuer_mismatch", same.text


def test_a_valid_key_with_another_projects_tenant_id_is_told_so(
    api: httpx.Client, project: Project, other_project: Project
):
    answer = api.post(
        "/v2/auth/callback/any",
        json={"code": "c", "state": "s"},
        headers={**project.headers, "X-Tenant-Id": other_project.id},
    )

    assert answer.status_code == 401
    assert reason_of(answer) == "tenant_mismatch"
    assert answer.json()["detail"] == (
        "the X-Tenant-Id header does not name the API key's project; send the key's project id, "
        "or leave the header out"
    )
    assert other_project.id not in answer.text and project.id not in answer.text


def test_the_keys_own_project_id_in_upper_case_is_the_same_tenant(api: httpx.Client, project: Project):
    answer = api.get("/v2/auth/providers", headers={**project.headers, "X-Tenant-Id": project.id.upper()})

    assert answer.status_code == 200, answer.text
