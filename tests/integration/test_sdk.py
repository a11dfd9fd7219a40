"""The generated SDK (``linkvault_client``) against a running linkvault: every operation of the spec,
sync and async, read back through the SDK's typed models.

Both authentication forms are exercised: ``AuthenticatedClient`` sends ``Authorization: Bearer <key>``,
a plain ``Client`` sends the key in ``X-API-KEY``; the ACI callback gets a client with no credentials,
because its state is what authenticates it. Links are finished through the real test provider: its
login and consent pages are driven by ``oidc_provider.authorize``, and the code and state of the
redirect it answers are handed to the SDK, as an application's frontend would.
"""

from __future__ import annotations

import functools
import pkgutil
import re
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

import anyio
import httpx
import pytest
import yaml

import linkvault_client.api
from linkvault_client import AuthenticatedClient, Client
from linkvault_client.api.app_configurations import (
    create_app_configuration,
    delete_app_configuration,
    get_app_configuration,
    list_app_configurations,
    update_app_configuration,
)
from linkvault_client.api.auth_service_v_2 import oauth_callback_v2_auth_callback_provider_id_post
from linkvault_client.api.connections import oauth_2_callback
from linkvault_client.api.linked_accounts import (
    delete_linked_account,
    get_linked_account,
    linked_accounts_link_oauth2_account,
    linked_accounts_linked_accounts_oauth2_callback,
    list_linked_accounts,
)
from linkvault_client.api.oauth import integrations_oauth_callback
from linkvault_client.models import (
    AppConfiguration,
    AppConfigurationCreate,
    AppConfigurationCreateAuthorizeParams,
    AppConfigurationUpdate,
    Connection,
    Error,
    HTTPValidationError,
    LinkedAccountPage,
    LinkedAccountPublic,
    Oauth2Callback,
    OauthConnection,
    OAuthFinalizeRequest,
    Problem,
    SecurityScheme,
    TokenEndpointAuthMethod,
)
from linkvault_client.models import (
    LinkedAccountsLinkOauth2AccountResponseLinkedAccountsLinkOauth2Account as LinkStarted,
)
from linkvault_client.types import UNSET

if TYPE_CHECKING:
    from conftest import AppFactory

    from support.oidc import OidcProvider, RegisteredClient
    from support.projects import Project
    from support.server import RunningServer

# The application's frontend, for the bridged faces; the provider's redirect to it is never followed.
FRONTEND_CALLBACK = "http://127.0.0.1:9/frontend/callback"
AFTER_LINK_ALLOWED = "http://127.0.0.1:9/app"
TIMEOUT = httpx.Timeout(30.0)
# RFC 7636 §4.2: BASE64URL(SHA256(verifier)) without padding is 43 characters.
S256_CHALLENGE = re.compile(r"^[A-Za-z0-9_-]{43}$")


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


def bearer_client(server: RunningServer, project: Project) -> AuthenticatedClient:
    """``Authorization: Bearer <api key>`` (the HTTPBearer scheme)."""
    return AuthenticatedClient(base_url=server.base_url, token=project.api_key, timeout=TIMEOUT)


def api_key_client(server: RunningServer, project: Project) -> Client:
    """``X-API-KEY: <api key>`` (the APIKeyHeader scheme) on the SDK's plain client."""
    return Client(base_url=server.base_url, headers={"X-API-KEY": project.api_key}, timeout=TIMEOUT)


def anonymous_client(server: RunningServer) -> Client:
    return Client(base_url=server.base_url, timeout=TIMEOUT)


@pytest.fixture
def bearer(linkvault_server: RunningServer, project: Project) -> Iterator[AuthenticatedClient]:
    with bearer_client(linkvault_server, project) as client:
        yield client


@pytest.fixture
def keyed(linkvault_server: RunningServer, project: Project) -> Iterator[Client]:
    with api_key_client(linkvault_server, project) as client:
        yield client


@pytest.fixture
def anonymous(linkvault_server: RunningServer) -> Iterator[Client]:
    with anonymous_client(linkvault_server) as client:
        yield client


@asynccontextmanager
async def opened(client: AuthenticatedClient | Client) -> AsyncIterator[Any]:
    """The SDK client with its httpx.AsyncClient closed on exit. Typed ``Any`` because the generated
    operations annotate ``client: AuthenticatedClient`` although a plain ``Client`` with an
    ``X-API-KEY`` header authenticates just as well."""
    async with client:
        yield client


def query_of(url: str) -> dict[str, str]:
    """The query parameters of a URL, each exactly once."""
    parsed = parse_qs(urlsplit(url).query, keep_blank_values=True)
    assert all(len(values) == 1 for values in parsed.values()), url
    return {name: values[0] for name, values in parsed.items()}


def start_link(client: Any, app_name: str, owner_id: str, **options: str) -> str:
    started = linked_accounts_link_oauth2_account.sync(
        client=client, app_name=app_name, linked_account_owner_id=owner_id, **options
    )
    assert isinstance(started, LinkStarted), started
    return started.url


def consent(
    provider: OidcProvider, client: Any, app_name: str, owner_id: str, *, login: str = "alice"
) -> str:
    """Start a link and let the end user consent; the provider's redirect URL (code, state, iss)."""
    return provider.authorize(start_link(client, app_name, owner_id), login=login)


async def start_link_async(client: Any, app_name: str, owner_id: str, **options: str) -> str:
    started = await linked_accounts_link_oauth2_account.asyncio(
        client=client, app_name=app_name, linked_account_owner_id=owner_id, **options
    )
    assert isinstance(started, LinkStarted), started
    return started.url


async def authorize_async(provider: OidcProvider, url: str, **options: Any) -> str:
    # The provider driver is blocking; keep it off the event loop.
    return await anyio.to_thread.run_sync(functools.partial(provider.authorize, url, **options))


async def consent_async(
    provider: OidcProvider, client: Any, app_name: str, owner_id: str, *, login: str = "alice"
) -> str:
    return await authorize_async(provider, await start_link_async(client, app_name, owner_id), login=login)


