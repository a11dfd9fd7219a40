from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.problem import Problem
from ...models.revoke_tokens_result import RevokeTokensResult
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
        "method": "delete",
        "url": "/v2/auth/tokens",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | Problem | RevokeTokensResult | None:
    if response.status_code == 200:
        response_200 = RevokeTokensResult.from_dict(response.json())

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
) -> Response[HTTPValidationError | Problem | RevokeTokensResult]:
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
) -> Response[HTTPValidationError | Problem | RevokeTokensResult]:
    """Revoke and delete tokens

     Revokes each grant at the provider (RFC 7009, as `DELETE /v1/linked-accounts/{id}` does, bounded by
    `LINKVAULT_HTTP_TIMEOUT_SECONDS` each) and deletes the linked account whatever the provider
    answered. With `user_id`: that user's account of the provider. Without `user_id`: every account of
    the provider in the caller's project.

    Args:
        provider_id (str):
        user_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | Problem | RevokeTokensResult]
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
) -> HTTPValidationError | Problem | RevokeTokensResult | None:
    """Revoke and delete tokens

     Revokes each grant at the provider (RFC 7009, as `DELETE /v1/linked-accounts/{id}` does, bounded by
    `LINKVAULT_HTTP_TIMEOUT_SECONDS` each) and deletes the linked account whatever the provider
    answered. With `user_id`: that user's account of the provider. Without `user_id`: every account of
    the provider in the caller's project.

    Args:
        provider_id (str):
        user_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | Problem | RevokeTokensResult
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
) -> Response[HTTPValidationError | Problem | RevokeTokensResult]:
    """Revoke and delete tokens

     Revokes each grant at the provider (RFC 7009, as `DELETE /v1/linked-accounts/{id}` does, bounded by
    `LINKVAULT_HTTP_TIMEOUT_SECONDS` each) and deletes the linked account whatever the provider
    answered. With `user_id`: that user's account of the provider. Without `user_id`: every account of
    the provider in the caller's project.

    Args:
        provider_id (str):
        user_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | Problem | RevokeTokensResult]
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
) -> HTTPValidationError | Problem | RevokeTokensResult | None:
    """Revoke and delete tokens

     Revokes each grant at the provider (RFC 7009, as `DELETE /v1/linked-accounts/{id}` does, bounded by
    `LINKVAULT_HTTP_TIMEOUT_SECONDS` each) and deletes the linked account whatever the provider
    answered. With `user_id`: that user's account of the provider. Without `user_id`: every account of
    the provider in the caller's project.

    Args:
        provider_id (str):
        user_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | Problem | RevokeTokensResult
    """

    return (
        await asyncio_detailed(
            client=client,
            provider_id=provider_id,
            user_id=user_id,
        )
    ).parsed
