from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.linked_account_public import LinkedAccountPublic
from ...models.linked_account_update import LinkedAccountUpdate
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    linked_account_id: UUID,
    *,
    body: LinkedAccountUpdate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/linked-accounts/{linked_account_id}".format(
            linked_account_id=quote(str(linked_account_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> LinkedAccountPublic | Problem | None:
    if response.status_code == 200:
        response_200 = LinkedAccountPublic.from_dict(response.json())

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

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[LinkedAccountPublic | Problem]:
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
    body: LinkedAccountUpdate,
) -> Response[LinkedAccountPublic | Problem]:
    """Enable or disable a linked account

     A disabled account keeps its credentials but gives none out (409 `account_disabled`) and is never
    refreshed; enabling it again restores the status it had.

    Args:
        linked_account_id (UUID):
        body (LinkedAccountUpdate):  Example: {'enabled': False}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LinkedAccountPublic | Problem]
    """

    kwargs = _get_kwargs(
        linked_account_id=linked_account_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    linked_account_id: UUID,
    *,
    client: AuthenticatedClient,
    body: LinkedAccountUpdate,
) -> LinkedAccountPublic | Problem | None:
    """Enable or disable a linked account

     A disabled account keeps its credentials but gives none out (409 `account_disabled`) and is never
    refreshed; enabling it again restores the status it had.

    Args:
        linked_account_id (UUID):
        body (LinkedAccountUpdate):  Example: {'enabled': False}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LinkedAccountPublic | Problem
    """

    return sync_detailed(
        linked_account_id=linked_account_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    linked_account_id: UUID,
    *,
    client: AuthenticatedClient,
    body: LinkedAccountUpdate,
) -> Response[LinkedAccountPublic | Problem]:
    """Enable or disable a linked account

     A disabled account keeps its credentials but gives none out (409 `account_disabled`) and is never
    refreshed; enabling it again restores the status it had.

    Args:
        linked_account_id (UUID):
        body (LinkedAccountUpdate):  Example: {'enabled': False}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[LinkedAccountPublic | Problem]
    """

    kwargs = _get_kwargs(
        linked_account_id=linked_account_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    linked_account_id: UUID,
    *,
    client: AuthenticatedClient,
    body: LinkedAccountUpdate,
) -> LinkedAccountPublic | Problem | None:
    """Enable or disable a linked account

     A disabled account keeps its credentials but gives none out (409 `account_disabled`) and is never
    refreshed; enabling it again restores the status it had.

    Args:
        linked_account_id (UUID):
        body (LinkedAccountUpdate):  Example: {'enabled': False}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        LinkedAccountPublic | Problem
    """

    return (
        await asyncio_detailed(
            linked_account_id=linked_account_id,
            client=client,
            body=body,
        )
    ).parsed
