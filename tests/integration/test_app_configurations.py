"""App configurations: discovery, validation, secrets kept back, isolation between projects, and updates
that name another catalog provider or new params."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from linkvault.engine import app_configurations
from linkvault.settings import Settings
from linkvault.store.models import AppConfiguration
from support.catalogs import TEST_ENTRY, add_test_entry
from support.egress import RecordingBackend, resolving_to
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


def test_new_endpoints_never_drop_the_issuer_silently(
    api: httpx.Client, project: Project, oidc_provider: OidcProvider
):
    """An app whose endpoints came from its issuer keeps the issuer's checks (RFC 9207 ``iss``, the ID
    token) unless the caller drops it in so many words: new endpoints alone are refused and change
    nothing, the same endpoints again change nothing, and ``"issuer": null`` drops it."""
    created = _create(api, project, issuer=oidc_provider.issuer).json()
    token_url = created["token_url"]

    def patch(**fields: Any) -> httpx.Response:
        return api.patch("/v1/app-configurations/github", json=fields, headers=project.headers)

    moved = patch(token_url="https://elsewhere.example/token")
    # Neither detaching from the catalog nor new params name a provider whose entry gives endpoints.
    detached = patch(provider=None, authorize_url="https://elsewhere.example/authorize")
    new_params = patch(provider_params={}, token_url="https://elsewhere.example/token")
    # A provider's name beside endpoints of the caller's own: the entry gives none of them.
    named = patch(provider="github", token_url="https://elsewhere.example/token")
    unchanged = patch(token_url=token_url, authorize_url=created["authorize_url"])
    after = api.get("/v1/app-configurations/github", headers=project.headers).json()
    dropped = patch(token_url="https://elsewhere.example/token", issuer=None)
    issuer_only = patch(issuer=oidc_provider.issuer)
    dropped_alone = patch(issuer=None)

    assert detached.status_code == new_params.status_code == named.status_code == 400, (
        detached.text, new_params.text, named.text,
    )  # fmt: skip
    assert moved.status_code == 400, moved.text
    assert moved.headers["content-type"] == "application/problem+json"
    assert moved.json()["code"] == "invalid_input"
    assert '"issuer": null' in moved.json()["detail"]
    assert unchanged.status_code == 200, unchanged.text

    def settings(app: dict[str, Any]) -> dict[str, Any]:
        return {name: value for name, value in app.items() if name != "updated_at"}

    assert settings(unchanged.json()) == settings(after) == settings(created)
    assert dropped.status_code == 200, dropped.text
    assert dropped.json()["issuer"] is None
    assert dropped.json()["token_url"] == "https://elsewhere.example/token"
    assert dropped.json()["authorization_response_iss_parameter_supported"] is False
    assert issuer_only.json()["issuer"] == oidc_provider.issuer
    assert issuer_only.json()["token_url"] == token_url
    assert dropped_alone.status_code == 200, dropped_alone.text
    assert dropped_alone.json()["issuer"] is None
    assert dropped_alone.json()["token_url"] == token_url


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
            "authorize_params": {"": "x"},
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


def _patch(api: httpx.Client, project: Project, **fields: Any) -> httpx.Response:
    return api.patch("/v1/app-configurations/github", json=fields, headers=project.headers)


def _entry(api: httpx.Client, project: Project, name: str) -> dict[str, Any]:
    response = api.get(f"/v1/apps/{name}", headers=project.headers)
    assert response.status_code == 200, response.text
    entry: dict[str, Any] = response.json()
    return entry


def test_naming_another_provider_in_an_update_derives_its_endpoints_and_defaults(
    api: httpx.Client, project: Project
):
    _create(
        api, project, authorize_url="https://p.example/a", token_url="https://p.example/t",
        revocation_url="https://p.example/r", scopes=["repo"], authorize_params={"allow_signup": "false"},
        token_endpoint_auth_method="client_secret_post",
    )  # fmt: skip

    github = _patch(api, project, provider="github")
    zendesk = _patch(
        api, project, provider="zendesk", provider_params={"subdomain": "acme"}, scopes=["read", "write"],
        token_url="https://acme.zendesk.com/oauth/tokens/v2",
    )  # fmt: skip

    assert github.status_code == 200, github.text
    entry = _entry(api, project, "github")
    assert (github.json()["authorize_url"], github.json()["token_url"]) == (
        entry["authorize_url"],
        entry["token_url"],
    )
    # The old provider's revocation URL is not the new one's; GitHub's entry names none.
    assert github.json()["revocation_url"] is None
    assert github.json()["scopes"] == entry["scopes"]
    assert github.json()["authorize_params"] == entry["authorize_params"]
    assert github.json()["token_endpoint_auth_method"] == entry["token_endpoint_auth_method"]
    assert (github.json()["provider"], github.json()["provider_params"]) == ("github", {})
    assert zendesk.status_code == 200, zendesk.text
    assert zendesk.json()["authorize_url"] == "https://acme.zendesk.com/oauth/authorizations/new"
    assert zendesk.json()["token_url"] == "https://acme.zendesk.com/oauth/tokens/v2"  # given: it wins
    assert zendesk.json()["scopes"] == ["read", "write"]  # given: it wins
    assert zendesk.json()["authorize_params"] == {}  # the entry's
    assert (
        zendesk.json()["token_endpoint_auth_method"]
        == _entry(api, project, "zendesk")["token_endpoint_auth_method"]
    )
    assert (zendesk.json()["provider"], zendesk.json()["provider_params"]) == (
        "zendesk",
        {"subdomain": "acme"},
    )
    assert api.get("/v1/app-configurations/github", headers=project.headers).json() == zendesk.json()
    # Stripe's entry names no client authentication: linkvault's default, not Zendesk's.
    assert _entry(api, project, "stripe")["token_endpoint_auth_method"] is None
    assert zendesk.json()["token_endpoint_auth_method"] != "client_secret_basic"
    stripe = _patch(api, project, provider="stripe")
    assert stripe.status_code == 200, stripe.text
    assert stripe.json()["token_endpoint_auth_method"] == "client_secret_basic"


def test_new_provider_params_derive_the_endpoints_again_and_keep_the_chosen_scopes(
    api: httpx.Client, project: Project
):
    _create(
        api, project, provider="shopify", provider_params={"shop": "old-shop"}, scopes=["read_orders"],
        authorize_params={"grant_options[]": "per-user"},
    )  # fmt: skip

    moved = _patch(api, project, provider_params={"shop": "new-shop"})
    overridden = _patch(api, project, token_url="https://p.example/token")
    named_again = _patch(api, project, provider="shopify")

    assert moved.status_code == 200, moved.text
    assert moved.json()["authorize_url"] == "https://new-shop.myshopify.com/admin/oauth/authorize"
    assert moved.json()["token_url"] == "https://new-shop.myshopify.com/admin/oauth/access_token"
    assert moved.json()["provider_params"] == {"shop": "new-shop"}
    assert moved.json()["scopes"] == ["read_orders"]
    assert moved.json()["authorize_params"] == {"grant_options[]": "per-user"}
    assert overridden.json()["token_url"] == "https://p.example/token"
    # The same provider named again: its endpoints as the catalog has them, the params and choices kept.
    assert named_again.status_code == 200, named_again.text
    assert named_again.json()["token_url"] == moved.json()["token_url"]
    assert named_again.json()["provider_params"] == {"shop": "new-shop"}
    assert named_again.json()["scopes"] == ["read_orders"]


def test_provider_null_detaches_the_configuration_from_the_catalog(api: httpx.Client, project: Project):
    created = _create(api, project, provider="shopify", provider_params={"shop": "acme"}).json()

    detached = _patch(api, project, provider=None)

    assert detached.status_code == 200, detached.text
    assert (detached.json()["provider"], detached.json()["provider_params"]) == (None, {})
    kept = (
        "authorize_url",
        "token_url",
        "revocation_url",
        "scopes",
        "authorize_params",
        "token_endpoint_auth_method",
    )
    assert {name: detached.json()[name] for name in kept} == {name: created[name] for name in kept}


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"provider": "no-such-provider"}, "GET /v1/apps"),
        # Another provider than the current (none): its params are not carried over.
        ({"provider": "shopify"}, "provider_params.shop"),
        ({"provider": "shopify", "provider_params": {"shop": "evil.example/x"}}, "provider_params.shop"),
        ({"provider_params": {"shop": "acme"}}, "provider_params needs a provider"),
        ({"provider": None, "provider_params": {"shop": "acme"}}, "provider_params needs a provider"),
    ],
)
def test_a_bad_provider_in_an_update_is_refused_and_changes_nothing(
    api: httpx.Client, project: Project, fields: dict[str, Any], named: str
):
    before = _create(
        api, project, authorize_url="https://p.example/a", token_url="https://p.example/t"
    ).json()

    refused = _patch(api, project, **fields)

    assert refused.status_code == 400, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "invalid_input"
    assert named in refused.json()["detail"]
    assert api.get("/v1/app-configurations/github", headers=project.headers).json() == before


def test_an_update_naming_an_entry_with_an_issuer_discovers_it_unless_endpoints_are_given(
    migrated: Settings, project: Project
):
    """No request leaves: every name resolves to a documentation address whose connection is refused."""
    asked, resolver = resolving_to("192.0.2.1")
    backend = RecordingBackend()
    with in_process(migrated, resolver=resolver, network_backend=backend) as linkvault:
        before = _create(
            linkvault.http, project, authorize_url="https://p.example/a", token_url="https://p.example/t"
        ).json()
        unreachable = _patch(linkvault.http, project, provider="google")
        after_failure = linkvault.http.get("/v1/app-configurations/github", headers=project.headers).json()
        fetched = (list(asked), list(backend.attempts))
        asked.clear()
        explicit = _patch(
            linkvault.http, project, provider="keycloak", provider_params={"domain": "sso.example.com", "realm": "acme"},
            authorize_url="https://sso.example.com/realms/acme/protocol/openid-connect/auth",
        )  # fmt: skip

    assert unreachable.status_code == 502, unreachable.text
    assert unreachable.json()["code"] == "provider_error"
    assert "https://accounts.google.com/.well-known/" in unreachable.json()["detail"]
    assert fetched == (["accounts.google.com"], [("192.0.2.1", 443)])
    assert after_failure == before
    assert explicit.status_code == 200, explicit.text
    assert asked == []
    assert explicit.json()["issuer"] is None
    assert explicit.json()["token_url"] == "https://sso.example.com/realms/acme/protocol/openid-connect/token"
    assert (
        explicit.json()["revocation_url"]
        == "https://sso.example.com/realms/acme/protocol/openid-connect/revoke"
    )


def test_the_engine_derives_an_issuer_from_the_catalog_on_update_and_forgets_it_for_other_endpoints(
    migrated: Settings, project: Project, oidc_provider: OidcProvider, monkeypatch: pytest.MonkeyPatch
):
    """Engine level (``update_app_configuration``), with the test provider as a catalog entry: what the
    HTTP answer does not show (``jwks_uri``) is stored and cleared."""
    params = add_test_entry(monkeypatch, oidc_provider)
    project_id = uuid.UUID(project.id)

    def columns(app: AppConfiguration) -> dict[str, Any]:
        names = ("issuer", "jwks_uri", "authorization_response_iss_parameter_supported", "authorize_url",
                 "token_url", "revocation_url", "scopes", "authorize_params", "token_endpoint_auth_method",
                 "provider", "provider_params")  # fmt: skip
        return {name: getattr(app, name) for name in names}

    with in_process(
        migrated, resolver=resolving_to("127.0.0.1")[1], network_backend=RecordingBackend()
    ) as linkvault:

        def update(**fields: Any) -> dict[str, Any]:
            app = linkvault.run(
                app_configurations.update_app_configuration, project_id=project_id, app_name="moving",
                fields=fields,
            )  # fmt: skip
            return columns(app)

        linkvault.run(
            app_configurations.create_app_configuration, project_id=project_id,
            fields={"app_name": "moving", "client_id": "c", "provider": "github", "scopes": ["repo"]},
        )  # fmt: skip
        discovered = update(provider=TEST_ENTRY, provider_params=params)
        revocation_given = update(
            provider_params=params, revocation_url="https://p.example/revoke", scopes=["openid"]
        )
        detached = update(provider=None)
        left = update(provider="github")

    metadata = oidc_provider.metadata
    assert discovered == {
        "issuer": oidc_provider.issuer, "jwks_uri": metadata["jwks_uri"],
        "authorization_response_iss_parameter_supported": True,
        "authorize_url": metadata["authorization_endpoint"], "token_url": metadata["token_endpoint"],
        "revocation_url": metadata["revocation_endpoint"], "scopes": ["openid", "offline_access", "profile"],
        "authorize_params": {"prompt": "consent"}, "token_endpoint_auth_method": "client_secret_post",
        "provider": TEST_ENTRY, "provider_params": params,
    }  # fmt: skip
    assert revocation_given == {
        **discovered,
        "revocation_url": "https://p.example/revoke",
        "scopes": ["openid"],
    }
    assert detached == {**revocation_given, "provider": None, "provider_params": {}}
    assert left == {
        "issuer": None, "jwks_uri": None, "authorization_response_iss_parameter_supported": False,
        "authorize_url": "https://github.com/login/oauth/authorize",
        "token_url": "https://github.com/login/oauth/access_token", "revocation_url": None,
        "scopes": ["read:user"], "authorize_params": {}, "token_endpoint_auth_method": "client_secret_post",
        "provider": "github", "provider_params": {},
    }  # fmt: skip
