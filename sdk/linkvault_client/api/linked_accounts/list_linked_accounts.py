from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.linked_account_public import LinkedAccountPublic
from ...models.linked_account_status import LinkedAccountStatus
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    app_name: str | Unset = UNSET,
    linked_account_owner_id: str | Unset = UNSET,
    limit: int | Unset = 50,
    status: LinkedAccountStatus | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["app_name"] = app_name

    params["linked_account_owner_id"] = linked_account_owner_id

    params["limit"] = limit

    json_status: str | Unset = UNSET
    if not isinstance(status, Unset):
        json_status = status.value

    params["status"] = json_status

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/linked-accounts",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | list[LinkedAccountPublic] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = LinkedAccountPublic.from_dict(response_200_item_data)

            response_200.append(response_200_item)

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

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
) -> Response[Problem | list[LinkedAccountPublic]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    app_name: str | Unset = UNSET,
    linked_account_owner_id: str | Unset = UNSET,
    limit: int | Unset = 50,
    status: LinkedAccountStatus | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[Problem | list[LinkedAccountPublic]]:
    """List linked accounts

    Args:
        app_name (str | Unset):
        linked_account_owner_id (str | Unset):
        limit (int | Unset):  Default: 50.
        status (LinkedAccountStatus | Unset): `active`: credentials are handed out.
            `needs_reauth`: the refresh token is dead (`invalid_grant`) or an expired token has none;
            link the same owner again to recover. `disabled`: switched off with PATCH; no credentials
            until enabled, or linked again (a completed link enables the account).
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[LinkedAccountPublic]]
    """

    kwargs = _get_kwargs(
        app_name=app_name,
        linked_account_owner_id=linked_account_owner_id,
        limit=limit,
        status=status,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    app_name: str | Unset = UNSET,
    linked_account_owner_id: str | Unset = UNSET,
    limit: int | Unset = 50,
    status: LinkedAccountStatus | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Problem | list[LinkedAccountPublic] | None:
    """List linked accounts

    Args:
        app_name (str | Unset):
        linked_account_owner_id (str | Unset):
        limit (int | Unset):  Default: 50.
        status (LinkedAccountStatus | Unset): `active`: credentials are handed out.
            `needs_reauth`: the refresh token is dead (`invalid_grant`) or an expired token has none;
            link the same owner again to recover. `disabled`: switched off with PATCH; no credentials
            until enabled, or linked again (a completed link enables the account).
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[LinkedAccountPublic]
    """

    return sync_detailed(
        client=client,
        app_name=app_name,
        linked_account_owner_id=linked_account_owner_id,
        limit=limit,
        status=status,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    app_name: str | Unset = UNSET,
    linked_account_owner_id: str | Unset = UNSET,
    limit: int | Unset = 50,
    status: LinkedAccountStatus | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Response[Problem | list[LinkedAccountPublic]]:
    """List linked accounts

    Args:
        app_name (str | Unset):
        linked_account_owner_id (str | Unset):
        limit (int | Unset):  Default: 50.
        status (LinkedAccountStatus | Unset): `active`: credentials are handed out.
            `needs_reauth`: the refresh token is dead (`invalid_grant`) or an expired token has none;
            link the same owner again to recover. `disabled`: switched off with PATCH; no credentials
            until enabled, or linked again (a completed link enables the account).
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[LinkedAccountPublic]]
    """

    kwargs = _get_kwargs(
        app_name=app_name,
        linked_account_owner_id=linked_account_owner_id,
        limit=limit,
        status=status,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    app_name: str | Unset = UNSET,
    linked_account_owner_id: str | Unset = UNSET,
    limit: int | Unset = 50,
    status: LinkedAccountStatus | Unset = UNSET,
    cursor: str | Unset = UNSET,
) -> Problem | list[LinkedAccountPublic] | None:
    """List linked accounts

    Args:
        app_name (str | Unset):
        linked_account_owner_id (str | Unset):
        limit (int | Unset):  Default: 50.
        status (LinkedAccountStatus | Unset): `active`: credentials are handed out.
            `needs_reauth`: the refresh token is dead (`invalid_grant`) or an expired token has none;
            link the same owner again to recover. `disabled`: switched off with PATCH; no credentials
            until enabled, or linked again (a completed link enables the account).
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[LinkedAccountPublic]
    """

    return (
        await asyncio_detailed(
            client=client,
            app_name=app_name,
            linked_account_owner_id=linked_account_owner_id,
            limit=limit,
            status=status,
            cursor=cursor,
        )
    ).parsed
