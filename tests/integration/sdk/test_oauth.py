"""The SDK's oauth operation: quiva.ai's GET callback, which answers the tokens."""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import anyio
import httpx
import pytest

from linkvault_client import AuthenticatedClient
from linkvault_client.api.linked_accounts import list_linked_accounts
from linkvault_client.api.oauth import integrations_oauth_callback
from linkvault_client.models import Error, OauthConnection
from linkvault_client.types import Response
from support.flows import FRONTEND_CALLBACK, query_of
from support.sdk import anonymous_client, assert_callback_headers, bearer_client, consent, consent_async, opened

if TYPE_CHECKING:
    from conftest import AppFactory

    from support.oidc import OidcProvider
    from support.projects import Project
    from support.server import RunningServer


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
    assert isinstance(page, list)
    assert [account.linked_account_owner_id for account in page] == ["acme"]


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

        async def callback_at_failing_provider(**knobs: Any) -> Response[Any]:
            """A fresh link finished while the provider misbehaves as ``knobs`` say."""
            redirect = query_of(await consent_async(oidc_provider, client, app.app_name, "acme"))
            await set_knobs(**knobs)
            return await integrations_oauth_callback.asyncio_detailed(
                client=client, code=redirect["code"], state=redirect["state"], iss=redirect["iss"]
            )

        # The provider refuses the code (RFC 6749 §5.2).
        refused = await callback_at_failing_provider(fail_status=400, fail_body='{"error": "invalid_grant"}')
        assert refused.status_code == HTTPStatus.BAD_REQUEST
        assert isinstance(refused.parsed, Error)
        assert refused.parsed.error == "invalid_grant"

        # The provider fails.
        failed = await callback_at_failing_provider(fail_status=500, fail_body="<html>down</html>")
        assert failed.status_code == HTTPStatus.BAD_GATEWAY
        assert isinstance(failed.parsed, Error)
        assert failed.parsed.error == "provider_error"
        assert b"down" not in failed.content

        # The provider is slower than LINKVAULT_HTTP_TIMEOUT_SECONDS (3 s in the test server).
        slow = await callback_at_failing_provider(delay_seconds=5)
        assert slow.status_code == HTTPStatus.GATEWAY_TIMEOUT
        assert isinstance(slow.parsed, Error)
        assert slow.parsed.error == "provider_timeout"
        await anyio.to_thread.run_sync(oidc_provider.reset_knobs, client_id)
