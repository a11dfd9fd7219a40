"""The SDK's ACI.dev non-OAuth2 accounts: apps declaring a security scheme, accounts created with an
API key, HTTP Basic credentials, a bearer token or nothing, and their secrets handed out only by the
credentials operation, sync and async."""

from __future__ import annotations

import uuid
from http import HTTPStatus
from typing import TYPE_CHECKING

import pytest

from linkvault_client import AuthenticatedClient
from linkvault_client.api.app_configurations import create_app_configuration, update_app_configuration
from linkvault_client.api.linked_accounts import delete_linked_account, get_linked_account_credentials, link_api_key_account, link_http_basic_account, link_http_bearer_account, link_no_auth_account, linked_accounts_link_oauth2_account, list_linked_accounts, refresh_linked_account, update_linked_account
from linkvault_client.models import ApiKeyCredentials, AppConfiguration, AppConfigurationCreate, AppConfigurationUpdate, HttpBasicCredentials, HttpBearerCredentials, HTTPValidationError, LinkedAccountAPIKeyCreate, LinkedAccountDeleted, LinkedAccountDeletedRevocation, LinkedAccountHTTPBasicCreate, LinkedAccountHTTPBearerCreate, LinkedAccountNoAuthCreate, LinkedAccountPublic, LinkedAccountStatus, LinkedAccountUpdate, NoAuthCredentials, SecurityScheme
from support.sdk import api_key_client, assert_problem, opened

if TYPE_CHECKING:
    from support.projects import Project
    from support.server import RunningServer

_counter = iter(range(1_000))


def make_static_app(client: AuthenticatedClient, scheme: SecurityScheme) -> str:
    app_name = f"{scheme.value.replace('_', '-')}{next(_counter)}"
    created = create_app_configuration.sync(client=client, body=AppConfigurationCreate(app_name=app_name, security_scheme=scheme))
    assert isinstance(created, AppConfiguration), created
    assert created.security_scheme == scheme
    assert (created.client_id, created.authorize_url, created.token_url, created.has_client_secret) == ("", "", "", False)
    return app_name


def test_api_key_accounts_sync(bearer: AuthenticatedClient, linkvault_server: RunningServer, project: Project) -> None:
    app_name = make_static_app(bearer, SecurityScheme.API_KEY)
    body = LinkedAccountAPIKeyCreate(app_name=app_name, linked_account_owner_id="owner-1", api_key="sk-first-secret")

    created = link_api_key_account.sync_detailed(client=bearer, body=body)

    assert created.status_code == HTTPStatus.OK, created.content
    assert b"sk-first-secret" not in created.content
    account = created.parsed
    assert isinstance(account, LinkedAccountPublic)
    assert (account.app_name, account.linked_account_owner_id, account.security_scheme) == (app_name, "owner-1", SecurityScheme.API_KEY)
    assert (account.enabled, account.status, account.project_id) == (True, LinkedAccountStatus.ACTIVE, uuid.UUID(project.id))
    secret = get_linked_account_credentials.sync_detailed(account.id, client=bearer)
    assert secret.status_code == HTTPStatus.OK and secret.headers["cache-control"] == "no-store"
    assert secret.parsed == ApiKeyCredentials.from_dict({"security_scheme": "api_key", "api_key": "sk-first-secret"})
    listed = list_linked_accounts.sync_detailed(client=bearer, app_name=app_name)
    assert listed.status_code == HTTPStatus.OK and b"sk-first-secret" not in listed.content

    # Create or replace: the same account with the new key.
    replaced = link_api_key_account.sync(client=bearer, body=LinkedAccountAPIKeyCreate(app_name=app_name, linked_account_owner_id="owner-1", api_key="sk-second"))
    assert isinstance(replaced, LinkedAccountPublic) and replaced.id == account.id
    assert get_linked_account_credentials.sync(account.id, client=bearer) == ApiKeyCredentials.from_dict({"security_scheme": "api_key", "api_key": "sk-second"})

    # Refresh does not apply; disable, enable and delete do.
    assert_problem(refresh_linked_account.sync(account.id, client=bearer), 409, "no_refresh_token")
    disabled = update_linked_account.sync(account.id, client=bearer, body=LinkedAccountUpdate(enabled=False))
    assert isinstance(disabled, LinkedAccountPublic) and disabled.status == LinkedAccountStatus.DISABLED
    assert_problem(get_linked_account_credentials.sync(account.id, client=bearer), 409, "account_disabled")
    update_linked_account.sync(account.id, client=bearer, body=LinkedAccountUpdate(enabled=True))
    deleted = delete_linked_account.sync(account.id, client=bearer)
    assert deleted == LinkedAccountDeleted(id=account.id, revocation=LinkedAccountDeletedRevocation.UNSUPPORTED)
    assert_problem(get_linked_account_credentials.sync(account.id, client=bearer), 404, "not_found")


