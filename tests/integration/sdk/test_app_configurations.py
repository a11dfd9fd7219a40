"""The SDK's app-configurations operations against a running linkvault, sync and async."""

from __future__ import annotations

import uuid
from http import HTTPStatus
from typing import TYPE_CHECKING

import pytest

from linkvault_client import AuthenticatedClient, Client
from linkvault_client.api.app_configurations import create_app_configuration, delete_app_configuration, get_app_configuration, list_app_configurations, update_app_configuration
from linkvault_client.models import AppConfiguration, AppConfigurationCreate, AppConfigurationCreateAuthorizeParams, AppConfigurationUpdate, TokenEndpointAuthMethod
from support.flows import FRONTEND_CALLBACK
from support.sdk import AFTER_LINK_ALLOWED, TIMEOUT, aci_callback_url, anonymous_client, api_key_client, assert_problem, bearer_client, opened, register_client

if TYPE_CHECKING:

    from support.oidc import OidcProvider
    from support.projects import Project
    from support.server import RunningServer


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
