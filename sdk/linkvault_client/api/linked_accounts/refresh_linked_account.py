from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.linked_account_credentials import LinkedAccountCredentials
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    linked_account_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/linked-accounts/{linked_account_id}/refresh".format(
            linked_account_id=quote(str(linked_account_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> LinkedAccountCredentials | Problem | None:
    if response.status_code == 200:
        response_200 = LinkedAccountCredentials.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 414:
        response_414 = Problem.from_dict(response.json())

        return response_414

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
) -> Response[LinkedAccountCredentials | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    linked_account_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[LinkedAccountCredentials | Problem]:
    """Refresh a linked account's access token now

     Forces a refresh (RFC 6749 §6), single-flight like every refresh, and answers the new credentials.
    409 `no_refresh_token` when the provider gave the account no refresh token, and for accounts of the
    non-OAuth2 schemes, which have none.

    Args:
        linked_account_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LinkedAccountCredentials | Problem]
    """

    kwargs = _get_kwargs(
        linked_account_id=linked_account_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    linked_account_id: UUID,
    *,
    client: AuthenticatedClient,
) -> LinkedAccountCredentials | Problem | None:
    """Refresh a linked account's access token now

     Forces a refresh (RFC 6749 §6), single-flight like every refresh, and answers the new credentials.
    409 `no_refresh_token` when the provider gave the account no refresh token, and for accounts of the
    non-OAuth2 schemes, which have none.

    Args:
        linked_account_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LinkedAccountCredentials | Problem
    """

    return sync_detailed(
        linked_account_id=linked_account_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    linked_account_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[LinkedAccountCredentials | Problem]:
    """Refresh a linked account's access token now

     Forces a refresh (RFC 6749 §6), single-flight like every refresh, and answers the new credentials.
    409 `no_refresh_token` when the provider gave the account no refresh token, and for accounts of the
    non-OAuth2 schemes, which have none.

    Args:
        linked_account_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LinkedAccountCredentials | Problem]
    """

    kwargs = _get_kwargs(
        linked_account_id=linked_account_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    linked_account_id: UUID,
    *,
    client: AuthenticatedClient,
) -> LinkedAccountCredentials | Problem | None:
    """Refresh a linked account's access token now

     Forces a refresh (RFC 6749 §6), single-flight like every refresh, and answers the new credentials.
    409 `no_refresh_token` when the provider gave the account no refresh token, and for accounts of the
    non-OAuth2 schemes, which have none.

    Args:
        linked_account_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LinkedAccountCredentials | Problem
    """

    return (
        await asyncio_detailed(
            linked_account_id=linked_account_id,
            client=client,
        )
    ).parsed
