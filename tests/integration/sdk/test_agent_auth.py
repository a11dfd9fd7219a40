"""The SDK's LangSmith agent-auth operations (``Auth Service (v2)``): providers, authenticate, wait,
tokens, sync and async, against the real test authorization server."""

from __future__ import annotations

import functools
import uuid
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import anyio
import httpx
import pytest

from linkvault_client import AuthenticatedClient
from linkvault_client.api.app_configurations import get_app_configuration, update_app_configuration
from linkvault_client.api.auth_service_v_2 import authenticate, check_token_exists, create_oauth_provider, delete_oauth_provider, get_oauth_provider, list_oauth_providers, revoke_tokens, update_oauth_provider, wait_for_auth
from linkvault_client.api.linked_accounts import get_linked_account_credentials, list_linked_accounts
from linkvault_client.models import AppConfiguration, AppConfigurationUpdate, AuthAuthenticateRequest, AuthResult, AuthResultStatus, AuthWaitResult, AuthWaitResultStatus, HTTPValidationError, LinkedAccountCredentials, Message, OAuthProvider, OAuthProviderCreate, OAuthProviderUpdate, OAuthTokenStatus, RevokeTokensResult
from support.flows import query_of
from support.sdk import aci_callback_url, api_key_client, assert_problem, bearer_client, opened, register_client

if TYPE_CHECKING:
    from support.oidc import OidcProvider
    from support.projects import Project
    from support.server import RunningServer

_counter = iter(range(1_000))


def new_provider(oidc_provider: OidcProvider, server: RunningServer, name: str = "Test provider") -> tuple[OAuthProviderCreate, str]:
    """A LangSmith provider body for a client registered at the test provider (redirecting to
    linkvault's own GET callback), and the client's secret."""
    client = register_client(oidc_provider, aci_callback_url(server))
    body = OAuthProviderCreate(
        provider_id=f"ls{next(_counter)}",
        name=name,
        client_id=client.client_id,
        client_secret=client.client_secret,
        auth_url=oidc_provider.authorization_endpoint,
        token_url=oidc_provider.token_endpoint,
    )
    return body, client.client_secret


def finish_at_linkvault(oidc_provider: OidcProvider, url: str, *, login: str = "alice", consent: bool = True) -> httpx.Response:
    """The user consents (or not) at the provider, whose redirect brings the browser to linkvault's
    GET callback."""
    redirect = oidc_provider.authorize(url, login=login, consent=consent)
    return httpx.get(redirect, timeout=30)


def test_providers_are_app_configurations_sync(
    bearer: AuthenticatedClient, linkvault_server: RunningServer, oidc_provider: OidcProvider, project: Project
) -> None:
    body, secret = new_provider(oidc_provider, linkvault_server)

    created = create_oauth_provider.sync_detailed(client=bearer, body=body)

    assert created.status_code == HTTPStatus.OK, created.content
    assert secret.encode() not in created.content
    provider = created.parsed
    assert isinstance(provider, OAuthProvider)
    assert (provider.provider_id, provider.name, provider.client_id) == (body.provider_id, "Test provider", body.client_id)
    assert (provider.auth_url, provider.token_url) == (body.auth_url, body.token_url)
    assert (provider.uses_pkce, provider.code_challenge_method, provider.provider_type) == (True, "S256", "oauth2")
    assert provider.organization_id == uuid.UUID(project.id)
    # The same object through the app-configurations operations.
    app = get_app_configuration.sync(body.provider_id, client=bearer)
    assert isinstance(app, AppConfiguration)
    assert (app.id, app.app_name, app.client_id, app.has_client_secret) == (provider.id, body.provider_id, body.client_id, True)
    assert app.authorize_url == body.auth_url

    listed = list_oauth_providers.sync(client=bearer)
    assert isinstance(listed, list)
    assert [p.provider_id for p in listed] == [body.provider_id]
    # LangSmith's X-Tenant-Id, when sent with the key, must name the key's project.
    with bearer_client(linkvault_server, project).with_headers({"X-Tenant-Id": project.id}) as tenant:
        assert list_oauth_providers.sync(client=tenant) == listed
    with bearer_client(linkvault_server, project).with_headers({"X-Tenant-Id": str(uuid.uuid4())}) as stranger:
        assert_problem(list_oauth_providers.sync(client=stranger), 401, "tenant_mismatch")
    # A bare array, as LangSmith's client expects.
    assert isinstance(list_oauth_providers.sync_detailed(client=bearer).parsed, list)
    assert get_oauth_provider.sync(body.provider_id, client=bearer) == provider
    fetched = get_oauth_provider.sync_detailed(body.provider_id, client=bearer)
    assert fetched.status_code == HTTPStatus.OK and secret.encode() not in fetched.content

    updated = update_oauth_provider.sync(body.provider_id, client=bearer, body=OAuthProviderUpdate(name="Renamed"))
    assert isinstance(updated, OAuthProvider)
    assert (updated.name, updated.client_id) == ("Renamed", body.client_id)
    moved = update_oauth_provider.sync_detailed(body.provider_id, client=bearer, body=OAuthProviderUpdate(token_url=oidc_provider.token_endpoint + "/"))
    assert isinstance(moved.parsed, OAuthProvider) and moved.parsed.token_url == oidc_provider.token_endpoint + "/"
    assert moved.parsed.name == "Renamed"
    duplicate = create_oauth_provider.sync(client=bearer, body=body)
    assert_problem(duplicate, 409, "conflict")
    plain = OAuthProviderCreate.from_dict({**body.to_dict(), "code_challenge_method": "plain", "provider_id": "x"})
    refused = create_oauth_provider.sync_detailed(client=bearer, body=plain)
    assert refused.status_code == HTTPStatus.UNPROCESSABLE_ENTITY
    assert isinstance(refused.parsed, HTTPValidationError)

    deleted = delete_oauth_provider.sync_detailed(body.provider_id, client=bearer)
    assert deleted.status_code == HTTPStatus.OK
    assert isinstance(deleted.parsed, Message) and body.provider_id in deleted.parsed.message
    assert_problem(get_oauth_provider.sync(body.provider_id, client=bearer), 404, "not_found")
    assert_problem(delete_oauth_provider.sync(body.provider_id, client=bearer), 404, "not_found")


