"""The SDK's connections operation: Peaka's frontend-bridged POST callback."""

from __future__ import annotations

import uuid
from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import urlencode, urlsplit

import pytest

from linkvault_client import AuthenticatedClient, Client
from linkvault_client.api.connections import oauth_2_callback
from linkvault_client.api.linked_accounts import get_linked_account
from linkvault_client.models import Connection, LinkedAccountPublic, Oauth2Callback
from support.flows import FRONTEND_CALLBACK, query_of
from support.sdk import anonymous_client, assert_callback_headers, assert_problem, bearer_client, consent, consent_async, opened

if TYPE_CHECKING:
    from conftest import AppFactory

    from support.oidc import OidcProvider
    from support.projects import Project
    from support.server import RunningServer


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