def link_via_aci(
    provider: OidcProvider, client: Any, anonymous: Client, app_name: str, owner_id: str
) -> LinkedAccountPublic:
    redirect = query_of(consent(provider, client, app_name, owner_id))
    account = linked_accounts_linked_accounts_oauth2_callback.sync(
        client=anonymous, code=redirect["code"], state=redirect["state"], iss=redirect["iss"]
    )
    assert isinstance(account, LinkedAccountPublic), account
    return account


def assert_problem(parsed: object, status: int, code: str) -> Problem:
    assert isinstance(parsed, Problem), parsed
    assert (parsed.status, parsed.code) == (status, code), parsed
    assert parsed.type_ == "about:blank"
    assert isinstance(parsed.title, str) and parsed.title
    return parsed


def assert_callback_headers(headers: Any) -> None:
    assert headers["cache-control"] == "no-store"
    assert headers["referrer-policy"] == "no-referrer"


def register_client(
    provider: OidcProvider, redirect_uri: str, method: str = "client_secret_basic"
) -> RegisteredClient:
    return provider.register_client(redirect_uris=[redirect_uri], token_endpoint_auth_method=method)


def aci_callback_url(server: RunningServer) -> str:
    return f"{server.base_url}/v1/linked-accounts/oauth2/callback"


# --- app-configurations ------------------------------------------------------------------------------


def test_app_configuration_lifecycle_sync(
    bearer: AuthenticatedClient,
    linkvault_server: RunningServer,
    oidc_provider: OidcProvider,
    project: Project,
) -> None:
    registered = register_client(oidc_provider, aci_callback_url(linkvault_server))
    body = AppConfigurationCreate(
        app_name="crm",
        client_id=registered.client_id,
        issuer=oidc_provider.issuer,
        client_secret=registered.client_secret,
        scopes=["openid", "offline_access"],
        authorize_params=AppConfigurationCreateAuthorizeParams.from_dict({"prompt": "consent"}),
        allowed_redirect_urls=[AFTER_LINK_ALLOWED],
    )

    response = create_app_configuration.sync_detailed(client=bearer, body=body)

    assert response.status_code == HTTPStatus.CREATED
    created = response.parsed
    assert isinstance(created, AppConfiguration)
    assert registered.client_secret.encode() not in response.content
    assert created.additional_properties == {}  # no client_secret, nothing undocumented
    assert created.app_name == "crm"
    assert created.project_id == uuid.UUID(project.id)
    assert created.issuer == oidc_provider.issuer
    assert created.authorize_url == oidc_provider.authorization_endpoint
    assert created.token_url == oidc_provider.token_endpoint
    assert created.revocation_url == oidc_provider.metadata["revocation_endpoint"]
    assert created.client_id == registered.client_id
    assert created.has_client_secret is True
    assert created.scopes == ["openid", "offline_access"]
    assert created.token_endpoint_auth_method is TokenEndpointAuthMethod.CLIENT_SECRET_BASIC
    assert created.authorize_params.to_dict() == {"prompt": "consent"}
    assert created.redirect_uri == aci_callback_url(linkvault_server)  # the default
    assert created.allowed_redirect_urls == [AFTER_LINK_ALLOWED]
    assert created.authorization_response_iss_parameter_supported is True
    assert created.created_at.tzinfo is not None

    assert list_app_configurations.sync(client=bearer) == [created]
    assert get_app_configuration.sync("crm", client=bearer) == created

    updated = update_app_configuration.sync(
        "crm",
        client=bearer,
        body=AppConfigurationUpdate(client_secret=None, scopes=["openid"], redirect_uri=FRONTEND_CALLBACK),
    )
    assert isinstance(updated, AppConfiguration)
    assert updated.has_client_secret is False
    assert updated.scopes == ["openid"]
    assert updated.redirect_uri == FRONTEND_CALLBACK
    # Fields left out keep their value.
    assert (updated.id, updated.client_id, updated.issuer, updated.created_at) == (
        created.id, created.client_id, created.issuer, created.created_at,
    )  # fmt: skip
    assert updated.authorize_params.to_dict() == {"prompt": "consent"}
    assert updated.updated_at >= created.updated_at
    assert get_app_configuration.sync("crm", client=bearer) == updated

    deleted = delete_app_configuration.sync_detailed("crm", client=bearer)
    assert deleted.status_code == HTTPStatus.NO_CONTENT
    assert deleted.parsed is None

    gone = get_app_configuration.sync_detailed("crm", client=bearer)
    assert gone.status_code == HTTPStatus.NOT_FOUND
    assert gone.headers["content-type"].startswith("application/problem+json")
    assert_problem(gone.parsed, 404, "not_found")
    assert list_app_configurations.sync(client=bearer) == []


@pytest.mark.anyio
async def test_app_configuration_lifecycle_async(
    linkvault_server: RunningServer, oidc_provider: OidcProvider, project: Project
) -> None:
    registered = register_client(oidc_provider, FRONTEND_CALLBACK, "client_secret_post")
    body = AppConfigurationCreate(
        app_name="billing.v2",
        client_id=registered.client_id,
        authorize_url=oidc_provider.authorization_endpoint,
        token_url=oidc_provider.token_endpoint,
        token_endpoint_auth_method=TokenEndpointAuthMethod.CLIENT_SECRET_POST,
        redirect_uri=FRONTEND_CALLBACK,
    )
    async with opened(api_key_client(linkvault_server, project)) as client:
        created = await create_app_configuration.asyncio(client=client, body=body)
        assert isinstance(created, AppConfiguration)
        assert created.additional_properties == {}
        assert created.issuer is None
        assert created.revocation_url is None
        assert created.has_client_secret is False
        assert created.authorization_response_iss_parameter_supported is False
        assert created.token_endpoint_auth_method is TokenEndpointAuthMethod.CLIENT_SECRET_POST
        assert created.redirect_uri == FRONTEND_CALLBACK

        # Setting the issuer reads discovery metadata and replaces the explicit endpoints.
        response = await update_app_configuration.asyncio_detailed(
            "billing.v2",
            client=client,
            body=AppConfigurationUpdate(issuer=oidc_provider.issuer, client_secret=registered.client_secret),
        )
        assert response.status_code == HTTPStatus.OK
        assert registered.client_secret.encode() not in response.content
        updated = response.parsed
        assert isinstance(updated, AppConfiguration)
        assert updated.issuer == oidc_provider.issuer
        assert updated.has_client_secret is True
        assert updated.authorization_response_iss_parameter_supported is True
        assert updated.revocation_url == oidc_provider.metadata["revocation_endpoint"]
        assert updated.token_endpoint_auth_method is TokenEndpointAuthMethod.CLIENT_SECRET_POST

        listed = await list_app_configurations.asyncio_detailed(client=client)
        assert listed.status_code == HTTPStatus.OK
        assert listed.parsed == [updated]

        fetched = await get_app_configuration.asyncio_detailed("billing.v2", client=client)
        assert fetched.status_code == HTTPStatus.OK
        assert fetched.parsed == updated
        assert await get_app_configuration.asyncio("billing.v2", client=client) == updated

        assert await delete_app_configuration.asyncio("billing.v2", client=client) is None
        assert_problem(await get_app_configuration.asyncio("billing.v2", client=client), 404, "not_found")
        assert await list_app_configurations.asyncio(client=client) == []


