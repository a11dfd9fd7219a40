from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.app_configuration import AppConfiguration
from ...models.app_configuration_update import AppConfigurationUpdate
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    app_name: str,
    *,
    body: AppConfigurationUpdate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/app-configurations/{app_name}".format(
            app_name=quote(str(app_name), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AppConfiguration | Problem | None:
    if response.status_code == 200:
        response_200 = AppConfiguration.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 414:
        response_414 = Problem.from_dict(response.json())

        return response_414

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 431:
        response_431 = Problem.from_dict(response.json())

        return response_431

    if response.status_code == 502:
        response_502 = Problem.from_dict(response.json())

        return response_502

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if response.status_code == 504:
        response_504 = Problem.from_dict(response.json())

        return response_504

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[AppConfiguration | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    app_name: str,
    *,
    client: AuthenticatedClient,
    body: AppConfigurationUpdate,
) -> Response[AppConfiguration | Problem]:
    """Update an app configuration

     Fields left out keep their value. Setting `issuer` reads discovery metadata again and replaces the
    endpoints; `client_secret: null` removes the secret. Naming `provider` or `provider_params` derives
    the catalog's fields again, as at creation: the endpoints (discovering the entry's issuer where it
    has one), `revocation_url` and `token_endpoint_auth_method`, each unless given in the same request;
    `scopes` and `authorize_params` become the entry's defaults only when the provider changes (with
    only new `provider_params`, or the same `provider` named again, they are kept). `provider_params`
    left out are the current ones for the same provider, none for another. `provider: null` detaches the
    configuration from the catalog: every endpoint and setting is kept, `provider_params` become empty,
    and token responses are read as RFC 6749 says. An unknown provider, bad params, or params without a
    provider are a 400; discovery fails as at creation.

    Args:
        app_name (str):
        body (AppConfigurationUpdate):  Example: {'scopes': ['repo', 'read:user', 'read:org'],
            'authorize_params': {'allow_signup': 'false'}}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AppConfiguration | Problem]
    """

    kwargs = _get_kwargs(
        app_name=app_name,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    app_name: str,
    *,
    client: AuthenticatedClient,
    body: AppConfigurationUpdate,
) -> AppConfiguration | Problem | None:
    """Update an app configuration

     Fields left out keep their value. Setting `issuer` reads discovery metadata again and replaces the
    endpoints; `client_secret: null` removes the secret. Naming `provider` or `provider_params` derives
    the catalog's fields again, as at creation: the endpoints (discovering the entry's issuer where it
    has one), `revocation_url` and `token_endpoint_auth_method`, each unless given in the same request;
    `scopes` and `authorize_params` become the entry's defaults only when the provider changes (with
    only new `provider_params`, or the same `provider` named again, they are kept). `provider_params`
    left out are the current ones for the same provider, none for another. `provider: null` detaches the
    configuration from the catalog: every endpoint and setting is kept, `provider_params` become empty,
    and token responses are read as RFC 6749 says. An unknown provider, bad params, or params without a
    provider are a 400; discovery fails as at creation.

    Args:
        app_name (str):
        body (AppConfigurationUpdate):  Example: {'scopes': ['repo', 'read:user', 'read:org'],
            'authorize_params': {'allow_signup': 'false'}}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AppConfiguration | Problem
    """

    return sync_detailed(
        app_name=app_name,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    app_name: str,
    *,
    client: AuthenticatedClient,
    body: AppConfigurationUpdate,
) -> Response[AppConfiguration | Problem]:
    """Update an app configuration

     Fields left out keep their value. Setting `issuer` reads discovery metadata again and replaces the
    endpoints; `client_secret: null` removes the secret. Naming `provider` or `provider_params` derives
    the catalog's fields again, as at creation: the endpoints (discovering the entry's issuer where it
    has one), `revocation_url` and `token_endpoint_auth_method`, each unless given in the same request;
    `scopes` and `authorize_params` become the entry's defaults only when the provider changes (with
    only new `provider_params`, or the same `provider` named again, they are kept). `provider_params`
    left out are the current ones for the same provider, none for another. `provider: null` detaches the
    configuration from the catalog: every endpoint and setting is kept, `provider_params` become empty,
    and token responses are read as RFC 6749 says. An unknown provider, bad params, or params without a
    provider are a 400; discovery fails as at creation.

    Args:
        app_name (str):
        body (AppConfigurationUpdate):  Example: {'scopes': ['repo', 'read:user', 'read:org'],
            'authorize_params': {'allow_signup': 'false'}}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AppConfiguration | Problem]
    """

    kwargs = _get_kwargs(
        app_name=app_name,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    app_name: str,
    *,
    client: AuthenticatedClient,
    body: AppConfigurationUpdate,
) -> AppConfiguration | Problem | None:
    """Update an app configuration

     Fields left out keep their value. Setting `issuer` reads discovery metadata again and replaces the
    endpoints; `client_secret: null` removes the secret. Naming `provider` or `provider_params` derives
    the catalog's fields again, as at creation: the endpoints (discovering the entry's issuer where it
    has one), `revocation_url` and `token_endpoint_auth_method`, each unless given in the same request;
    `scopes` and `authorize_params` become the entry's defaults only when the provider changes (with
    only new `provider_params`, or the same `provider` named again, they are kept). `provider_params`
    left out are the current ones for the same provider, none for another. `provider: null` detaches the
    configuration from the catalog: every endpoint and setting is kept, `provider_params` become empty,
    and token responses are read as RFC 6749 says. An unknown provider, bad params, or params without a
    provider are a 400; discovery fails as at creation.

    Args:
        app_name (str):
        body (AppConfigurationUpdate):  Example: {'scopes': ['repo', 'read:user', 'read:org'],
            'authorize_params': {'allow_signup': 'false'}}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AppConfiguration | Problem
    """

    return (
        await asyncio_detailed(
            app_name=app_name,
            client=client,
            body=body,
        )
    ).parsed
