"""The provider catalog over HTTP (``GET /v1/apps``, ``GET /v1/apps/{provider}``), and app
configurations made from it: defaults, explicit overrides, and templated URL parts that cannot be
bent into another URL. Creating an app configuration from the catalog makes no request to the
provider, so the entries' real URLs are only stored and shown, never called."""

from __future__ import annotations

import secrets
from typing import Any

import httpx
import pytest

from support.faces import callback_path
from support.fake_provider import Answer, FakeProvider, create_fake_app
from support.flows import query_of, start_link
from support.oidc import OidcProvider
from support.projects import Project

# The providers the catalog was asked for by name; it holds these and more.
NAMED = [
    "google", "microsoft", "github", "gitlab", "bitbucket", "slack", "discord", "notion", "salesforce",
    "hubspot", "xero", "quickbooks", "dropbox", "box", "zoom", "atlassian", "linear", "asana", "spotify",
    "figma", "airtable", "stripe", "shopify", "intercom", "calendly", "x", "linkedin", "reddit", "twitch",
    "strava", "okta", "auth0", "keycloak", "zendesk", "miro", "clickup", "monday", "pipedrive", "docusign",
    "mailchimp",
]  # fmt: skip


def _all_pages(api: httpx.Client, project: Project, **params: Any) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    response = api.get("/v1/apps", params=params, headers=project.headers)
    while True:
        assert response.status_code == 200, response.text
        items.extend(response.json())
        if "next" not in response.links:
            return items
        response = api.get(response.links["next"]["url"], headers=project.headers)


def test_the_catalog_lists_every_named_provider_in_pages(api: httpx.Client, project: Project):
    first = api.get("/v1/apps", params={"limit": 7}, headers=project.headers)
    entries = _all_pages(api, project, limit=7)

    assert len(first.json()) == 7
    assert 'rel="next"' in first.headers["link"]
    names = [entry["name"] for entry in entries]
    assert names == sorted(set(names))
    assert len(names) >= 40
    assert set(NAMED) <= set(names)
    for entry in entries:
        assert entry["docs"], entry["name"]
        assert all(url.startswith("https://") for url in entry["docs"])


def test_the_catalog_is_filtered_by_name_case_insensitively(api: httpx.Client, project: Project):
    found = api.get("/v1/apps", params={"name": "GITL"}, headers=project.headers)
    by_display_name = api.get("/v1/apps", params={"name": "entra"}, headers=project.headers)
    nothing = api.get("/v1/apps", params={"name": "no-such-provider"}, headers=project.headers)

    assert [entry["name"] for entry in found.json()] == ["gitlab", "gitlab-self-managed"]
    assert [entry["name"] for entry in by_display_name.json()] == ["microsoft"]
    assert nothing.status_code == 200
    assert nothing.json() == []


def test_one_entry_says_how_to_link_the_provider(api: httpx.Client, project: Project):
    google = api.get("/v1/apps/google", headers=project.headers)
    slack = api.get("/v1/apps/slack", headers=project.headers)
    shopify = api.get("/v1/apps/shopify", headers=project.headers)

    assert google.status_code == 200, google.text
    assert google.json()["authorize_params"] == {"access_type": "offline", "prompt": "consent"}
    assert google.json()["issuer"] == "https://accounts.google.com"
    assert slack.json()["token_response"]["token_paths"] == ["", "authed_user"]
    assert slack.json()["token_response"]["bearer_token_types"] == ["bot", "user"]
    assert shopify.json()["authorize_url"] == "https://{shop}.myshopify.com/admin/oauth/authorize"
    assert shopify.json()["params"]["shop"]["kind"] == "label"


