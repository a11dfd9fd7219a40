from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.linked_account_no_auth_create import LinkedAccountNoAuthCreate
from ...models.linked_account_public import LinkedAccountPublic
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: LinkedAccountNoAuthCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/linked-accounts/no-auth",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | LinkedAccountPublic | Problem | None:
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
) -> Response[HTTPValidationError | LinkedAccountPublic | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: LinkedAccountNoAuthCreate,
) -> Response[HTTPValidationError | LinkedAccountPublic | Problem]:
    """Link a no-auth account

     Creates the account of (`app_name`, `linked_account_owner_id`), or replaces its secret and enables
    it again when it exists. The app's `security_scheme` must be `no_auth` (else 422). The secret is
    stored encrypted, never listed, and given out only by `GET /v1/linked-
    accounts/{linked_account_id}/credentials`.

    Args:
        body (LinkedAccountNoAuthCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | LinkedAccountPublic | Problem]
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
    body: LinkedAccountNoAuthCreate,
) -> HTTPValidationError | LinkedAccountPublic | Problem | None:
    """Link a no-auth account

     Creates the account of (`app_name`, `linked_account_owner_id`), or replaces its secret and enables
    it again when it exists. The app's `security_scheme` must be `no_auth` (else 422). The secret is
    stored encrypted, never listed, and given out only by `GET /v1/linked-
    accounts/{linked_account_id}/credentials`.

    Args:
        body (LinkedAccountNoAuthCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | LinkedAccountPublic | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: LinkedAccountNoAuthCreate,
) -> Response[HTTPValidationError | LinkedAccountPublic | Problem]:
    """Link a no-auth account

     Creates the account of (`app_name`, `linked_account_owner_id`), or replaces its secret and enables
    it again when it exists. The app's `security_scheme` must be `no_auth` (else 422). The secret is
    stored encrypted, never listed, and given out only by `GET /v1/linked-
    accounts/{linked_account_id}/credentials`.

    Args:
        body (LinkedAccountNoAuthCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | LinkedAccountPublic | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: LinkedAccountNoAuthCreate,
) -> HTTPValidationError | LinkedAccountPublic | Problem | None:
    """Link a no-auth account

     Creates the account of (`app_name`, `linked_account_owner_id`), or replaces its secret and enables
    it again when it exists. The app's `security_scheme` must be `no_auth` (else 422). The secret is
    stored encrypted, never listed, and given out only by `GET /v1/linked-
    accounts/{linked_account_id}/credentials`.

    Args:
        body (LinkedAccountNoAuthCreate):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | LinkedAccountPublic | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
