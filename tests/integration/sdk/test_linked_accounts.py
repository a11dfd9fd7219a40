"""The SDK's linked-accounts operations: starting a link, ACI.dev's GET callback, listing, reading,
enabling, disabling and deleting linked accounts, and their credentials, sync and async."""

from __future__ import annotations

import uuid
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import anyio
import pytest

from linkvault_client import AuthenticatedClient, Client
from linkvault_client.api.app_configurations import delete_app_configuration
from linkvault_client.api.linked_accounts import delete_linked_account, get_linked_account, get_linked_account_credentials, refresh_linked_account, update_linked_account, linked_accounts_link_oauth2_account, linked_accounts_linked_accounts_oauth2_callback, list_linked_accounts
from linkvault_client.api.oauth import integrations_oauth_callback
from linkvault_client.models import HTTPValidationError, LinkedAccountDeleted, LinkedAccountCredentials, LinkedAccountDeletedRevocation, LinkedAccountPublic, LinkedAccountUpdate, LinkedAccountStatus, OauthConnection, SecurityScheme
from linkvault_client.models import LinkStarted
from linkvault_client.types import UNSET
from support.flows import FRONTEND_CALLBACK, query_of
from support.pkce import S256_CHALLENGE
from support.sdk import next_cursor, AFTER_LINK_ALLOWED, anonymous_client, api_key_client, assert_callback_headers, assert_problem, authorize_async, bearer_client, consent, consent_async, link_via_aci, opened, start_link, start_link_async

if TYPE_CHECKING:
    from conftest import AppFactory

    from support.oidc import OidcProvider
    from support.projects import Project
    from support.server import RunningServer

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
    assert S256_CHALLENGE.fullmatch(params["code_challenge"])
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
        assert isinstance(page, list)
        assert [account.linked_account_owner_id for account in page] == ["user-1"]

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

    # Oldest first, a bare array a page, the next page named by the Link header.
    pages: list[list[LinkedAccountPublic]] = []
    cursor: str | None = None
    while True:
        response = list_linked_accounts.sync_detailed(
            client=keyed, limit=2, cursor=UNSET if cursor is None else cursor
        )
        assert isinstance(response.parsed, list), response
        pages.append(response.parsed)
        cursor = next_cursor(response)
        if cursor is None:
            break
    assert [len(page) for page in pages] == [2, 2, 1]
    assert [account for page in pages for account in page] == accounts
    assert {account.status for account in accounts} == {LinkedAccountStatus.ACTIVE}

    def owners(**filters: Any) -> list[tuple[str, str]]:
        response = list_linked_accounts.sync_detailed(client=bearer, **filters)
        assert response.status_code == HTTPStatus.OK
        assert isinstance(response.parsed, list)
        assert next_cursor(response) is None
        return [(account.app_name, account.linked_account_owner_id) for account in response.parsed]

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
        assert list_linked_accounts.sync(client=other) == []
        assert_problem(get_linked_account.sync(accounts[0].id, client=other), 404, "not_found")
        assert_problem(delete_linked_account.sync(accounts[0].id, client=other), 404, "not_found")

    fetched = get_linked_account.sync_detailed(accounts[1].id, client=keyed)
    assert fetched.status_code == HTTPStatus.OK
    assert fetched.parsed == accounts[1]
    assert_problem(get_linked_account.sync(uuid.uuid4(), client=bearer), 404, "not_found")

    # An app with linked accounts cannot be deleted.
    assert_problem(delete_app_configuration.sync(billing.app_name, client=bearer), 409, "conflict")

    deleted = delete_linked_account.sync_detailed(accounts[1].id, client=bearer)
    assert deleted.status_code == HTTPStatus.OK
    assert deleted.parsed == LinkedAccountDeleted(
        id=accounts[1].id, revocation=LinkedAccountDeletedRevocation.REVOKED
    )
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
            assert isinstance(response.parsed, list)
            listed.extend(response.parsed)
            cursor = next_cursor(response)
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
        deleted = await delete_linked_account.asyncio(listed[0].id, client=client)
        assert isinstance(deleted, LinkedAccountDeleted)
        assert deleted.revocation is LinkedAccountDeletedRevocation.REVOKED
        response = await delete_linked_account.asyncio_detailed(listed[1].id, client=client)
        assert response.status_code == HTTPStatus.OK
        assert_problem(await delete_linked_account.asyncio(listed[1].id, client=client), 404, "not_found")
        assert_problem(await get_linked_account.asyncio(listed[0].id, client=client), 404, "not_found")

        last = await list_linked_accounts.asyncio_detailed(client=client)
        assert last.parsed == [listed[2]]
        assert next_cursor(last) is None

        await delete_linked_account.asyncio(listed[2].id, client=client)
        response = await delete_app_configuration.asyncio_detailed(app.app_name, client=client)
        assert response.status_code == HTTPStatus.NO_CONTENT


