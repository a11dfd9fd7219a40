"""The provider catalog over HTTP (``GET /v1/apps``, ``GET /v1/apps/{provider}``), and app
configurations made from it: defaults, explicit overrides, templated URL parts that cannot be bent
into another URL, and discovery of an entry's issuer. An entry's real URLs are only stored and shown:
where creating a configuration would fetch an entry's metadata, linkvault runs in-process with every
name resolved to a documentation address and every connection to it refused (``offline``), so what it
would fetch is seen and nothing leaves the machine; the whole discovery and link of a catalog entry
with an issuer runs against the test provider, put into the catalog by the test."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from linkvault.engine import app_configurations
from linkvault.settings import Settings
from support.catalogs import TEST_ENTRY, add_test_entry
from support.egress import RecordingBackend, resolving_to
from support.faces import callback_path, deliver
from support.fake_provider import Answer, FakeProvider, create_fake_app
from support.flows import FRONTEND_CALLBACK, consent, query_of, start_link
from support.inprocess import InProcess, in_process
from support.oidc import OidcProvider
from support.projects import Project

# TEST-NET-1 (RFC 5737): what every name resolves to for the offline linkvault; never connected to.
_NOWHERE = "192.0.2.1"

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


@dataclass(frozen=True)
class Offline:
    """An in-process linkvault whose outbound calls are seen (``asked``: names resolved; ``backend``:
    connection attempts, all refused) and never made."""

    http: httpx.Client
    asked: list[str]
    backend: RecordingBackend
    linkvault: InProcess


@pytest.fixture(scope="module")
def _offline_linkvault(migrated: Settings) -> Iterator[Offline]:
    asked, resolver = resolving_to(_NOWHERE)
    backend = RecordingBackend()
    with in_process(migrated, resolver=resolver, network_backend=backend) as linkvault:
        yield Offline(http=linkvault.http, asked=asked, backend=backend, linkvault=linkvault)


@pytest.fixture
def offline(_offline_linkvault: Offline) -> Offline:
    _offline_linkvault.asked.clear()
    _offline_linkvault.backend.attempts.clear()
    return _offline_linkvault


@pytest.mark.parametrize(
    ("provider", "params", "urls"),
    [
        ("shopify", {"shop": "my-shop"}, (
            "https://my-shop.myshopify.com/admin/oauth/authorize",
            "https://my-shop.myshopify.com/admin/oauth/access_token", None)),
        ("gitlab-self-managed", {"domain": "gitlab.example.com"}, (
            "https://gitlab.example.com/oauth/authorize",
            "https://gitlab.example.com/oauth/token",
            "https://gitlab.example.com/oauth/revoke")),
        ("zendesk", {"subdomain": "acme"}, (
            "https://acme.zendesk.com/oauth/authorizations/new",
            "https://acme.zendesk.com/oauth/tokens", None)),
    ],
)  # fmt: skip
def test_templated_urls_are_filled_from_provider_params(
    offline: Offline, project: Project, provider: str, params: dict[str, str], urls: tuple[str, ...]
):
    response = _create(offline.http, project, provider=provider, provider_params=params)

    assert response.status_code == 201, response.text
    app = response.json()
    assert (app["authorize_url"], app["token_url"], app["revocation_url"]) == urls
    assert (app["provider"], app["provider_params"]) == (provider, params)
    assert app["issuer"] is None
    # An entry without an issuer is not discovered: nothing is fetched.
    assert (offline.asked, offline.backend.attempts) == ([], [])


@pytest.mark.parametrize(
    ("provider", "params", "metadata_url"),
    [
        ("google", {}, "https://accounts.google.com/.well-known/oauth-authorization-server"),
        ("discord", {}, "https://discord.com/.well-known/oauth-authorization-server"),
        ("microsoft", {"tenant": "common"},
         "https://login.microsoftonline.com/.well-known/oauth-authorization-server/common/v2.0"),
        ("keycloak", {"domain": "sso.example.com", "realm": "acme"},
         "https://sso.example.com/.well-known/oauth-authorization-server/realms/acme"),
        ("okta", {"domain": "acme.okta.com"},
         "https://acme.okta.com/.well-known/oauth-authorization-server/oauth2/default"),
        ("auth0", {"domain": "example.us.auth0.com"},
         "https://example.us.auth0.com/.well-known/oauth-authorization-server"),
        ("salesforce", {}, "https://login.salesforce.com/.well-known/oauth-authorization-server"),
        ("twitch", {}, "https://id.twitch.tv/.well-known/oauth-authorization-server/oauth2"),
    ],
)  # fmt: skip
def test_an_entrys_issuer_is_filled_from_provider_params_and_discovered(
    offline: Offline, project: Project, provider: str, params: dict[str, str], metadata_url: str
):
    """The entry's issuer is discovered as an explicit one is (RFC 8414 first); the provider being
    unreachable here, creating the configuration fails as it does for an unreachable issuer given."""
    response = _create(offline.http, project, provider=provider, provider_params=params)

    assert response.status_code == 502, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "provider_error"
    assert response.json()["detail"].startswith(f"GET {metadata_url}:")
    assert offline.asked == [metadata_url.split("/")[2]]
    assert offline.backend.attempts == [(_NOWHERE, 443)]
    assert offline.http.get("/v1/app-configurations", headers=project.headers).json() == []


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
    offline: Offline, project: Project, provider: str, params: dict[str, str]
):
    response = _create(offline.http, project, provider=provider, provider_params=params)

    assert response.status_code == 400, response.text
    assert response.json()["code"] == "invalid_input"
    assert "provider_params" in response.json()["detail"]
    assert offline.http.get("/v1/app-configurations", headers=project.headers).json() == []
    # Refused before any discovery of the entry's issuer.
    assert offline.asked == []


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


def test_explicit_endpoints_skip_discovery_and_explicit_fields_replace_the_catalogs(
    offline: Offline, project: Project
):
    """Google has an issuer; an explicit token_url (or authorize_url) means its endpoints are taken as
    given, the others from the catalog, and nothing is fetched."""
    token_url = {"token_url": "https://oauth2.googleapis.com/token"}
    defaults = _create(offline.http, project, provider="google", **token_url).json()
    overridden = _create(
        offline.http, project, provider="google", scopes=["https://www.googleapis.com/auth/drive.file"],
        authorize_params={"login_hint": "a@example.com"}, token_endpoint_auth_method="client_secret_basic",
        revocation_url="https://example.com/revoke", authorize_url="https://accounts.google.com/o/oauth2/v2/auth",
    ).json()  # fmt: skip

    assert (offline.asked, offline.backend.attempts) == ([], [])
    assert defaults["issuer"] is None
    assert defaults["authorization_response_iss_parameter_supported"] is False
    assert defaults["scopes"] == ["openid", "email", "profile"]
    assert defaults["authorize_params"] == {"access_type": "offline", "prompt": "consent"}
    assert defaults["token_endpoint_auth_method"] == "client_secret_post"
    assert defaults["authorize_url"] == "https://accounts.google.com/o/oauth2/v2/auth"
    assert defaults["revocation_url"] == "https://oauth2.googleapis.com/revoke"
    assert overridden["issuer"] is None
    assert overridden["scopes"] == ["https://www.googleapis.com/auth/drive.file"]
    assert overridden["authorize_params"] == {"login_hint": "a@example.com"}
    assert overridden["token_endpoint_auth_method"] == "client_secret_basic"
    assert overridden["revocation_url"] == "https://example.com/revoke"
    assert overridden["token_url"] == defaults["token_url"] == token_url["token_url"]


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


def test_an_entry_with_an_issuer_is_discovered_and_its_id_tokens_validated(
    migrated: Settings, project: Project, oidc_provider: OidcProvider, monkeypatch: pytest.MonkeyPatch
):
    """A configuration that only names an entry with an issuer: the endpoints, jwks_uri and RFC 9207
    support come from the issuer's metadata (the entry's own URLs lead nowhere), the catalog's defaults
    fill the rest, and a link checks ``iss`` and validates the ID token."""
    params = add_test_entry(monkeypatch, oidc_provider)
    client = oidc_provider.register_client(
        redirect_uris=[FRONTEND_CALLBACK], token_endpoint_auth_method="client_secret_post"
    )
    app = SimpleNamespace(
        app_name="catalog-oidc", project=project, provider=oidc_provider, client=client,
        redirect_uri=FRONTEND_CALLBACK,
    )  # fmt: skip
    backend = RecordingBackend()
    with in_process(migrated, resolver=resolving_to("127.0.0.1")[1], network_backend=backend) as linkvault:
        api = linkvault.http
        created = api.post(
            "/v1/app-configurations",
            json={
                "app_name": app.app_name, "provider": TEST_ENTRY, "provider_params": params,
                "client_id": client.client_id, "client_secret": client.client_secret,
                "redirect_uri": FRONTEND_CALLBACK,
            },
            headers=project.headers,
        )  # fmt: skip
        assert created.status_code == 201, created.text
        stored = linkvault.run(
            app_configurations.get_app_configuration, project_id=uuid.UUID(project.id), app_name=app.app_name
        )
        linked = deliver(api, "aci", app_name=app.app_name, project=project,
                         params=query_of(consent(app, start_link(api, app, owner="alice-owner"))))  # fmt: skip
        genuine = oidc_provider.last_token_response(client.client_id)["id_token"]
        header, payload, signature = genuine.split(".")
        forged = ".".join(
            (header, payload, signature[:20] + ("A" if signature[20] != "A" else "B") + signature[21:])
        )
        oidc_provider.set_knobs(
            client.client_id, response_patch={"id_token": forged}, only_grant_type="authorization_code"
        )
        refused = deliver(api, "aci", app_name=app.app_name, project=project,
                          params=query_of(consent(app, start_link(api, app, owner="bob-owner"))))  # fmt: skip
        oidc_provider.reset_knobs(client.client_id)
        without_iss = query_of(consent(app, start_link(api, app, owner="carol-owner")))
        del without_iss["iss"]
        mixed_up = deliver(api, "aci", app_name=app.app_name, project=project, params=without_iss)

    body = created.json()
    assert body["issuer"] == oidc_provider.issuer
    assert body["authorize_url"] == oidc_provider.authorization_endpoint
    assert body["token_url"] == oidc_provider.token_endpoint
    # The entry names no revocation URL; the metadata's is used.
    assert body["revocation_url"] == oidc_provider.revocation_endpoint
    assert body["authorization_response_iss_parameter_supported"] is True
    assert body["scopes"] == ["openid", "offline_access", "profile"]
    assert body["token_endpoint_auth_method"] == "client_secret_post"
    assert (body["provider"], body["provider_params"]) == (TEST_ENTRY, params)
    assert stored.jwks_uri == oidc_provider.metadata["jwks_uri"]
    assert linked.status == 200, linked.text
    assert linked.response.json()["provider_subject"] == "alice"
    assert (refused.status, refused.reason) == (400, "invalid_id_token"), refused.text
    assert (mixed_up.status, mixed_up.reason) == (400, "issuer_mismatch"), mixed_up.text
    assert all(host == "127.0.0.1" for host, _ in backend.attempts)


def test_an_entrys_issuer_without_metadata_is_refused_as_an_issuer_given_is(
    migrated: Settings, project: Project, oidc_provider: OidcProvider, fake_provider: FakeProvider,
    monkeypatch: pytest.MonkeyPatch,
):  # fmt: skip
    """The test entry's issuer pointed (by its port param) at the fake provider, which serves no
    metadata: a 400 that names the provider and how to do without discovery; nothing is stored."""
    add_test_entry(monkeypatch, oidc_provider)
    port = str(urlsplit(fake_provider.base_url).port)
    with in_process(
        migrated, resolver=resolving_to("127.0.0.1")[1], network_backend=RecordingBackend()
    ) as linkvault:
        refused = _create(linkvault.http, project, provider=TEST_ENTRY, provider_params={"port": port})
        listed = linkvault.http.get("/v1/app-configurations", headers=project.headers).json()

    assert refused.status_code == 400, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    assert refused.json()["code"] == "invalid_input"
    detail = refused.json()["detail"]
    assert detail.startswith(
        f"the catalog's issuer of {TEST_ENTRY} (http://127.0.0.1:{port}): no authorization"
    )
    assert "give authorize_url and token_url" in detail
    assert listed == []


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