def test_agent_flow_sync(
    bearer: AuthenticatedClient, linkvault_server: RunningServer, oidc_provider: OidcProvider, project: Project
) -> None:
    """authenticate → pending → the user consents → wait → completed with a token → authenticate again
    → completed at once; more scopes start an incremental link; tokens are checked and revoked."""
    body, _secret = new_provider(oidc_provider, linkvault_server)
    assert create_oauth_provider.sync(client=bearer, body=body) is not None
    ask = AuthAuthenticateRequest(user_id="agent-user", provider=body.provider_id, scopes=["openid", "profile"])

    pending = authenticate.sync_detailed(client=bearer, body=ask)

    assert pending.status_code == HTTPStatus.OK, pending.content
    assert pending.headers["cache-control"] == "no-store"
    started = pending.parsed
    assert isinstance(started, AuthResult) and started.status == AuthResultStatus.PENDING
    assert isinstance(started.url, str) and isinstance(started.auth_id, str)
    params = query_of(started.url)
    assert params["scope"] == "openid profile"
    assert params["code_challenge_method"] == "S256"
    assert started.auth_id != params["state"]
    not_yet = wait_for_auth.sync(started.auth_id, client=bearer, timeout=0)
    assert isinstance(not_yet, AuthWaitResult) and not_yet.status == AuthWaitResultStatus.TIMEOUT

    assert finish_at_linkvault(oidc_provider, started.url).status_code == 200
    waited = wait_for_auth.sync_detailed(started.auth_id, client=bearer, timeout=30)

    assert waited.status_code == HTTPStatus.OK
    assert waited.headers["cache-control"] == "no-store"
    done = waited.parsed
    assert isinstance(done, AuthWaitResult) and done.status == AuthWaitResultStatus.COMPLETED
    accounts = list_linked_accounts.sync(client=bearer, app_name=body.provider_id)
    assert isinstance(accounts, list) and len(accounts) == 1
    stored = get_linked_account_credentials.sync(accounts[0].id, client=bearer)
    assert isinstance(stored, LinkedAccountCredentials)
    assert done.token == stored.access_token
    assert stored.scope is not None and set(stored.scope.split()) >= {"openid", "profile"}
    exchanges = oidc_provider.token_requests(body.client_id)

    again = authenticate.sync(client=bearer, body=ask)
    fewer = authenticate.sync(client=bearer, body=AuthAuthenticateRequest(user_id="agent-user", provider=body.provider_id, scopes=["openid"]))
    assert isinstance(again, AuthResult) and (again.status, again.token) == (AuthResultStatus.COMPLETED, stored.access_token)
    assert isinstance(fewer, AuthResult) and fewer.status == AuthResultStatus.COMPLETED
    assert oidc_provider.token_requests(body.client_id) == exchanges

    more = authenticate.sync(client=bearer, body=AuthAuthenticateRequest(user_id="agent-user", provider=body.provider_id, scopes=["email"]))
    assert isinstance(more, AuthResult) and more.status == AuthResultStatus.PENDING and isinstance(more.url, str)
    assert query_of(more.url)["scope"].split() == ["openid", "profile", "email"]

    exists = check_token_exists.sync_detailed(client=bearer, provider_id=body.provider_id, user_id="agent-user")
    assert exists.status_code == HTTPStatus.OK and exists.parsed == OAuthTokenStatus(has_token=True)
    assert check_token_exists.sync(client=bearer, provider_id=body.provider_id) == OAuthTokenStatus(has_token=True)
    assert check_token_exists.sync(client=bearer, provider_id=body.provider_id, user_id="nobody") == OAuthTokenStatus(has_token=False)
    assert_problem(check_token_exists.sync(client=bearer, provider_id="no-such-provider"), 404, "not_found")

    # The provider's revocation endpoint, set through the other face of the same object.
    configured = update_app_configuration.sync(body.provider_id, client=bearer, body=AppConfigurationUpdate(revocation_url=oidc_provider.revocation_endpoint))
    assert isinstance(configured, AppConfiguration)
    nobody = revoke_tokens.sync(client=bearer, provider_id=body.provider_id, user_id="nobody")
    assert isinstance(nobody, RevokeTokensResult) and nobody.deleted == 0
    revoked = revoke_tokens.sync_detailed(client=bearer, provider_id=body.provider_id, user_id="agent-user")

    assert revoked.status_code == HTTPStatus.OK
    assert isinstance(revoked.parsed, RevokeTokensResult)
    assert (revoked.parsed.provider_id, revoked.parsed.deleted) == (body.provider_id, 1)
    assert oidc_provider.revocation_requests(body.client_id) == 1
    assert check_token_exists.sync(client=bearer, provider_id=body.provider_id) == OAuthTokenStatus(has_token=False)
    assert list_linked_accounts.sync(client=bearer, app_name=body.provider_id) == []
    # The link of the incremental request is still pending; nobody finished it.
    assert isinstance(more.auth_id, str)
    still = wait_for_auth.sync(more.auth_id, client=bearer, timeout=0)
    assert isinstance(still, AuthWaitResult) and still.status == AuthWaitResultStatus.TIMEOUT


