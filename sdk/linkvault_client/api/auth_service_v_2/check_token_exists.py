from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.o_auth_token_status import OAuthTokenStatus
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    provider_id: str,
    user_id: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["provider_id"] = provider_id

    params["user_id"] = user_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v2/auth/tokens/exists",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | OAuthTokenStatus | Problem | None:
    if response.status_code == 200:
        response_200 = OAuthTokenStatus.from_dict(response.json())

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

    if response.status_code == 414:
        response_414 = Problem.from_dict(response.json())

        return response_414

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
) -> Response[HTTPValidationError | OAuthTokenStatus | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    provider_id: str,
    user_id: str | Unset = UNSET,
) -> Response[HTTPValidationError | OAuthTokenStatus | Problem]:
    """Whether a usable token exists

     With `user_id`: whether that user's linked account of the provider exists, is enabled and is not
    `needs_reauth`. Without `user_id`: whether any user of the caller's project has such an account of
    the provider (linkvault has no user behind an API key; the project is the scope).

    Args:
        provider_id (str):
        user_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | OAuthTokenStatus | Problem]
    """

    kwargs = _get_kwargs(
        provider_id=provider_id,
        user_id=user_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    provider_id: str,
    user_id: str | Unset = UNSET,
) -> HTTPValidationError | OAuthTokenStatus | Problem | None:
    """Whether a usable token exists

     With `user_id`: whether that user's linked account of the provider exists, is enabled and is not
    `needs_reauth`. Without `user_id`: whether any user of the caller's project has such an account of
    the provider (linkvault has no user behind an API key; the project is the scope).

    Args:
        provider_id (str):
        user_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | OAuthTokenStatus | Problem
    """

    return sync_detailed(
        client=client,
        provider_id=provider_id,
        user_id=user_id,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    provider_id: str,
    user_id: str | Unset = UNSET,
) -> Response[HTTPValidationError | OAuthTokenStatus | Problem]:
    """Whether a usable token exists

     With `user_id`: whether that user's linked account of the provider exists, is enabled and is not
    `needs_reauth`. Without `user_id`: whether any user of the caller's project has such an account of
    the provider (linkvault has no user behind an API key; the project is the scope).

    Args:
        provider_id (str):
        user_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | OAuthTokenStatus | Problem]
    """

    kwargs = _get_kwargs(
        provider_id=provider_id,
        user_id=user_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    provider_id: str,
    user_id: str | Unset = UNSET,
) -> HTTPValidationError | OAuthTokenStatus | Problem | None:
    """Whether a usable token exists

     With `user_id`: whether that user's linked account of the provider exists, is enabled and is not
    `needs_reauth`. Without `user_id`: whether any user of the caller's project has such an account of
    the provider (linkvault has no user behind an API key; the project is the scope).

    Args:
        provider_id (str):
        user_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | OAuthTokenStatus | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            provider_id=provider_id,
            user_id=user_id,
        )
    ).parsed