def test_an_account_must_match_its_apps_scheme_sync(bearer: AuthenticatedClient) -> None:
    api_key_app = make_static_app(bearer, SecurityScheme.API_KEY)
    no_auth_app = make_static_app(bearer, SecurityScheme.NO_AUTH)

    wrong = link_no_auth_account.sync_detailed(client=bearer, body=LinkedAccountNoAuthCreate(app_name=api_key_app, linked_account_owner_id="o"))
    oauth2_start = linked_accounts_link_oauth2_account.sync_detailed(client=bearer, app_name=no_auth_app, linked_account_owner_id="o")
    missing = link_api_key_account.sync(client=bearer, body=LinkedAccountAPIKeyCreate(app_name="no-such-app", linked_account_owner_id="o", api_key="k"))
    empty_owner = link_api_key_account.sync_detailed(client=bearer, body=LinkedAccountAPIKeyCreate(app_name=api_key_app, linked_account_owner_id="", api_key="k"))

    for refused in (wrong, oauth2_start, empty_owner):
        assert refused.status_code == HTTPStatus.UNPROCESSABLE_ENTITY, refused.content
        assert isinstance(refused.parsed, HTTPValidationError)
    assert isinstance(wrong.parsed, HTTPValidationError) and isinstance(wrong.parsed.detail, list)
    assert wrong.parsed.detail[0].loc == ["body", "app_name"]
    assert_problem(missing, 404, "not_found")
    assert list_linked_accounts.sync(client=bearer, app_name=api_key_app) == []
    # An app of another scheme takes no OAuth2 setting.
    with_client = create_app_configuration.sync(client=bearer, body=AppConfigurationCreate(app_name="k-with-client", security_scheme=SecurityScheme.API_KEY, client_id="x"))
    assert_problem(with_client, 400, "invalid_input")
    with_scopes = update_app_configuration.sync(api_key_app, client=bearer, body=AppConfigurationUpdate(scopes=["a"]))
    assert_problem(with_scopes, 400, "invalid_input")
    no_client = create_app_configuration.sync(client=bearer, body=AppConfigurationCreate(app_name="oauth-without-client", authorize_url="http://127.0.0.1:9/a", token_url="http://127.0.0.1:9/t"))
    assert_problem(no_client, 400, "invalid_input")


def test_http_basic_bearer_and_no_auth_accounts_sync(bearer: AuthenticatedClient) -> None:
    basic_app = make_static_app(bearer, SecurityScheme.HTTP_BASIC)
    bearer_app = make_static_app(bearer, SecurityScheme.HTTP_BEARER)
    no_auth_app = make_static_app(bearer, SecurityScheme.NO_AUTH)

    basic = link_http_basic_account.sync(client=bearer, body=LinkedAccountHTTPBasicCreate(app_name=basic_app, linked_account_owner_id="o", username="alice", password="pa:ss"))
    token = link_http_bearer_account.sync_detailed(client=bearer, body=LinkedAccountHTTPBearerCreate(app_name=bearer_app, linked_account_owner_id="o", token="tok-123"))
    basic_again = link_http_basic_account.sync_detailed(client=bearer, body=LinkedAccountHTTPBasicCreate(app_name=basic_app, linked_account_owner_id="o2", username="bob", password="pw-secret-9"))
    wrong_app = link_http_bearer_account.sync(client=bearer, body=LinkedAccountHTTPBearerCreate(app_name=basic_app, linked_account_owner_id="o", token="t"))
    nothing = link_no_auth_account.sync(client=bearer, body=LinkedAccountNoAuthCreate(app_name=no_auth_app, linked_account_owner_id="o"))

    assert isinstance(basic, LinkedAccountPublic) and basic.security_scheme == SecurityScheme.HTTP_BASIC
    assert isinstance(token.parsed, LinkedAccountPublic) and token.parsed.security_scheme == SecurityScheme.HTTP_BEARER
    assert b"tok-123" not in token.content
    assert isinstance(nothing, LinkedAccountPublic) and nothing.security_scheme == SecurityScheme.NO_AUTH
    assert basic_again.status_code == HTTPStatus.OK and b"pw-secret-9" not in basic_again.content
    assert isinstance(wrong_app, HTTPValidationError)
    assert get_linked_account_credentials.sync(basic.id, client=bearer) == HttpBasicCredentials.from_dict({"security_scheme": "http_basic", "username": "alice", "password": "pa:ss"})
    assert get_linked_account_credentials.sync(token.parsed.id, client=bearer) == HttpBearerCredentials.from_dict({"security_scheme": "http_bearer", "token": "tok-123"})
    assert get_linked_account_credentials.sync(nothing.id, client=bearer) == NoAuthCredentials.from_dict({"security_scheme": "no_auth"})