# --- linked-accounts: credentials, refresh, enable and disable ----------------------------------------


def test_credentials_refresh_and_disable_sync(
    bearer: AuthenticatedClient,
    anonymous: Client,
    make_app: AppFactory,
    oidc_provider: OidcProvider,
    project: Project,
) -> None:
    app = make_app(project)
    account = link_via_aci(oidc_provider, bearer, anonymous, app.app_name, "user-c")

    credentials = get_linked_account_credentials.sync(account.id, client=bearer)
    detailed = get_linked_account_credentials.sync_detailed(account.id, client=bearer)

    assert isinstance(credentials, LinkedAccountCredentials)
    assert credentials.token_type == "Bearer"
    assert credentials.sequence == 1
    assert "refresh_token" not in credentials.additional_properties
    assert detailed.status_code == HTTPStatus.OK
    assert detailed.headers["cache-control"] == "no-store"
    assert detailed.parsed == credentials

    refreshed = refresh_linked_account.sync(account.id, client=bearer)
    forced = refresh_linked_account.sync_detailed(account.id, client=bearer)

    assert isinstance(refreshed, LinkedAccountCredentials)
    assert refreshed.sequence == 2
    assert refreshed.access_token != credentials.access_token
    assert forced.status_code == HTTPStatus.OK
    assert isinstance(forced.parsed, LinkedAccountCredentials)
    assert forced.parsed.sequence == 3
    assert oidc_provider.token_requests(app.client.client_id, "refresh_token") == 2

    disabled = update_linked_account.sync(account.id, client=bearer, body=LinkedAccountUpdate(enabled=False))

    assert isinstance(disabled, LinkedAccountPublic)
    assert disabled.status is LinkedAccountStatus.DISABLED
    assert disabled.last_refreshed_at is not None
    assert_problem(get_linked_account_credentials.sync(account.id, client=bearer), 409, "account_disabled")
    assert_problem(refresh_linked_account.sync(account.id, client=bearer), 409, "account_disabled")

    enabled = update_linked_account.sync_detailed(account.id, client=bearer, body=LinkedAccountUpdate(enabled=True))

    assert enabled.status_code == HTTPStatus.OK
    assert isinstance(enabled.parsed, LinkedAccountPublic)
    assert enabled.parsed.status is LinkedAccountStatus.ACTIVE
    assert_problem(get_linked_account_credentials.sync(uuid.uuid4(), client=bearer), 404, "not_found")
    assert_problem(get_linked_account_credentials.sync(account.id, client=anonymous), 401, "unauthorized")  # type: ignore[arg-type]


@pytest.mark.anyio
async def test_credentials_refresh_and_disable_async(
    linkvault_server: RunningServer, make_app: AppFactory, oidc_provider: OidcProvider, project: Project
) -> None:
    app = make_app(project)
    async with (
        opened(bearer_client(linkvault_server, project)) as client,
        opened(anonymous_client(linkvault_server)) as anonymous,
    ):
        url = await start_link_async(client, app.app_name, "user-d")
        redirect = query_of(await authorize_async(oidc_provider, url))
        account = await linked_accounts_linked_accounts_oauth2_callback.asyncio(
            client=anonymous, code=redirect["code"], state=redirect["state"], iss=redirect["iss"]
        )
        assert isinstance(account, LinkedAccountPublic)

        credentials = await get_linked_account_credentials.asyncio(account.id, client=client)
        detailed = await get_linked_account_credentials.asyncio_detailed(account.id, client=client)
        refreshed = await refresh_linked_account.asyncio(account.id, client=client)
        forced = await refresh_linked_account.asyncio_detailed(account.id, client=client)

        assert isinstance(credentials, LinkedAccountCredentials)
        assert detailed.parsed == credentials
        assert isinstance(refreshed, LinkedAccountCredentials)
        assert refreshed.sequence == credentials.sequence + 1
        assert forced.status_code == HTTPStatus.OK
        assert forced.headers["cache-control"] == "no-store"

        disabled = await update_linked_account.asyncio(
            account.id, client=client, body=LinkedAccountUpdate(enabled=False)
        )
        assert isinstance(disabled, LinkedAccountPublic)
        assert disabled.enabled is False
        listed = await list_linked_accounts.asyncio(client=client, status=LinkedAccountStatus.DISABLED)
        assert [item.id for item in listed or []] == [account.id]
        enabled = await update_linked_account.asyncio_detailed(
            account.id, client=client, body=LinkedAccountUpdate(enabled=True)
        )
        assert enabled.status_code == HTTPStatus.OK
        assert_problem(
            await update_linked_account.asyncio(uuid.uuid4(), client=client, body=LinkedAccountUpdate(enabled=True)),
            404,
            "not_found",
        )