def test_app_configuration_errors_sync(
    bearer: AuthenticatedClient,
    anonymous: Client,
    linkvault_server: RunningServer,
    oidc_provider: OidcProvider,
    other_project: Project,
) -> None:
    assert_problem(get_app_configuration.sync("unknown", client=bearer), 404, "not_found")

    body = AppConfigurationCreate(app_name="dup", client_id="c1", issuer=oidc_provider.issuer)
    assert isinstance(create_app_configuration.sync(client=bearer, body=body), AppConfiguration)
    assert_problem(create_app_configuration.sync(client=bearer, body=body), 409, "conflict")

    reserved = AppConfigurationCreate(
        app_name="reserved",
        client_id="c1",
        issuer=oidc_provider.issuer,
        authorize_params=AppConfigurationCreateAuthorizeParams.from_dict({"state": "fixed"}),
    )
    response = create_app_configuration.sync_detailed(client=bearer, body=reserved)
    assert response.status_code == HTTPStatus.BAD_REQUEST
    assert_problem(response.parsed, 400, "invalid_input")

    missing = update_app_configuration.sync_detailed("unknown", client=bearer, body=AppConfigurationUpdate())
    assert missing.status_code == HTTPStatus.NOT_FOUND
    assert_problem(missing.parsed, 404, "not_found")
    assert_problem(delete_app_configuration.sync("unknown", client=bearer), 404, "not_found")

    # Another project sees nothing of this one.
    with bearer_client(linkvault_server, other_project) as other:
        assert_problem(get_app_configuration.sync("dup", client=other), 404, "not_found")
        assert list_app_configurations.sync(client=other) == []

    unauthenticated = list_app_configurations.sync_detailed(client=anonymous)
    assert unauthenticated.status_code == HTTPStatus.UNAUTHORIZED
    assert unauthenticated.headers["www-authenticate"].startswith("Bearer")
    assert_problem(unauthenticated.parsed, 401, "unauthorized")
    with AuthenticatedClient(
        base_url=linkvault_server.base_url, token="lv_not-a-key", timeout=TIMEOUT
    ) as wrong:
        assert_problem(list_app_configurations.sync(client=wrong), 401, "unauthorized")


@pytest.mark.anyio
async def test_app_configuration_errors_async(
    linkvault_server: RunningServer, oidc_provider: OidcProvider, project: Project
) -> None:
    async with opened(bearer_client(linkvault_server, project)) as client:
        response = await get_app_configuration.asyncio_detailed("unknown", client=client)
        assert response.status_code == HTTPStatus.NOT_FOUND
        assert_problem(response.parsed, 404, "not_found")

        bad_url = AppConfigurationCreate(
            app_name="plain-http",
            client_id="c1",
            authorize_url="http://provider.example/authorize",  # plain http off loopback
            token_url="https://provider.example/token",
        )
        created = await create_app_configuration.asyncio_detailed(client=client, body=bad_url)
        assert created.status_code == HTTPStatus.BAD_REQUEST
        assert_problem(created.parsed, 400, "invalid_input")

        missing = await update_app_configuration.asyncio(
            "unknown", client=client, body=AppConfigurationUpdate(scopes=["openid"])
        )
        assert_problem(missing, 404, "not_found")
        deleted = await delete_app_configuration.asyncio_detailed("unknown", client=client)
        assert deleted.status_code == HTTPStatus.NOT_FOUND
        assert_problem(deleted.parsed, 404, "not_found")

    async with opened(anonymous_client(linkvault_server)) as anonymous:
        assert_problem(await list_app_configurations.asyncio(client=anonymous), 401, "unauthorized")
        body = AppConfigurationCreate(app_name="x", client_id="c1", issuer=oidc_provider.issuer)
        assert_problem(
            await create_app_configuration.asyncio(client=anonymous, body=body), 401, "unauthorized"
        )


# --- linked-accounts: starting a link ----------------------------------------------------------------


def test_start_link_returns_pkce_authorization_url_sync(
    bearer: AuthenticatedClient, make_app: AppFactory, oidc_provider: OidcProvider, project: Project
) -> None:
    app = make_app(project)

    response = linked_accounts_link_oauth2_account.sync_detailed(
        client=bearer, app_name=app.app_name, linked_account_owner_id="user-1"
    )

    assert response.status_code == HTTPStatus.OK
    assert response.headers["cache-control"] == "no-store"
    started = response.parsed
    assert isinstance(started, LinkStarted)
    assert started.url.split("?")[0] == oidc_provider.authorization_endpoint
    params = query_of(started.url)
    assert params["response_type"] == "code"
    assert params["client_id"] == app.client.client_id
    assert params["redirect_uri"] == app.redirect_uri
    assert params["scope"] == "openid offline_access profile"
    assert params["code_challenge_method"] == "S256"
    assert S256_CHALLENGE.match(params["code_challenge"])
    assert len(params["state"]) >= 32
    assert params["prompt"] == "consent"

    # Every start has its own state and verifier.
    again = query_of(start_link(bearer, app.app_name, "user-1"))
    assert again["state"] != params["state"]
    assert again["code_challenge"] != params["code_challenge"]


