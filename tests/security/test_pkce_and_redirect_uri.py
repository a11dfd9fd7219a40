"""The authorization and token requests linkvault sends: PKCE S256 binding the code to one flow
(RFC 7636), the authorization code response type only, the exact redirect URI in both requests
(RFC 6749 §4.1.3), and client authentication as configured, the secret never in a URL (§2.3.1)."""

from __future__ import annotations

from urllib.parse import urlsplit

import httpx
import pytest

from support.faces import callback_path, deliver
from support.flows import FRONTEND_CALLBACK, consent, query_of, start_link
from support.pkce import S256_CHALLENGE, VERIFIER, s256
from support.projects import Project
from support.server import RunningServer
from support.witness import database_text


def test_every_authorization_url_asks_for_a_code_with_a_fresh_s256_challenge(
    api: httpx.Client, project: Project, make_app
):
    app = make_app(project)

    urls = [start_link(api, app, owner=f"owner-{n}") for n in range(30)]

    challenges = []
    for url in urls:
        assert url.startswith(app.provider.authorization_endpoint + "?"), url
        query = query_of(url)  # each parameter exactly once
        assert query["response_type"] == "code"
        assert query["code_challenge_method"] == "S256"
        assert S256_CHALLENGE.fullmatch(query["code_challenge"])
        assert query["redirect_uri"] == app.redirect_uri
        assert query["client_id"] == app.client.client_id
        # Nothing that belongs in the back channel: no verifier, no secret, no implicit-grant response.
        assert not {"code_verifier", "client_secret", "response_mode", "nonce_verifier"} & set(query)
        assert app.client.client_secret not in url
        assert not urlsplit(url).fragment
        challenges.append(query["code_challenge"])
    assert len(set(challenges)) == len(challenges)
    assert app.provider.token_requests(app.client.client_id) == 0


@pytest.mark.parametrize(
    ("face", "redirect_uri"),
    [
        ("aci", None),  # linkvault's own callback
        ("aci", FRONTEND_CALLBACK),  # a bridged frontend that forwards the redirect unchanged
        ("langsmith", FRONTEND_CALLBACK),
        ("peaka", FRONTEND_CALLBACK),
        ("quiva", FRONTEND_CALLBACK),
    ],
)
def test_the_token_request_carries_the_verifier_of_the_challenge_and_the_exact_redirect_uri(
    api: httpx.Client,
    project: Project,
    make_app,
    migrated,
    linkvault_server: RunningServer,
    face: str,
    redirect_uri: str | None,
):
    app = make_app(project, redirect_uri=redirect_uri)
    authorization_url = start_link(api, app)
    redirect = consent(app, authorization_url)
    params = query_of(redirect)

    answer = deliver(api, face, app_name=app.app_name, project=project, params=params)

    assert answer.status == 200, answer.text
    request = app.provider.last_token_request(app.client.client_id)
    form = request["form"]
    authorization = query_of(authorization_url)
    assert form["grant_type"] == "authorization_code"
    assert form["code"] == params["code"]
    assert form["redirect_uri"] == authorization["redirect_uri"] == app.redirect_uri
    assert app.body["redirect_uri"] == app.redirect_uri
    verifier = form["code_verifier"]
    assert VERIFIER.fullmatch(verifier)
    assert s256(verifier) == authorization["code_challenge"]
    # The verifier travels in the token request only: not in any URL, answer, log or stored row.
    assert verifier not in authorization_url and verifier not in redirect
    assert verifier not in answer.text and verifier not in str(answer.response.headers)
    assert verifier not in linkvault_server.log_text()
    assert verifier not in database_text(migrated.database_url)
    assert app.provider.token_requests(app.client.client_id) == 1