def test_wait_answers_failed_and_not_found_and_bad_requests_are_refused_sync(
    bearer: AuthenticatedClient, linkvault_server: RunningServer, oidc_provider: OidcProvider, other_project: Project
) -> None:
    body, _secret = new_provider(oidc_provider, linkvault_server)
    create_oauth_provider.sync(client=bearer, body=body)
    started = authenticate.sync(client=bearer, body=AuthAuthenticateRequest(user_id="u", provider=body.provider_id, scopes=["openid"]))
    assert isinstance(started, AuthResult) and isinstance(started.url, str) and isinstance(started.auth_id, str)

    denied = finish_at_linkvault(oidc_provider, started.url, consent=False)

    assert denied.status_code == 400
    failed = wait_for_auth.sync(started.auth_id, client=bearer, timeout=30)
    assert isinstance(failed, AuthWaitResult)
    assert (failed.status, failed.code) == (AuthWaitResultStatus.FAILED, "access_denied")
    for unknown in (str(uuid.uuid4()), "not-an-id"):
        missing = wait_for_auth.sync(unknown, client=bearer, timeout=5)
        assert isinstance(missing, AuthWaitResult) and missing.status == AuthWaitResultStatus.NOT_FOUND
    # Another project's key does not see this link.
    with AuthenticatedClient(base_url=linkvault_server.base_url, token=other_project.api_key) as other:
        foreign = wait_for_auth.sync(started.auth_id, client=other, timeout=0)
    assert isinstance(foreign, AuthWaitResult) and foreign.status == AuthWaitResultStatus.NOT_FOUND
    unknown_provider = authenticate.sync(client=bearer, body=AuthAuthenticateRequest(user_id="u", provider="nope", scopes=[]))
    assert_problem(unknown_provider, 404, "not_found")
    # Scopes that add up to more than a stored scope can hold, or no user: FastAPI's 422, as LangSmith answers.
    too_many = AuthAuthenticateRequest(user_id="u", provider=body.provider_id, scopes=[f"{n:03d}" + "s" * 250 for n in range(100)])
    for refused in (too_many, AuthAuthenticateRequest(user_id="", provider=body.provider_id, scopes=["openid"])):
        answer = authenticate.sync_detailed(client=bearer, body=refused)
        assert answer.status_code == HTTPStatus.UNPROCESSABLE_ENTITY, answer.content
        assert isinstance(answer.parsed, HTTPValidationError) and isinstance(answer.parsed.detail, list)
        assert answer.parsed.detail[0].loc[0] == "body"