@pytest.mark.anyio
async def test_start_link_errors_async(
    linkvault_server: RunningServer, make_app: AppFactory, project: Project
) -> None:
    app = make_app(project, allowed_redirect_urls=[AFTER_LINK_ALLOWED])
    async with opened(api_key_client(linkvault_server, project)) as client:
        url = await start_link_async(
            client, app.app_name, "user-1", after_oauth2_link_redirect_url=f"{AFTER_LINK_ALLOWED}/done"
        )
        assert query_of(url)["redirect_uri"] == app.redirect_uri

        assert_problem(
            await linked_accounts_link_oauth2_account.asyncio(
                client=client, app_name="unknown", linked_account_owner_id="user-1"
            ),
            404,
            "not_found",
        )

        disallowed = await linked_accounts_link_oauth2_account.asyncio_detailed(
            client=client,
            app_name=app.app_name,
            linked_account_owner_id="user-1",
            after_oauth2_link_redirect_url="https://evil.example/phish",
        )
        assert disallowed.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
        assert isinstance(disallowed.parsed, HTTPValidationError)
        assert isinstance(disallowed.parsed.detail, list)
        [error] = disallowed.parsed.detail
        assert error.loc == ["query", "after_oauth2_link_redirect_url"]
        assert "allowed_redirect_urls" in error.msg

        empty_owner = await linked_accounts_link_oauth2_account.asyncio(
            client=client, app_name=app.app_name, linked_account_owner_id=""
        )
        assert isinstance(empty_owner, HTTPValidationError)

    async with opened(anonymous_client(linkvault_server)) as anonymous:
        assert_problem(
            await linked_accounts_link_oauth2_account.asyncio(
                client=anonymous, app_name=app.app_name, linked_account_owner_id="user-1"
            ),
            401,
            "unauthorized",
        )


# --- linked-accounts: ACI.dev's GET callback ---------------------------------------------------------


def test_aci_callback_links_account_sync(
    bearer: AuthenticatedClient,
    anonymous: Client,
    make_app: AppFactory,
    oidc_provider: OidcProvider,
    project: Project,
) -> None:
    app = make_app(project)
    redirect_url = consent(oidc_provider, bearer, app.app_name, "user-1")
    assert redirect_url.startswith(f"{app.redirect_uri}?")
    redirect = query_of(redirect_url)
    assert redirect["iss"] == oidc_provider.issuer

    response = linked_accounts_linked_accounts_oauth2_callback.sync_detailed(
        client=anonymous, code=redirect["code"], state=redirect["state"], iss=redirect["iss"]
    )

    assert response.status_code == HTTPStatus.OK
    assert_callback_headers(response.headers)
    assert b"token" not in response.content
    account = response.parsed
    assert isinstance(account, LinkedAccountPublic)
    assert account.additional_properties == {}
    assert account.project_id == uuid.UUID(project.id)
    assert account.app_name == app.app_name
    assert account.linked_account_owner_id == "user-1"
    assert account.security_scheme is SecurityScheme.OAUTH2
    assert account.enabled is True
    assert get_linked_account.sync(account.id, client=bearer) == account

    # The state is used up: a replay is refused before the provider is asked again.
    replay = linked_accounts_linked_accounts_oauth2_callback.sync(
        client=anonymous, code=redirect["code"], state=redirect["state"], iss=redirect["iss"]
    )
    assert_problem(replay, 400, "invalid_state")
    assert oidc_provider.token_requests(app.client.client_id) == 1


@pytest.mark.anyio
async def test_aci_callback_async(
    linkvault_server: RunningServer, make_app: AppFactory, oidc_provider: OidcProvider, project: Project
) -> None:
    app = make_app(project, allowed_redirect_urls=[AFTER_LINK_ALLOWED])
    after = f"{AFTER_LINK_ALLOWED}/linked?tab=accounts"
    async with (
        opened(bearer_client(linkvault_server, project)) as client,
        opened(anonymous_client(linkvault_server)) as anonymous,
    ):
        url = await start_link_async(client, app.app_name, "user-1", after_oauth2_link_redirect_url=after)
        redirect = query_of(await authorize_async(oidc_provider, url))
        linked = await linked_accounts_linked_accounts_oauth2_callback.asyncio_detailed(
            client=anonymous, code=redirect["code"], state=redirect["state"], iss=redirect["iss"]
        )
        assert linked.status_code == HTTPStatus.FOUND
        assert linked.headers["location"] == after
        assert linked.parsed is None
        assert_callback_headers(linked.headers)
        page = await list_linked_accounts.asyncio(client=client, app_name=app.app_name)
        assert isinstance(page, LinkedAccountPage)
        assert [account.linked_account_owner_id for account in page.items] == ["user-1"]

        # The end user refuses consent.
        url = await start_link_async(client, app.app_name, "user-2")
        refused = query_of(await authorize_async(oidc_provider, url, consent=False))
        assert refused["error"] == "access_denied"
        denied = await linked_accounts_linked_accounts_oauth2_callback.asyncio(
            client=anonymous,
            state=refused["state"],
            error=refused["error"],
            error_description=refused.get("error_description", "denied"),
            iss=refused["iss"],
        )
        assert_problem(denied, 400, "access_denied")

        # RFC 9207: a response claiming another issuer is refused (a mix-up attack).
        redirect = query_of(await consent_async(oidc_provider, client, app.app_name, "user-2"))
        mixed_up = await linked_accounts_linked_accounts_oauth2_callback.asyncio(
            client=anonymous,
            code=redirect["code"],
            state=redirect["state"],
            iss="http://127.0.0.1:1/attacker",
        )
        assert_problem(mixed_up, 400, "issuer_mismatch")

        unknown = await linked_accounts_linked_accounts_oauth2_callback.asyncio_detailed(
            client=anonymous, code="code", state="not-a-state-linkvault-gave-out"
        )
        assert unknown.status_code == HTTPStatus.BAD_REQUEST
        assert_problem(unknown.parsed, 400, "invalid_state")

    token_requests = await anyio.to_thread.run_sync(oidc_provider.token_requests, app.client.client_id)
    assert token_requests == 1