def test_an_unknown_provider_or_cursor_is_refused(api: httpx.Client, project: Project):
    unknown = api.get("/v1/apps/no-such-provider", headers=project.headers)
    cursor = api.get("/v1/apps", params={"cursor": "not a cursor"}, headers=project.headers)
    limit = api.get("/v1/apps", params={"limit": 0}, headers=project.headers)
    anonymous = api.get("/v1/apps")

    assert (unknown.status_code, unknown.json()["code"]) == (404, "not_found")
    assert unknown.headers["content-type"] == "application/problem+json"
    assert (cursor.status_code, cursor.json()["code"]) == (400, "invalid_input")
    assert limit.status_code == 400
    assert (anonymous.status_code, anonymous.json()["code"]) == (401, "unauthorized")


def _create(api: httpx.Client, project: Project, **fields: Any) -> httpx.Response:
    body = {"app_name": "cat-" + secrets.token_hex(6), "client_id": "c"}
    return api.post("/v1/app-configurations", json={**body, **fields}, headers=project.headers)


@pytest.mark.parametrize(
    ("provider", "params", "urls"),
    [
        ("shopify", {"shop": "my-shop"}, (
            "https://my-shop.myshopify.com/admin/oauth/authorize",
            "https://my-shop.myshopify.com/admin/oauth/access_token", None)),
        ("microsoft", {"tenant": "common"}, (
            "https://login.microsoftonline.com/common/oauth2/v2.0/authorize",
            "https://login.microsoftonline.com/common/oauth2/v2.0/token", None)),
        ("keycloak", {"domain": "sso.example.com", "realm": "acme"}, (
            "https://sso.example.com/realms/acme/protocol/openid-connect/auth",
            "https://sso.example.com/realms/acme/protocol/openid-connect/token",
            "https://sso.example.com/realms/acme/protocol/openid-connect/revoke")),
        ("zendesk", {"subdomain": "acme"}, (
            "https://acme.zendesk.com/oauth/authorizations/new",
            "https://acme.zendesk.com/oauth/tokens", None)),
    ],
)  # fmt: skip
def test_templated_urls_are_filled_from_provider_params(
    api: httpx.Client, project: Project, provider: str, params: dict[str, str], urls: tuple[str, ...]
):
    response = _create(api, project, provider=provider, provider_params=params)

    assert response.status_code == 201, response.text
    app = response.json()
    assert (app["authorize_url"], app["token_url"], app["revocation_url"]) == urls
    assert (app["provider"], app["provider_params"]) == (provider, params)
    assert app["issuer"] is None


@pytest.mark.parametrize(
    ("provider", "params"),
    [
        ("shopify", {"shop": "evil.example/x"}),
        ("shopify", {"shop": "evil.example"}),
        ("shopify", {"shop": "a@evil.example"}),
        ("shopify", {"shop": "a?b"}),
        ("shopify", {"shop": "a#b"}),
        ("shopify", {"shop": "a%2fb"}),
        ("shopify", {"shop": "a:443"}),
        ("shopify", {"shop": "a b"}),
        ("shopify", {"shop": ""}),
        ("shopify", {"shop": "x" * 64}),
        ("zendesk", {"subdomain": "evil.example\\"}),
        ("microsoft", {"tenant": "common/../../evil"}),
        ("keycloak", {"domain": "evil.example/x", "realm": "acme"}),
        ("keycloak", {"domain": "user@evil.example", "realm": "acme"}),
        ("keycloak", {"domain": "sso.example.com", "realm": ".."}),
        ("keycloak", {"domain": "sso.example.com", "realm": "a/b"}),
        ("okta", {"domain": "evil.example:8443"}),
        ("okta", {"domain": "evil.example?x=.okta.com"}),
        ("shopify", {}),
        ("shopify", {"shop": "my-shop", "extra": "x"}),
    ],
)
def test_a_param_that_could_bend_the_url_is_refused_and_nothing_is_stored(
    api: httpx.Client, project: Project, provider: str, params: dict[str, str]
):
    response = _create(api, project, provider=provider, provider_params=params)

    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_input"
    assert "provider_params" in response.json()["detail"]
    assert api.get("/v1/app-configurations", headers=project.headers).json() == []


