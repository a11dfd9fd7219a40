"""The SDK's Auth Service (v2) operation: LangSmith's frontend-bridged POST callback."""

from __future__ import annotations

import uuid
from http import HTTPStatus
from typing import TYPE_CHECKING

import pytest

from linkvault_client import AuthenticatedClient
from linkvault_client.api.app_configurations import update_app_configuration
from linkvault_client.api.auth_service_v_2 import oauth_callback_v2_auth_callback_provider_id_post
from linkvault_client.api.linked_accounts import get_linked_account
from linkvault_client.models import AppConfiguration, AppConfigurationUpdate, HTTPValidationError, LinkedAccountPublic, OAuthFinalizeRequest, Problem
from support.flows import FRONTEND_CALLBACK, query_of
from support.sdk import anonymous_client, api_key_client, assert_callback_headers, assert_problem, bearer_client, consent, consent_async, opened

if TYPE_CHECKING:
    from conftest import AppFactory

    from support.oidc import OidcProvider
    from support.projects import Project
    from support.server import RunningServer


def explicit_endpoints(provider: OidcProvider) -> AppConfigurationUpdate:
    """Endpoints given instead of the issuer, dropped (``issuer=None``), as for a provider without
    RFC 9207 metadata: linkvault then neither expects nor requires ``iss``, which LangSmith's body
    cannot carry."""
    return AppConfigurationUpdate(
        authorize_url=provider.authorization_endpoint, token_url=provider.token_endpoint, issuer=None
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
    assert_problem(wrong_tenant.parsed, 401, "tenant_mismatch")

    with bearer_client(linkvault_server, project).with_headers({"X-Tenant-Id": project.id}) as tenant:
        response = oauth_callback_v2_auth_callback_provider_id_post.sync_detailed(
            app.app_name, client=tenant, body=finalize
        )

    assert response.status_code == HTTPStatus.OK, response.content
    assert_callback_headers(response.headers)
    assert b"token" not in response.content
    # The seed's `schema: {}` is refined to what the server answers, so the SDK parses a LinkedAccountPublic.
    account = response.parsed
    assert isinstance(account, LinkedAccountPublic), account
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
    """An app configured from an issuer that advertises RFC 9207: the frontend passes the ``iss`` of
    the redirect on in the body; the seed's body without it links while the app's redirect URI is its
    own in the project (RFC 9700 §4.4.2.2), and is refused once another app shares it."""
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    assert app.body["authorization_response_iss_parameter_supported"] is True
    redirect = query_of(consent(oidc_provider, bearer, app.app_name, "user-1"))
    without_iss = query_of(consent(oidc_provider, bearer, app.app_name, "user-2"))

    response = oauth_callback_v2_auth_callback_provider_id_post.sync_detailed(
        app.app_name,
        client=bearer,
        body=OAuthFinalizeRequest(code=redirect["code"], state=redirect["state"], iss=redirect["iss"]),
    )
    seed_body = oauth_callback_v2_auth_callback_provider_id_post.sync_detailed(
        app.app_name,
        client=bearer,
        body=OAuthFinalizeRequest(code=without_iss["code"], state=without_iss["state"]),
    )
    make_app(project, redirect_uri=FRONTEND_CALLBACK)
    shared = query_of(consent(oidc_provider, bearer, app.app_name, "user-3"))
    refused = oauth_callback_v2_auth_callback_provider_id_post.sync_detailed(
        app.app_name, client=bearer, body=OAuthFinalizeRequest(code=shared["code"], state=shared["state"])
    )

    for answer, owner in ((response, "user-1"), (seed_body, "user-2")):
        assert answer.status_code == HTTPStatus.OK, answer.content
        account = answer.parsed
        assert isinstance(account, LinkedAccountPublic), account
        assert (account.app_name, account.linked_account_owner_id) == (app.app_name, owner)
    assert refused.status_code == HTTPStatus.BAD_REQUEST
    assert isinstance(refused.parsed, Problem) and refused.parsed.code == "issuer_mismatch"
    assert refused.parsed.detail is not None and "its own redirect_uri" in refused.parsed.detail
    assert oidc_provider.token_requests(app.client.client_id) == 2


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
        assert isinstance(parsed, LinkedAccountPublic), parsed
        account = parsed
        assert (account.app_name, account.linked_account_owner_id) == (app.app_name, "user-1")
        fetched = await get_linked_account.asyncio_detailed(account.id, client=client)
        assert fetched.status_code == HTTPStatus.OK
        assert fetched.parsed == account

    async with opened(anonymous_client(linkvault_server)) as anonymous:
        unauthenticated = await oauth_callback_v2_auth_callback_provider_id_post.asyncio(
            app.app_name, client=anonymous, body=finalize
        )
        assert_problem(unauthenticated, 401, "unauthorized")