# --- Auth Service (v2): LangSmith's frontend-bridged POST callback -----------------------------------


def explicit_endpoints(provider: OidcProvider) -> AppConfigurationUpdate:
    """Endpoints given instead of the issuer, as for a provider without RFC 9207 metadata: linkvault
    then neither expects nor requires ``iss``, which LangSmith's body cannot carry."""
    return AppConfigurationUpdate(
        authorize_url=provider.authorization_endpoint, token_url=provider.token_endpoint
    )


def test_langsmith_callback_sync(
    bearer: AuthenticatedClient,
    linkvault_server: RunningServer,
    make_app: AppFactory,
    oidc_provider: OidcProvider,
    project: Project,
    other_project: Project,
) -> None:
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    configured = update_app_configuration.sync(
        app.app_name, client=bearer, body=explicit_endpoints(oidc_provider)
    )
    assert isinstance(configured, AppConfiguration)
    assert (configured.issuer, configured.authorization_response_iss_parameter_supported) == (None, False)
    other_app = make_app(project)
    redirect_url = consent(oidc_provider, bearer, app.app_name, "user-1")
    assert redirect_url.startswith(f"{FRONTEND_CALLBACK}?")
    redirect = query_of(redirect_url)
    finalize = OAuthFinalizeRequest(code=redirect["code"], state=redirect["state"])

    # A state of another app is refused and stays usable for its own app.
    wrong_app = oauth_callback_v2_auth_callback_provider_id_post.sync(
        other_app.app_name, client=bearer, body=finalize
    )
    assert_problem(wrong_app, 400, "invalid_state")
    # A tenant id must be the key's project.
    with bearer_client(linkvault_server, project).with_headers({"X-Tenant-Id": other_project.id}) as tenant:
        wrong_tenant = oauth_callback_v2_auth_callback_provider_id_post.sync_detailed(
            app.app_name, client=tenant, body=finalize
        )
    assert wrong_tenant.status_code == HTTPStatus.UNAUTHORIZED
    assert_problem(wrong_tenant.parsed, 401, "unauthorized")

    with bearer_client(linkvault_server, project).with_headers({"X-Tenant-Id": project.id}) as tenant:
        response = oauth_callback_v2_auth_callback_provider_id_post.sync_detailed(
            app.app_name, client=tenant, body=finalize
        )

    assert response.status_code == HTTPStatus.OK, response.content
    assert_callback_headers(response.headers)
    assert b"token" not in response.content
    # The seed gives this 200 no schema, so the SDK answers the decoded JSON: a LinkedAccountPublic.
    assert isinstance(response.parsed, dict)
    account = LinkedAccountPublic.from_dict(response.parsed)
    assert account.additional_properties == {}
    assert account.app_name == app.app_name
    assert account.linked_account_owner_id == "user-1"
    assert account.project_id == uuid.UUID(project.id)
    assert get_linked_account.sync(account.id, client=bearer) == account

    replay = oauth_callback_v2_auth_callback_provider_id_post.sync(app.app_name, client=bearer, body=finalize)
    assert_problem(replay, 400, "invalid_state")
    assert oidc_provider.token_requests(app.client.client_id) == 1


def test_langsmith_callback_with_rfc9207_provider_sync(
    bearer: AuthenticatedClient, make_app: AppFactory, oidc_provider: OidcProvider, project: Project
) -> None:
    """An app configured from an issuer that advertises RFC 9207 needs the ``iss`` of the redirect:
    the frontend passes it on in the body, and a body without it is refused (RFC 9207 §2.4)."""
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    assert app.body["authorization_response_iss_parameter_supported"] is True
    redirect = query_of(consent(oidc_provider, bearer, app.app_name, "user-1"))
    without_iss = query_of(consent(oidc_provider, bearer, app.app_name, "user-2"))

    response = oauth_callback_v2_auth_callback_provider_id_post.sync_detailed(
        app.app_name,
        client=bearer,
        body=OAuthFinalizeRequest(code=redirect["code"], state=redirect["state"], iss=redirect["iss"]),
    )
    refused = oauth_callback_v2_auth_callback_provider_id_post.sync_detailed(
        app.app_name,
        client=bearer,
        body=OAuthFinalizeRequest(code=without_iss["code"], state=without_iss["state"]),
    )

    assert response.status_code == HTTPStatus.OK, response.content
    assert isinstance(response.parsed, dict)
    account = LinkedAccountPublic.from_dict(response.parsed)
    assert (account.app_name, account.linked_account_owner_id) == (app.app_name, "user-1")
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert isinstance(refused.parsed, Problem) and refused.parsed.code == "issuer_mismatch"
    assert oidc_provider.token_requests(app.client.client_id) == 1