@pytest.mark.parametrize("method", ["client_secret_basic", "client_secret_post"])
def test_the_client_authenticates_as_configured_and_the_secret_stays_out_of_urls(
    api: httpx.Client, project: Project, make_app, migrated, linkvault_server: RunningServer, method: str
):
    app = make_app(
        project,
        token_endpoint_auth_method=method,
        allowed_redirect_urls=["https://app.example/linked"],
    )
    secret = app.client.client_secret
    authorization_url = start_link(api, app, after_oauth2_link_redirect_url="https://app.example/linked")

    # The test provider refuses a client that authenticates otherwise than it registered.
    response = api.get(callback_path(consent(app, authorization_url)))

    assert response.status_code == 302, response.text
    request = app.provider.last_token_request(app.client.client_id)
    if method == "client_secret_basic":
        assert request["authorization_scheme"] == "Basic"
        assert "client_secret" not in request["form"]
    else:
        assert request["authorization_scheme"] == ""
        assert request["form"]["client_id"] == app.client.client_id
        assert request["form"]["client_secret"] == secret
    assert secret not in authorization_url
    assert secret not in response.headers["location"]
    assert secret not in response.text
    configuration = api.get(f"/v1/app-configurations/{app.app_name}", headers=project.headers)
    assert configuration.json()["has_client_secret"] is True
    assert secret not in configuration.text
    assert secret not in linkvault_server.log_text()
    assert secret not in database_text(migrated.database_url)


def test_a_changed_redirect_uri_does_not_apply_to_a_started_link(
    api: httpx.Client, project: Project, make_app
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    params = query_of(consent(app, start_link(api, app)))
    updated = api.patch(
        f"/v1/app-configurations/{app.app_name}",
        json={"redirect_uri": "http://127.0.0.1:9/elsewhere"},
        headers=project.headers,
    )
    assert updated.status_code == 200, updated.text

    answer = deliver(api, "aci", app_name=app.app_name, project=project, params=params)

    # RFC 6749 §4.1.3: the token request repeats the redirect_uri of the authorization request.
    assert answer.status == 200, answer.text
    assert app.provider.last_token_request(app.client.client_id)["form"]["redirect_uri"] == FRONTEND_CALLBACK


def test_callback_parameters_cannot_change_the_token_request(api: httpx.Client, project: Project, make_app):
    app = make_app(project)
    redirect = consent(app, start_link(api, app))
    smuggled = {
        "redirect_uri": "https://evil.example/callback",
        "code_verifier": "A" * 43,
        "client_id": "evil-client",
        "client_secret": "evil-secret",
        "grant_type": "refresh_token",
        "token_url": "https://evil.example/token",
    }

    response = api.get(callback_path(redirect, smuggled))

    assert response.status_code == 200, response.text
    form = app.provider.last_token_request(app.client.client_id)["form"]
    assert form["redirect_uri"] == app.redirect_uri
    assert form["grant_type"] == "authorization_code"
    assert form["code_verifier"] != smuggled["code_verifier"]
    assert "evil" not in str(form)
    assert app.provider.token_requests(app.client.client_id) == 1


@pytest.mark.parametrize(
    "authorize_params",
    [
        {"response_type": "token"},
        {"response_type": "code id_token"},
        {"code_challenge_method": "plain"},
        {"code_challenge": "A" * 43},
        {"redirect_uri": "https://evil.example/callback"},
        {"state": "fixed"},
        {"client_id": "someone-else"},
        {"scope": "openid admin"},
        {"request_uri": "https://evil.example/request.jwt"},
    ],
)
def test_configured_authorization_parameters_cannot_override_what_linkvault_sets(
    api: httpx.Client, project: Project, oidc_provider, authorize_params: dict[str, str]
):
    response = api.post(
        "/v1/app-configurations",
        json={
            "app_name": "overrides",
            "issuer": oidc_provider.issuer,
            "client_id": "c",
            "client_secret": "s",
            "authorize_params": authorize_params,
        },
        headers=project.headers,
    )

    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_input"
    assert api.get("/v1/app-configurations/overrides", headers=project.headers).status_code == 404
