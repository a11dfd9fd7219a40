from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.o_auth_provider import OAuthProvider
from ...models.o_auth_provider_create import OAuthProviderCreate
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: OAuthProviderCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v2/auth/providers",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | OAuthProvider | Problem | None:
    if response.status_code == 200:
        response_200 = OAuthProvider.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 414:
        response_414 = Problem.from_dict(response.json())

        return response_414

    if response.status_code == 415:
        response_415 = Problem.from_dict(response.json())

        return response_415

    if response.status_code == 422:
        response_422 = HTTPValidationError.from_dict(response.json())

        return response_422

    if response.status_code == 431:
        response_431 = Problem.from_dict(response.json())

        return response_431

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[HTTPValidationError | OAuthProvider | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: OAuthProviderCreate,
) -> Response[HTTPValidationError | OAuthProvider | Problem]:
    """Create an OAuth provider

     LangSmith's provider is a linkvault app configuration whose `app_name` is the `provider_id` (the
    `app-configurations` operations see the same object). linkvault always sends PKCE with `S256` (RFC
    7636; a provider without PKCE support ignores it), so `uses_pkce` is answered `true` whatever was
    sent. The secret is stored encrypted and never answered. Answers 200, as LangSmith does.

    Args:
        body (OAuthProviderCreate):  Example: {'provider_id': 'github', 'name': 'GitHub',
            'client_id': 'Iv1.8a61f9b3a7aba766', 'client_secret': 'example-client-secret', 'auth_url':
            'https://github.com/login/oauth/authorize', 'token_url':
            'https://github.com/login/oauth/access_token'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | OAuthProvider | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    body: OAuthProviderCreate,
) -> HTTPValidationError | OAuthProvider | Problem | None:
    """Create an OAuth provider

     LangSmith's provider is a linkvault app configuration whose `app_name` is the `provider_id` (the
    `app-configurations` operations see the same object). linkvault always sends PKCE with `S256` (RFC
    7636; a provider without PKCE support ignores it), so `uses_pkce` is answered `true` whatever was
    sent. The secret is stored encrypted and never answered. Answers 200, as LangSmith does.

    Args:
        body (OAuthProviderCreate):  Example: {'provider_id': 'github', 'name': 'GitHub',
            'client_id': 'Iv1.8a61f9b3a7aba766', 'client_secret': 'example-client-secret', 'auth_url':
            'https://github.com/login/oauth/authorize', 'token_url':
            'https://github.com/login/oauth/access_token'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | OAuthProvider | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: OAuthProviderCreate,
) -> Response[HTTPValidationError | OAuthProvider | Problem]:
    """Create an OAuth provider

     LangSmith's provider is a linkvault app configuration whose `app_name` is the `provider_id` (the
    `app-configurations` operations see the same object). linkvault always sends PKCE with `S256` (RFC
    7636; a provider without PKCE support ignores it), so `uses_pkce` is answered `true` whatever was
    sent. The secret is stored encrypted and never answered. Answers 200, as LangSmith does.

    Args:
        body (OAuthProviderCreate):  Example: {'provider_id': 'github', 'name': 'GitHub',
            'client_id': 'Iv1.8a61f9b3a7aba766', 'client_secret': 'example-client-secret', 'auth_url':
            'https://github.com/login/oauth/authorize', 'token_url':
            'https://github.com/login/oauth/access_token'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | OAuthProvider | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: OAuthProviderCreate,
) -> HTTPValidationError | OAuthProvider | Problem | None:
    """Create an OAuth provider

     LangSmith's provider is a linkvault app configuration whose `app_name` is the `provider_id` (the
    `app-configurations` operations see the same object). linkvault always sends PKCE with `S256` (RFC
    7636; a provider without PKCE support ignores it), so `uses_pkce` is answered `true` whatever was
    sent. The secret is stored encrypted and never answered. Answers 200, as LangSmith does.

    Args:
        body (OAuthProviderCreate):  Example: {'provider_id': 'github', 'name': 'GitHub',
            'client_id': 'Iv1.8a61f9b3a7aba766', 'client_secret': 'example-client-secret', 'auth_url':
            'https://github.com/login/oauth/authorize', 'token_url':
            'https://github.com/login/oauth/access_token'}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | OAuthProvider | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