@pytest.mark.anyio
async def test_langsmith_callback_async(
    linkvault_server: RunningServer, make_app: AppFactory, oidc_provider: OidcProvider, project: Project
) -> None:
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    async with opened(api_key_client(linkvault_server, project)) as client:
        configured = await update_app_configuration.asyncio(
            app.app_name, client=client, body=explicit_endpoints(oidc_provider)
        )
        assert isinstance(configured, AppConfiguration)
        redirect = query_of(await consent_async(oidc_provider, client, app.app_name, "user-1"))
        finalize = OAuthFinalizeRequest(code=redirect["code"], state=redirect["state"])

        # A body the schema refuses is the seed's 422 HTTPValidationError, and leaves the state usable.
        invalid = await oauth_callback_v2_auth_callback_provider_id_post.asyncio_detailed(
            app.app_name,
            client=client,
            body=OAuthFinalizeRequest(code=None, state=redirect["state"]),  # type: ignore[arg-type]
        )
        assert invalid.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
        assert isinstance(invalid.parsed, HTTPValidationError)
        assert isinstance(invalid.parsed.detail, list) and invalid.parsed.detail
        assert invalid.parsed.detail[0].loc[0] == "body"

        parsed = await oauth_callback_v2_auth_callback_provider_id_post.asyncio(
            app.app_name, client=client, body=finalize
        )
        assert isinstance(parsed, dict), parsed
        account = LinkedAccountPublic.from_dict(parsed)
        assert (account.app_name, account.linked_account_owner_id) == (app.app_name, "user-1")
        fetched = await get_linked_account.asyncio_detailed(account.id, client=client)
        assert fetched.status_code == HTTPStatus.OK
        assert fetched.parsed == account

    async with opened(anonymous_client(linkvault_server)) as anonymous:
        unauthenticated = await oauth_callback_v2_auth_callback_provider_id_post.asyncio(
            app.app_name, client=anonymous, body=finalize
        )
        assert_problem(unauthenticated, 401, "unauthorized")


# --- Connections: Peaka's frontend-bridged POST callback ---------------------------------------------


def test_peaka_callback_sync(
    keyed: Client,
    bearer: AuthenticatedClient,
    make_app: AppFactory,
    oidc_provider: OidcProvider,
    project: Project,
    other_project: Project,
) -> None:
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    redirect_url = consent(oidc_provider, keyed, app.app_name, "user-1")
    body = Oauth2Callback(query_parameters=urlsplit(redirect_url).query)

    # projectId must be the caller's project; the state is not touched otherwise.
    wrong_project = oauth_2_callback.sync_detailed(other_project.id, client=keyed, body=body)
    assert wrong_project.status_code == HTTPStatus.NOT_FOUND
    assert_problem(wrong_project.parsed, 404, "not_found")

    response = oauth_2_callback.sync_detailed(project.id, client=keyed, body=body)

    assert response.status_code == HTTPStatus.OK, response.content
    assert_callback_headers(response.headers)
    assert b"token" not in response.content
    connection = response.parsed
    assert isinstance(connection, Connection)
    assert connection.additional_properties == {}
    assert connection.name == "user-1"
    assert connection.type_ == app.app_name
    assert connection.url == FRONTEND_CALLBACK
    assert isinstance(connection.id, str)
    account = get_linked_account.sync(uuid.UUID(connection.id), client=bearer)
    assert isinstance(account, LinkedAccountPublic)
    assert (account.app_name, account.linked_account_owner_id) == (app.app_name, "user-1")

    assert_problem(oauth_2_callback.sync(project.id, client=keyed, body=body), 400, "invalid_state")


def test_peaka_callback_reads_unencoded_query_values_sync(
    keyed: Client, make_app: AppFactory, oidc_provider: OidcProvider, project: Project
) -> None:
    """RFC 3986 §3.4 allows ":" and "/" unencoded in a query, so a frontend may hand over
    ``iss=http://...`` as is; that is still a query string, not a whole redirect URL."""
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    redirect = query_of(consent(oidc_provider, keyed, app.app_name, "user-1"))
    raw_query = f"code={redirect['code']}&state={redirect['state']}&iss={redirect['iss']}"
    assert "://" in raw_query

    connection = oauth_2_callback.sync(
        project.id, client=keyed, body=Oauth2Callback(query_parameters=raw_query)
    )

    assert isinstance(connection, Connection), connection
    assert (connection.name, connection.type_) == ("user-1", app.app_name)


@pytest.mark.anyio
async def test_peaka_callback_async(
    linkvault_server: RunningServer, make_app: AppFactory, oidc_provider: OidcProvider, project: Project
) -> None:
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    async with opened(bearer_client(linkvault_server, project)) as client:
        # The whole redirect URL is accepted as well as its query string.
        redirect_url = await consent_async(oidc_provider, client, app.app_name, "user-2")
        connection = await oauth_2_callback.asyncio(
            project.id, client=client, body=Oauth2Callback(query_parameters=redirect_url)
        )
        assert isinstance(connection, Connection), connection
        assert (connection.name, connection.type_, connection.url) == (
            "user-2",
            app.app_name,
            FRONTEND_CALLBACK,
        )

        # A repeated parameter is ambiguous.
        redirect = query_of(await consent_async(oidc_provider, client, app.app_name, "user-3"))
        repeated = urlencode([("code", "other"), *redirect.items()])
        response = await oauth_2_callback.asyncio_detailed(
            project.id, client=client, body=Oauth2Callback(query_parameters=repeated)
        )
        assert response.status_code == HTTPStatus.BAD_REQUEST
        assert_problem(response.parsed, 400, "invalid_input")

    async with opened(anonymous_client(linkvault_server)) as anonymous:
        unauthenticated = await oauth_2_callback.asyncio_detailed(
            project.id, client=anonymous, body=Oauth2Callback(query_parameters="code=a&state=b")
        )
        assert unauthenticated.status_code == HTTPStatus.UNAUTHORIZED
        assert_problem(unauthenticated.parsed, 401, "unauthorized")


# --- Oauth: quiva.ai's GET callback, answering the tokens ---------------------------------------------


