from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.linked_account_deleted import LinkedAccountDeleted
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    linked_account_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "delete",
        "url": "/v1/linked-accounts/{linked_account_id}".format(
            linked_account_id=quote(str(linked_account_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> LinkedAccountDeleted | Problem | None:
    if response.status_code == 200:
        response_200 = LinkedAccountDeleted.from_dict(response.json())

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
) -> Response[LinkedAccountDeleted | Problem]:
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
) -> Response[LinkedAccountDeleted | Problem]:
    """Revoke at the provider, then delete a linked account and its stored credentials

     First revokes the grant at the provider (RFC 7009: the refresh token, else the access token, at the
    app's `revocation_url` or the discovered `revocation_endpoint`, with the app's client
    authentication), bounded by `LINKVAULT_HTTP_TIMEOUT_SECONDS`; then deletes the account whatever the
    provider answered. `revocation` says how revoking went: `revoked` (the provider answered 200),
    `failed` (an error, a timeout or another status) or `unsupported` (the app has no revocation
    endpoint).

    Args:
        linked_account_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LinkedAccountDeleted | Problem]
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
) -> LinkedAccountDeleted | Problem | None:
    """Revoke at the provider, then delete a linked account and its stored credentials

     First revokes the grant at the provider (RFC 7009: the refresh token, else the access token, at the
    app's `revocation_url` or the discovered `revocation_endpoint`, with the app's client
    authentication), bounded by `LINKVAULT_HTTP_TIMEOUT_SECONDS`; then deletes the account whatever the
    provider answered. `revocation` says how revoking went: `revoked` (the provider answered 200),
    `failed` (an error, a timeout or another status) or `unsupported` (the app has no revocation
    endpoint).

    Args:
        linked_account_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LinkedAccountDeleted | Problem
    """

    return sync_detailed(
        linked_account_id=linked_account_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    linked_account_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[LinkedAccountDeleted | Problem]:
    """Revoke at the provider, then delete a linked account and its stored credentials

     First revokes the grant at the provider (RFC 7009: the refresh token, else the access token, at the
    app's `revocation_url` or the discovered `revocation_endpoint`, with the app's client
    authentication), bounded by `LINKVAULT_HTTP_TIMEOUT_SECONDS`; then deletes the account whatever the
    provider answered. `revocation` says how revoking went: `revoked` (the provider answered 200),
    `failed` (an error, a timeout or another status) or `unsupported` (the app has no revocation
    endpoint).

    Args:
        linked_account_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LinkedAccountDeleted | Problem]
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
) -> LinkedAccountDeleted | Problem | None:
    """Revoke at the provider, then delete a linked account and its stored credentials

     First revokes the grant at the provider (RFC 7009: the refresh token, else the access token, at the
    app's `revocation_url` or the discovered `revocation_endpoint`, with the app's client
    authentication), bounded by `LINKVAULT_HTTP_TIMEOUT_SECONDS`; then deletes the account whatever the
    provider answered. `revocation` says how revoking went: `revoked` (the provider answered 200),
    `failed` (an error, a timeout or another status) or `unsupported` (the app has no revocation
    endpoint).

    Args:
        linked_account_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LinkedAccountDeleted | Problem
    """

    return (
        await asyncio_detailed(
            linked_account_id=linked_account_id,
            client=client,
        )
    ).parsed