@pytest.mark.anyio
async def test_agent_flow_async(linkvault_server: RunningServer, oidc_provider: OidcProvider, project: Project) -> None:
    """The agent waits while the user consents; the wait answers as soon as the link is finished."""
    body, _secret = new_provider(oidc_provider, linkvault_server)
    async with opened(api_key_client(linkvault_server, project)) as client:
        created = await create_oauth_provider.asyncio_detailed(client=client, body=body)
        assert created.status_code == HTTPStatus.OK
        assert isinstance(await create_oauth_provider.asyncio(client=client, body=body.__class__.from_dict({**body.to_dict(), "provider_id": body.provider_id + "b"})), OAuthProvider)
        listed = await list_oauth_providers.asyncio_detailed(client=client)
        assert listed.status_code == HTTPStatus.OK and isinstance(listed.parsed, list)
        assert {p.provider_id for p in listed.parsed} == {body.provider_id, body.provider_id + "b"}
        assert isinstance(await list_oauth_providers.asyncio(client=client), list)
        fetched = await get_oauth_provider.asyncio_detailed(body.provider_id, client=client)
        assert isinstance(fetched.parsed, OAuthProvider)
        assert await get_oauth_provider.asyncio(body.provider_id, client=client) == fetched.parsed
        renamed = await update_oauth_provider.asyncio_detailed(body.provider_id, client=client, body=OAuthProviderUpdate(name="Async"))
        assert isinstance(renamed.parsed, OAuthProvider) and renamed.parsed.name == "Async"
        assert isinstance(await update_oauth_provider.asyncio(body.provider_id, client=client, body=OAuthProviderUpdate(client_id=body.client_id)), OAuthProvider)
        assert isinstance(await delete_oauth_provider.asyncio(body.provider_id + "b", client=client), Message)

        ask = AuthAuthenticateRequest(user_id="async-user", provider=body.provider_id, scopes=["openid"])
        started = await authenticate.asyncio(client=client, body=ask)
        assert isinstance(started, AuthResult) and isinstance(started.url, str) and isinstance(started.auth_id, str)
        waited: list[Any] = []

        async def wait() -> None:
            waited.append(await wait_for_auth.asyncio_detailed(started.auth_id, client=client, timeout=60))

        async with anyio.create_task_group() as group:
            group.start_soon(wait)
            await anyio.to_thread.run_sync(functools.partial(finish_at_linkvault, oidc_provider, started.url))

        done = waited[0].parsed
        assert isinstance(done, AuthWaitResult) and done.status == AuthWaitResultStatus.COMPLETED
        at_once = await authenticate.asyncio_detailed(client=client, body=ask)
        assert isinstance(at_once.parsed, AuthResult)
        assert (at_once.parsed.status, at_once.parsed.token) == (AuthResultStatus.COMPLETED, done.token)
        again = await wait_for_auth.asyncio(started.auth_id, client=client, timeout=0)
        assert isinstance(again, AuthWaitResult) and again.token == done.token

        exists = await check_token_exists.asyncio_detailed(client=client, provider_id=body.provider_id)
        assert exists.parsed == OAuthTokenStatus(has_token=True)
        assert await check_token_exists.asyncio(client=client, provider_id=body.provider_id, user_id="async-user") == OAuthTokenStatus(has_token=True)
        # Without user_id, every account of the provider in the project.
        everyone = await revoke_tokens.asyncio_detailed(client=client, provider_id=body.provider_id)
        assert isinstance(everyone.parsed, RevokeTokensResult) and everyone.parsed.deleted == 1
        # The finished link's account is gone: so is what waiting on it can answer.
        gone = await wait_for_auth.asyncio(started.auth_id, client=client, timeout=0)
        assert isinstance(gone, AuthWaitResult) and gone.status == AuthWaitResultStatus.NOT_FOUND
        none_left = await revoke_tokens.asyncio(client=client, provider_id=body.provider_id)
        assert isinstance(none_left, RevokeTokensResult) and none_left.deleted == 0
        deleted = await delete_oauth_provider.asyncio_detailed(body.provider_id, client=client)
        assert deleted.status_code == HTTPStatus.OK
