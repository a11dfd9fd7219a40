"""The SDK's apps operations (the provider catalog) against a running linkvault, sync and async, and an
app configuration made from a catalog entry, and moved to other params and off the catalog, through the
SDK."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING

import pytest

from linkvault_client import AuthenticatedClient, Client
from linkvault_client.api.app_configurations import create_app_configuration, update_app_configuration
from linkvault_client.api.apps import get_app, list_apps
from linkvault_client.models import (
    AppConfiguration,
    AppConfigurationCreate,
    AppConfigurationCreateProviderParams,
    AppConfigurationUpdate,
    AppConfigurationUpdateProviderParams,
    CatalogEntry,
)
from support.sdk import api_key_client, assert_problem, next_cursor, opened

if TYPE_CHECKING:
    from support.projects import Project
    from support.server import RunningServer


def test_the_catalog_through_the_sdk_sync(bearer: AuthenticatedClient, anonymous: Client) -> None:
    first = list_apps.sync_detailed(client=bearer, limit=5)
    assert first.status_code == HTTPStatus.OK
    assert isinstance(first.parsed, list) and len(first.parsed) == 5
    assert all(isinstance(entry, CatalogEntry) for entry in first.parsed)
    cursor = next_cursor(first)
    assert cursor is not None
    second = list_apps.sync(client=bearer, limit=5, cursor=cursor)
    assert isinstance(second, list)
    assert second[0].name > first.parsed[-1].name

    slack = get_app.sync("slack", client=bearer)
    assert isinstance(slack, CatalogEntry)
    assert slack.additional_properties == {}  # nothing undocumented
    assert slack.token_response.bearer_token_types == ["bot", "user"]
    assert slack.token_response.error_codes.to_dict()["invalid_code"] == "invalid_grant"
    assert slack.scope_separator == ","

    unknown = get_app.sync_detailed("no-such-provider", client=bearer)
    assert unknown.status_code == HTTPStatus.NOT_FOUND
    assert_problem(unknown.parsed, 404, "not_found")
    assert_problem(list_apps.sync(client=anonymous), 401, "unauthorized")


@pytest.mark.anyio
async def test_the_catalog_through_the_sdk_async(linkvault_server: RunningServer, project: Project) -> None:
    async with opened(api_key_client(linkvault_server, project)) as client:
        found = await list_apps.asyncio(client=client, name="microsoft")
        assert isinstance(found, list)
        assert [entry.name for entry in found] == ["microsoft"]
        assert found[0].params.to_dict()["tenant"]["kind"] == "label"

        everything = await list_apps.asyncio_detailed(client=client, limit=100)
        assert everything.status_code == HTTPStatus.OK
        assert isinstance(everything.parsed, list) and len(everything.parsed) >= 40
        assert next_cursor(everything) is None

        google = await get_app.asyncio("google", client=client)
        assert isinstance(google, CatalogEntry)
        assert google.authorize_params.to_dict() == {"access_type": "offline", "prompt": "consent"}
        detailed = await get_app.asyncio_detailed("google", client=client)
        assert detailed.status_code == HTTPStatus.OK
        assert detailed.parsed == google


def test_an_app_configuration_from_the_catalog_through_the_sdk(bearer: AuthenticatedClient) -> None:
    body = AppConfigurationCreate(
        app_name="shop",
        client_id="shopify-client",
        provider="shopify",
        provider_params=AppConfigurationCreateProviderParams.from_dict({"shop": "acme-store"}),
    )

    created = create_app_configuration.sync(client=bearer, body=body)

    assert isinstance(created, AppConfiguration)
    assert created.provider == "shopify"
    assert created.provider_params.to_dict() == {"shop": "acme-store"}
    assert created.authorize_url == "https://acme-store.myshopify.com/admin/oauth/authorize"
    assert created.scopes == ["read_products"]
    bad = AppConfigurationCreate(
        app_name="evil",
        client_id="c",
        provider="shopify",
        provider_params=AppConfigurationCreateProviderParams.from_dict({"shop": "evil.example/x"}),
    )
    assert_problem(create_app_configuration.sync(client=bearer, body=bad), 400, "invalid_input")


def test_an_app_configuration_moves_to_other_params_and_off_the_catalog_through_the_sdk(
    bearer: AuthenticatedClient,
) -> None:
    created = create_app_configuration.sync(
        client=bearer,
        body=AppConfigurationCreate(
            app_name="moving-shop", client_id="c", provider="shopify", scopes=["read_orders"],
            provider_params=AppConfigurationCreateProviderParams.from_dict({"shop": "old-shop"}),
        ),
    )  # fmt: skip
    assert isinstance(created, AppConfiguration)

    moved = update_app_configuration.sync(
        "moving-shop",
        client=bearer,
        body=AppConfigurationUpdate(
            provider_params=AppConfigurationUpdateProviderParams.from_dict({"shop": "new-shop"})
        ),
    )
    detached = update_app_configuration.sync(
        "moving-shop", client=bearer, body=AppConfigurationUpdate(provider=None)
    )
    refused = update_app_configuration.sync(
        "moving-shop", client=bearer, body=AppConfigurationUpdate(provider="no-such-provider")
    )

    assert isinstance(moved, AppConfiguration)
    assert moved.authorize_url == "https://new-shop.myshopify.com/admin/oauth/authorize"
    assert moved.scopes == ["read_orders"]
    assert isinstance(detached, AppConfiguration)
    assert detached.provider is None
    assert detached.provider_params.to_dict() == {}
    assert detached.authorize_url == moved.authorize_url
    assert_problem(refused, 400, "invalid_input")
