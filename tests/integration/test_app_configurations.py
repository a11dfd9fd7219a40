"""App configurations: discovery, validation, secrets kept back, and isolation between projects."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from linkvault.settings import Settings
from support.flows import consent, start_link
from support.inprocess import in_process
from support.oidc import OidcProvider
from support.projects import Project, create_project


def _create(api: httpx.Client, project: Project, **fields) -> httpx.Response:
    body = {"app_name": "github", "client_id": "cid", **fields}
    return api.post("/v1/app-configurations", json=body, headers=project.headers)


def test_an_issuer_fills_the_endpoints_from_discovery(
    api: httpx.Client, project: Project, oidc_provider: OidcProvider, linkvault_server
):
    response = _create(api, project, issuer=oidc_provider.issuer, client_secret="s3cret-value")

    assert response.status_code == 201, response.text
    app = response.json()
    assert app["authorize_url"] == oidc_provider.metadata["authorization_endpoint"]
    assert app["token_url"] == oidc_provider.metadata["token_endpoint"]
    assert app["authorization_response_iss_parameter_supported"] is True
    assert app["has_client_secret"] is True
    assert app["redirect_uri"] == f"{linkvault_server.base_url}/v1/linked-accounts/oauth2/callback"
    assert "s3cret-value" not in response.text
    fetched = api.get("/v1/app-configurations/github", headers=project.headers)
    assert fetched.json() == app
    assert "s3cret-value" not in fetched.text


def test_explicit_endpoints_are_accepted(api: httpx.Client, project: Project):
    response = _create(
        api,
        project,
        authorize_url="https://provider.example/authorize",
        token_url="https://provider.example/token",
        scopes=["repo", "user"],
        authorize_params={"access_type": "offline"},
        allowed_redirect_urls=["https://app.example/done"],
    )

    assert response.status_code == 201, response.text
    assert response.json()["issuer"] is None
    assert response.json()["has_client_secret"] is False
    assert response.json()["scopes"] == ["repo", "user"]


@pytest.mark.parametrize(
    "fields",
    [
        {"authorize_url": "http://provider.example/authorize", "token_url": "https://provider.example/token"},
        {"authorize_url": "https://provider.example/authorize", "token_url": "http://10.0.0.1/token"},
        {
            "authorize_url": "https://user:pw@provider.example/a",
            "token_url": "https://provider.example/token",
        },
        {"authorize_url": "https://provider.example/authorize"},
        {},
        {"issuer": "http://provider.example"},
        {
            "authorize_url": "https://provider.example/authorize",
            "token_url": "https://provider.example/token",
            "redirect_uri": "http://app.example/callback",
        },
        {
            "authorize_url": "https://provider.example/authorize",
            "token_url": "https://provider.example/token",
            "authorize_params": {"redirect_uri": "https://evil.example"},
        },
        {
            "authorize_url": "https://provider.example/authorize",
            "token_url": "https://provider.example/token",
            "allowed_redirect_urls": ["javascript:alert(1)"],
        },
    ],
)
def test_unsafe_or_incomplete_configurations_are_refused(api: httpx.Client, project: Project, fields: dict):
    response = _create(api, project, **fields)

    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "invalid_input"
    assert api.get("/v1/app-configurations", headers=project.headers).json() == []


def test_an_unreachable_issuer_is_a_bad_gateway(api: httpx.Client, project: Project):
    response = _create(api, project, issuer="http://127.0.0.1:9")

    assert response.status_code == 502
    assert response.json()["code"] == "provider_error"


def test_app_names_are_unique_in_a_project_only(api: httpx.Client, project: Project, other_project: Project):
    endpoints = {"authorize_url": "https://p.example/a", "token_url": "https://p.example/t"}

    assert _create(api, project, **endpoints).status_code == 201
    again = _create(api, project, **endpoints)
    assert again.status_code == 409
    assert again.json()["code"] == "conflict"
    assert _create(api, other_project, **endpoints).status_code == 201


def test_update_changes_only_the_given_fields(api: httpx.Client, project: Project):
    _create(
        api, project, authorize_url="https://p.example/a", token_url="https://p.example/t", client_secret="x"
    )

    updated = api.patch(
        "/v1/app-configurations/github",
        json={"scopes": ["read"], "client_secret": None},
        headers=project.headers,
    )

    assert updated.status_code == 200, updated.text
    assert updated.json()["scopes"] == ["read"]
    assert updated.json()["has_client_secret"] is False
    assert updated.json()["authorize_url"] == "https://p.example/a"


def test_another_project_sees_nothing_and_changes_nothing(
    api: httpx.Client, project: Project, other_project: Project
):
    _create(api, project, authorize_url="https://p.example/a", token_url="https://p.example/t")
    other = other_project.headers

    for refused in (
        api.get("/v1/app-configurations/github", headers=other),
        api.patch("/v1/app-configurations/github", json={"scopes": []}, headers=other),
        api.delete("/v1/app-configurations/github", headers=other),
    ):
        assert refused.status_code == 404
        assert refused.json()["code"] == "not_found"
    assert api.get("/v1/app-configurations", headers=other).json() == []
    start = api.get(
        "/v1/linked-accounts/oauth2",
        params={"app_name": "github", "linked_account_owner_id": "u"},
        headers=other,
    )
    assert start.status_code == 404
    assert start.json()["code"] == "not_found"
    assert api.get("/v1/app-configurations/github", headers=project.headers).json()["scopes"] == []


def test_an_app_with_linked_accounts_cannot_be_deleted(api: httpx.Client, project: Project, make_app):
    app = make_app(project)
    redirect = consent(app, start_link(api, app))
    account = api.get(redirect.replace(app.redirect_uri, "/v1/linked-accounts/oauth2/callback")).json()

    refused = api.delete(f"/v1/app-configurations/{app.app_name}", headers=project.headers)
    api.delete(f"/v1/linked-accounts/{account['id']}", headers=project.headers)
    deleted = api.delete(f"/v1/app-configurations/{app.app_name}", headers=project.headers)

    assert refused.status_code == 409
    assert refused.json()["code"] == "conflict"
    assert deleted.status_code == 204
    assert api.get(f"/v1/app-configurations/{app.app_name}", headers=project.headers).status_code == 404
    assert api.get(f"/v1/linked-accounts/{account['id']}", headers=project.headers).status_code == 404


def test_provider_calls_to_loopback_are_refused_when_private_addresses_are(
    migrated: Settings, oidc_provider: OidcProvider
):
    # An operator hosting tenants it does not trust turns private addresses off: discovery of an
    # issuer on loopback is refused before any connection, and nothing is created.
    settings = migrated.model_copy(update={"providers_allow_private": False})
    project = create_project(settings, "strict-egress")
    with in_process(settings) as linkvault:
        response = _create(linkvault.http, project, issuer=oidc_provider.issuer)
        listed = linkvault.http.get("/v1/app-configurations", headers=project.headers)

    # The caller's own input, refused by the operator's policy: a client error, not a provider outage.
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "address_not_allowed"
    assert "loopback" in response.json()["detail"]
    assert listed.json() == []


def test_stored_provider_urls_that_the_policy_refuses_fail_the_link_as_a_provider_error(
    migrated: Settings, oidc_provider: OidcProvider
):
    """A URL stored earlier (explicit endpoints are not called at creation) is refused when linking:
    502 address_not_allowed, the state used up, nothing linked."""
    settings = migrated.model_copy(update={"providers_allow_private": False})
    project = create_project(settings, "strict-egress-link")
    with in_process(settings) as linkvault:
        created = linkvault.http.post(
            "/v1/app-configurations",
            json={
                "app_name": "stored",
                "client_id": "c",
                "authorize_url": oidc_provider.authorization_endpoint,
                "token_url": oidc_provider.token_endpoint,
            },
            headers=project.headers,
        )
        assert created.status_code == 201, created.text
        started = linkvault.http.get(
            "/v1/linked-accounts/oauth2",
            params={"app_name": "stored", "linked_account_owner_id": "o"},
            headers=project.headers,
        )
        state = parse_qs(urlsplit(started.json()["url"]).query)["state"][0]
        callback = {"code": "c", "state": state}
        answer = linkvault.http.get("/v1/linked-accounts/oauth2/callback", params=callback)
        replay = linkvault.http.get("/v1/linked-accounts/oauth2/callback", params=callback)
        accounts = linkvault.http.get("/v1/linked-accounts", headers=project.headers)

    assert answer.status_code == 502, answer.text
    assert answer.json()["code"] == "address_not_allowed"
    assert (replay.status_code, replay.json()["code"]) == (400, "invalid_state")
    assert accounts.json() == []