@pytest.mark.anyio
async def test_non_oauth_accounts_async(linkvault_server: RunningServer, project: Project) -> None:
    async with opened(api_key_client(linkvault_server, project)) as client:
        apps = {}
        for scheme in (SecurityScheme.API_KEY, SecurityScheme.HTTP_BASIC, SecurityScheme.HTTP_BEARER, SecurityScheme.NO_AUTH):
            app_name = f"async-{scheme.value.replace('_', '-')}{next(_counter)}"
            created = await create_app_configuration.asyncio(client=client, body=AppConfigurationCreate(app_name=app_name, security_scheme=scheme))
            assert isinstance(created, AppConfiguration)
            apps[scheme] = app_name

        key = await link_api_key_account.asyncio(client=client, body=LinkedAccountAPIKeyCreate(app_name=apps[SecurityScheme.API_KEY], linked_account_owner_id="o", api_key="k1"))
        key_detailed = await link_api_key_account.asyncio_detailed(client=client, body=LinkedAccountAPIKeyCreate(app_name=apps[SecurityScheme.API_KEY], linked_account_owner_id="o2", api_key="k2"))
        basic = await link_http_basic_account.asyncio(client=client, body=LinkedAccountHTTPBasicCreate(app_name=apps[SecurityScheme.HTTP_BASIC], linked_account_owner_id="o", username="u", password="p"))
        basic_detailed = await link_http_basic_account.asyncio_detailed(client=client, body=LinkedAccountHTTPBasicCreate(app_name=apps[SecurityScheme.HTTP_BEARER], linked_account_owner_id="o", username="u", password="p"))
        token = await link_http_bearer_account.asyncio(client=client, body=LinkedAccountHTTPBearerCreate(app_name=apps[SecurityScheme.HTTP_BEARER], linked_account_owner_id="o", token="t"))
        token_detailed = await link_http_bearer_account.asyncio_detailed(client=client, body=LinkedAccountHTTPBearerCreate(app_name=apps[SecurityScheme.HTTP_BEARER], linked_account_owner_id="o", token="t2"))
        nothing = await link_no_auth_account.asyncio(client=client, body=LinkedAccountNoAuthCreate(app_name=apps[SecurityScheme.NO_AUTH], linked_account_owner_id="o"))
        nothing_detailed = await link_no_auth_account.asyncio_detailed(client=client, body=LinkedAccountNoAuthCreate(app_name=apps[SecurityScheme.NO_AUTH], linked_account_owner_id="o"))

        assert isinstance(key, LinkedAccountPublic) and isinstance(key_detailed.parsed, LinkedAccountPublic)
        assert isinstance(basic, LinkedAccountPublic)
        # HTTP Basic credentials for an http_bearer app are refused.
        assert basic_detailed.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
        assert isinstance(token, LinkedAccountPublic) and isinstance(token_detailed.parsed, LinkedAccountPublic)
        assert token_detailed.parsed.id == token.id
        assert isinstance(nothing, LinkedAccountPublic) and isinstance(nothing_detailed.parsed, LinkedAccountPublic)
        assert nothing_detailed.parsed.id == nothing.id
        secret = await get_linked_account_credentials.asyncio(token.id, client=client)
        assert secret == HttpBearerCredentials.from_dict({"security_scheme": "http_bearer", "token": "t2"})
        deleted = await delete_linked_account.asyncio(key.id, client=client)
        assert isinstance(deleted, LinkedAccountDeleted) and deleted.revocation == LinkedAccountDeletedRevocation.UNSUPPORTED