def test_quiva_callback_sync(
    bearer: AuthenticatedClient, make_app: AppFactory, oidc_provider: OidcProvider, project: Project
) -> None:
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    redirect = query_of(consent(oidc_provider, bearer, app.app_name, "acme", login="carol"))

    response = integrations_oauth_callback.sync_detailed(
        client=bearer, code=redirect["code"], state=redirect["state"], iss=redirect["iss"]
    )

    assert response.status_code == HTTPStatus.OK, response.content
    assert_callback_headers(response.headers)
    first = response.parsed
    assert isinstance(first, OauthConnection)
    assert first.additional_properties == {}
    assert isinstance(first.access_token, str) and first.access_token
    assert isinstance(first.refresh_token, str) and first.refresh_token
    assert first.token_type == "Bearer"
    assert first.expires_in == 3600
    assert isinstance(first.expiry, datetime)
    assert abs(first.expiry - (datetime.now(UTC) + timedelta(seconds=3600))) < timedelta(minutes=1)
    assert first.sequence == 1
    assert first.subject == f"linkvault.oauth.{project.id}.{app.app_name}.acme"
    assert isinstance(first.modified, int)
    assert abs(first.modified - datetime.now(UTC).timestamp()) < 60
    # The access token is the provider's own, for the user who consented.
    userinfo = httpx.get(
        oidc_provider.metadata["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {first.access_token}"},
        timeout=10,
    )
    assert userinfo.status_code == 200, userinfo.text
    assert userinfo.json()["sub"] == "carol"

    # Linking the same owner again updates the one account.
    redirect = query_of(consent(oidc_provider, bearer, app.app_name, "acme", login="carol"))
    second = integrations_oauth_callback.sync(
        client=bearer, code=redirect["code"], state=redirect["state"], iss=redirect["iss"]
    )
    assert isinstance(second, OauthConnection)
    assert second.sequence == 2
    assert second.subject == first.subject
    assert second.access_token != first.access_token
    page = list_linked_accounts.sync(client=bearer, app_name=app.app_name)
    assert isinstance(page, LinkedAccountPage)
    assert [account.linked_account_owner_id for account in page.items] == ["acme"]


@pytest.mark.anyio
async def test_quiva_callback_errors_async(
    linkvault_server: RunningServer, make_app: AppFactory, oidc_provider: OidcProvider, project: Project
) -> None:
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    client_id = app.client.client_id

    async def set_knobs(**knobs: Any) -> None:
        await anyio.to_thread.run_sync(functools.partial(oidc_provider.set_knobs, client_id, **knobs))

    async with opened(bearer_client(linkvault_server, project)) as client:
        async with opened(anonymous_client(linkvault_server)) as anonymous:
            redirect = query_of(await consent_async(oidc_provider, client, app.app_name, "acme"))
            unauthenticated = await integrations_oauth_callback.asyncio_detailed(
                client=anonymous, code=redirect["code"], state=redirect["state"], iss=redirect["iss"]
            )
        assert unauthenticated.status_code == HTTPStatus.UNAUTHORIZED
        assert unauthenticated.headers["content-type"].startswith("application/json")
        assert isinstance(unauthenticated.parsed, Error)
        assert unauthenticated.parsed.error == "unauthorized"

        # The state survived the unauthenticated call; it works once, with the key.
        linked = await integrations_oauth_callback.asyncio(
            client=client, code=redirect["code"], state=redirect["state"], iss=redirect["iss"]
        )
        assert isinstance(linked, OauthConnection), linked
        used = await integrations_oauth_callback.asyncio(
            client=client, code=redirect["code"], state=redirect["state"], iss=redirect["iss"]
        )
        assert isinstance(used, Error)
        assert used.error == "invalid_state"

        # The provider refuses the code (RFC 6749 §5.2).
        redirect = query_of(await consent_async(oidc_provider, client, app.app_name, "acme"))
        await set_knobs(fail_status=400, fail_body='{"error": "invalid_grant"}')
        refused = await integrations_oauth_callback.asyncio_detailed(
            client=client, code=redirect["code"], state=redirect["state"], iss=redirect["iss"]
        )
        assert refused.status_code == HTTPStatus.BAD_REQUEST
        assert isinstance(refused.parsed, Error)
        assert refused.parsed.error == "invalid_grant"

        # The provider fails.
        redirect = query_of(await consent_async(oidc_provider, client, app.app_name, "acme"))
        await set_knobs(fail_status=500, fail_body="<html>down</html>")
        failed = await integrations_oauth_callback.asyncio_detailed(
            client=client, code=redirect["code"], state=redirect["state"], iss=redirect["iss"]
        )
        assert failed.status_code == HTTPStatus.BAD_GATEWAY
        assert isinstance(failed.parsed, Error)
        assert failed.parsed.error == "provider_error"
        assert b"down" not in failed.content

        # The provider is slower than LINKVAULT_HTTP_TIMEOUT_SECONDS (3 s in the test server).
        redirect = query_of(await consent_async(oidc_provider, client, app.app_name, "acme"))
        await set_knobs(delay_seconds=5)
        slow = await integrations_oauth_callback.asyncio_detailed(
            client=client, code=redirect["code"], state=redirect["state"], iss=redirect["iss"]
        )
        assert slow.status_code == HTTPStatus.GATEWAY_TIMEOUT
        assert isinstance(slow.parsed, Error)
        assert slow.parsed.error == "provider_timeout"
        await anyio.to_thread.run_sync(oidc_provider.reset_knobs, client_id)


# --- linked-accounts: listing, reading and deleting --------------------------------------------------