def test_an_unknown_provider_or_params_without_one_are_refused(api: httpx.Client, project: Project):
    unknown = _create(api, project, provider="no-such-provider")
    params_alone = _create(
        api,
        project,
        provider_params={"shop": "x"},
        authorize_url="https://a.example/a",
        token_url="https://a.example/t",
    )

    assert (unknown.status_code, unknown.json()["code"]) == (400, "invalid_input")
    assert "GET /v1/apps" in unknown.json()["detail"]
    assert (params_alone.status_code, params_alone.json()["code"]) == (400, "invalid_input")


def test_explicit_fields_replace_the_catalogs(api: httpx.Client, project: Project):
    defaults = _create(api, project, provider="google").json()
    overridden = _create(
        api, project, provider="google", scopes=["https://www.googleapis.com/auth/drive.file"],
        authorize_params={"login_hint": "a@example.com"}, token_endpoint_auth_method="client_secret_basic",
        revocation_url="https://example.com/revoke",
    ).json()  # fmt: skip

    assert defaults["scopes"] == ["openid", "email", "profile"]
    assert defaults["authorize_params"] == {"access_type": "offline", "prompt": "consent"}
    assert defaults["token_endpoint_auth_method"] == "client_secret_post"
    assert defaults["authorize_url"] == "https://accounts.google.com/o/oauth2/v2/auth"
    assert defaults["revocation_url"] == "https://oauth2.googleapis.com/revoke"
    assert overridden["scopes"] == ["https://www.googleapis.com/auth/drive.file"]
    assert overridden["authorize_params"] == {"login_hint": "a@example.com"}
    assert overridden["token_endpoint_auth_method"] == "client_secret_basic"
    assert overridden["revocation_url"] == "https://example.com/revoke"
    assert overridden["authorize_url"] == defaults["authorize_url"]


def test_an_explicit_issuer_is_discovered_instead_of_the_catalogs_endpoints(
    api: httpx.Client, project: Project, oidc_provider: OidcProvider
):
    response = _create(api, project, provider="keycloak", provider_params={"domain": "sso.example.com", "realm": "a"},
                       issuer=oidc_provider.issuer)  # fmt: skip

    assert response.status_code == 201, response.text
    app = response.json()
    assert app["issuer"] == oidc_provider.issuer
    assert app["authorize_url"] == oidc_provider.authorization_endpoint
    assert app["token_url"] == oidc_provider.token_endpoint
    assert app["provider"] == "keycloak"


def test_a_new_user_links_a_catalog_provider_by_naming_it(
    api: httpx.Client, project: Project, fake_provider: FakeProvider
):
    """Google by name: the catalog's scopes, offline access and consent prompt, and client_secret_post;
    only the endpoints are the fake provider's (on loopback)."""
    tokens = {
        "access_token": "ya29.a0", "expires_in": 3599, "refresh_token": "1//0g", "token_type": "Bearer",
        "scope": "openid https://www.googleapis.com/auth/userinfo.email https://www.googleapis.com/auth/userinfo.profile",
    }  # fmt: skip
    app = create_fake_app(api, project, fake_provider, lambda grant: Answer(tokens), provider="google")

    authorization = query_of(start_link(api, app, owner="new-user"))
    redirect = fake_provider.authorize(start_link(api, app, owner="new-user"))
    linked = api.get(callback_path(redirect))

    assert authorization["access_type"] == "offline"
    assert authorization["prompt"] == "consent"
    assert authorization["scope"] == "openid email profile"
    assert linked.status_code == 200, linked.text
    assert linked.json()["linked_account_owner_id"] == "new-user"
    [grant] = fake_provider.grants(app.client_id)
    assert grant.form["client_secret"] == "fake-secret"  # client_secret_post, as the catalog says
    deleted = api.delete(f"/v1/linked-accounts/{linked.json()['id']}", headers=project.headers)
    assert deleted.json()["revocation"] == "revoked"
    assert [form["token"] for form in fake_provider.revocations(app.client_id)] == ["1//0g"]