def test_list_get_delete_linked_accounts_sync(
    bearer: AuthenticatedClient,
    keyed: Client,
    anonymous: Client,
    linkvault_server: RunningServer,
    make_app: AppFactory,
    oidc_provider: OidcProvider,
    project: Project,
    other_project: Project,
) -> None:
    crm, billing = make_app(project), make_app(project)
    links = [(crm, "u1"), (crm, "u2"), (billing, "u1"), (crm, "u3"), (billing, "u4")]
    accounts = [link_via_aci(oidc_provider, bearer, anonymous, app.app_name, owner) for app, owner in links]

    # Oldest first, page by page through next_cursor.
    pages: list[LinkedAccountPage] = []
    cursor: str | None = None
    while True:
        page = list_linked_accounts.sync(client=keyed, limit=2, cursor=UNSET if cursor is None else cursor)
        assert isinstance(page, LinkedAccountPage), page
        pages.append(page)
        if page.next_cursor is None:
            break
        cursor = page.next_cursor
    assert [len(page.items) for page in pages] == [2, 2, 1]
    assert [account for page in pages for account in page.items] == accounts

    def owners(**filters: Any) -> list[tuple[str, str]]:
        response = list_linked_accounts.sync_detailed(client=bearer, **filters)
        assert response.status_code == HTTPStatus.OK
        assert isinstance(response.parsed, LinkedAccountPage)
        assert response.parsed.next_cursor is None
        return [(account.app_name, account.linked_account_owner_id) for account in response.parsed.items]

    assert owners(app_name=crm.app_name) == [(crm.app_name, "u1"), (crm.app_name, "u2"), (crm.app_name, "u3")]
    assert owners(linked_account_owner_id="u1") == [(crm.app_name, "u1"), (billing.app_name, "u1")]
    assert owners(app_name=billing.app_name, linked_account_owner_id="u4") == [(billing.app_name, "u4")]
    assert owners(app_name="unknown") == []

    bad_cursor = list_linked_accounts.sync_detailed(client=bearer, cursor="not-a-cursor")
    assert bad_cursor.status_code == HTTPStatus.BAD_REQUEST
    assert_problem(bad_cursor.parsed, 400, "invalid_input")
    assert_problem(list_linked_accounts.sync(client=bearer, limit=0), 400, "invalid_request")
    assert_problem(list_linked_accounts.sync(client=anonymous), 401, "unauthorized")

    # Another project sees none of them.
    with api_key_client(linkvault_server, other_project) as other:
        page = list_linked_accounts.sync(client=other)
        assert isinstance(page, LinkedAccountPage)
        assert page.items == []
        assert_problem(get_linked_account.sync(accounts[0].id, client=other), 404, "not_found")
        assert_problem(delete_linked_account.sync(accounts[0].id, client=other), 404, "not_found")

    fetched = get_linked_account.sync_detailed(accounts[1].id, client=keyed)
    assert fetched.status_code == HTTPStatus.OK
    assert fetched.parsed == accounts[1]
    assert_problem(get_linked_account.sync(uuid.uuid4(), client=bearer), 404, "not_found")

    # An app with linked accounts cannot be deleted.
    assert_problem(delete_app_configuration.sync(billing.app_name, client=bearer), 409, "conflict")

    deleted = delete_linked_account.sync_detailed(accounts[1].id, client=bearer)
    assert deleted.status_code == HTTPStatus.NO_CONTENT
    assert deleted.parsed is None
    assert_problem(get_linked_account.sync(accounts[1].id, client=bearer), 404, "not_found")
    again = delete_linked_account.sync_detailed(accounts[1].id, client=bearer)
    assert again.status_code == HTTPStatus.NOT_FOUND
    assert_problem(again.parsed, 404, "not_found")
    assert owners(app_name=crm.app_name) == [(crm.app_name, "u1"), (crm.app_name, "u3")]


@pytest.mark.anyio
async def test_list_get_delete_linked_accounts_async(
    linkvault_server: RunningServer, make_app: AppFactory, oidc_provider: OidcProvider, project: Project
) -> None:
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    async with opened(bearer_client(linkvault_server, project)) as client:
        for owner in ("u1", "u2", "u3"):
            redirect = query_of(await consent_async(oidc_provider, client, app.app_name, owner))
            connection = await integrations_oauth_callback.asyncio(
                client=client, code=redirect["code"], state=redirect["state"], iss=redirect["iss"]
            )
            assert isinstance(connection, OauthConnection), connection

        listed: list[LinkedAccountPublic] = []
        cursor: str | None = None
        for _ in range(4):
            response = await list_linked_accounts.asyncio_detailed(
                client=client, limit=1, cursor=UNSET if cursor is None else cursor
            )
            assert response.status_code == HTTPStatus.OK
            assert isinstance(response.parsed, LinkedAccountPage)
            listed.extend(response.parsed.items)
            cursor = response.parsed.next_cursor
            if cursor is None:
                break
        assert cursor is None
        assert [account.linked_account_owner_id for account in listed] == ["u1", "u2", "u3"]
        assert [account.created_at for account in listed] == sorted(account.created_at for account in listed)

        too_many = await list_linked_accounts.asyncio_detailed(client=client, limit=101)
        assert too_many.status_code == HTTPStatus.BAD_REQUEST
        assert_problem(too_many.parsed, 400, "invalid_request")

        for account in listed:
            assert await get_linked_account.asyncio(account.id, client=client) == account

        assert_problem(await delete_app_configuration.asyncio(app.app_name, client=client), 409, "conflict")
        assert await delete_linked_account.asyncio(listed[0].id, client=client) is None
        response = await delete_linked_account.asyncio_detailed(listed[1].id, client=client)
        assert response.status_code == HTTPStatus.NO_CONTENT
        assert_problem(await delete_linked_account.asyncio(listed[1].id, client=client), 404, "not_found")
        assert_problem(await get_linked_account.asyncio(listed[0].id, client=client), 404, "not_found")

        page = await list_linked_accounts.asyncio(client=client)
        assert isinstance(page, LinkedAccountPage)
        assert page.items == [listed[2]]
        assert page.next_cursor is None

        await delete_linked_account.asyncio(listed[2].id, client=client)
        response = await delete_app_configuration.asyncio_detailed(app.app_name, client=client)
        assert response.status_code == HTTPStatus.NO_CONTENT


# --- completeness ------------------------------------------------------------------------------------

SPEC_PATH = Path(__file__).resolve().parents[2] / "openapi" / "openapi.yaml"
HTTP_METHODS = {"get", "put", "post", "delete", "options", "head", "patch", "trace"}


def test_every_operation_is_exercised_sync_and_async() -> None:
    """Each operation module the SDK generates from the spec is called above in all four forms."""
    spec = yaml.safe_load(SPEC_PATH.read_text())
    spec_operations = [method for item in spec["paths"].values() for method in item if method in HTTP_METHODS]
    sdk_operations = [
        module.name.rsplit(".", 1)[1]
        for module in pkgutil.walk_packages(linkvault_client.api.__path__, "linkvault_client.api.")
        if not module.ispkg
    ]
    assert len(sdk_operations) == len(spec_operations)

    source = Path(__file__).read_text()
    missing = [
        f"{operation}.{form}"
        for operation in sdk_operations
        for form in ("sync", "sync_detailed", "asyncio", "asyncio_detailed")
        if not re.search(rf"\b{operation}\.{form}\(", source)
    ]
    assert missing == []
