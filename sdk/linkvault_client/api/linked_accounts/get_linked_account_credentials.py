from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.api_key_credentials import ApiKeyCredentials
from ...models.http_basic_credentials import HttpBasicCredentials
from ...models.http_bearer_credentials import HttpBearerCredentials
from ...models.linked_account_credentials import LinkedAccountCredentials
from ...models.no_auth_credentials import NoAuthCredentials
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    linked_account_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/linked-accounts/{linked_account_id}/credentials".format(
            linked_account_id=quote(str(linked_account_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> (
    ApiKeyCredentials
    | HttpBasicCredentials
    | HttpBearerCredentials
    | LinkedAccountCredentials
    | NoAuthCredentials
    | Problem
    | None
):
    if response.status_code == 200:

        def _parse_response_200(
            data: object,
        ) -> (
            ApiKeyCredentials
            | HttpBasicCredentials
            | HttpBearerCredentials
            | LinkedAccountCredentials
            | NoAuthCredentials
        ):
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_linked_account_secret_type_0 = LinkedAccountCredentials.from_dict(data)

                return componentsschemas_linked_account_secret_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_linked_account_secret_type_1 = ApiKeyCredentials.from_dict(data)

                return componentsschemas_linked_account_secret_type_1
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_linked_account_secret_type_2 = HttpBasicCredentials.from_dict(data)

                return componentsschemas_linked_account_secret_type_2
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_linked_account_secret_type_3 = HttpBearerCredentials.from_dict(data)

                return componentsschemas_linked_account_secret_type_3
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            if not isinstance(data, dict):
                raise TypeError()
            componentsschemas_linked_account_secret_type_4 = NoAuthCredentials.from_dict(data)

            return componentsschemas_linked_account_secret_type_4

        response_200 = _parse_response_200(response.json())

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
) -> Response[
    ApiKeyCredentials
    | HttpBasicCredentials
    | HttpBearerCredentials
    | LinkedAccountCredentials
    | NoAuthCredentials
    | Problem
]:
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
) -> Response[
    ApiKeyCredentials
    | HttpBasicCredentials
    | HttpBearerCredentials
    | LinkedAccountCredentials
    | NoAuthCredentials
    | Problem
]:
    """Fresh credentials of a linked account

     The access token to call the provider with, refreshed first (RFC 6749 §6) when it expires within
    `LINKVAULT_REFRESH_LEEWAY_SECONDS` (capped at half the token's lifetime). Concurrent requests, on
    any number of replicas, cause one refresh at the provider. A token without expiry is answered as
    stored. The refresh token never leaves linkvault. Accounts of the other security schemes answer
    their secret as stored, in their scheme's shape (`security_scheme` says which); refreshing does not
    apply to them.

    Args:
        linked_account_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiKeyCredentials | HttpBasicCredentials | HttpBearerCredentials | LinkedAccountCredentials | NoAuthCredentials | Problem]
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
) -> (
    ApiKeyCredentials
    | HttpBasicCredentials
    | HttpBearerCredentials
    | LinkedAccountCredentials
    | NoAuthCredentials
    | Problem
    | None
):
    """Fresh credentials of a linked account

     The access token to call the provider with, refreshed first (RFC 6749 §6) when it expires within
    `LINKVAULT_REFRESH_LEEWAY_SECONDS` (capped at half the token's lifetime). Concurrent requests, on
    any number of replicas, cause one refresh at the provider. A token without expiry is answered as
    stored. The refresh token never leaves linkvault. Accounts of the other security schemes answer
    their secret as stored, in their scheme's shape (`security_scheme` says which); refreshing does not
    apply to them.

    Args:
        linked_account_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiKeyCredentials | HttpBasicCredentials | HttpBearerCredentials | LinkedAccountCredentials | NoAuthCredentials | Problem
    """

    return sync_detailed(
        linked_account_id=linked_account_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    linked_account_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[
    ApiKeyCredentials
    | HttpBasicCredentials
    | HttpBearerCredentials
    | LinkedAccountCredentials
    | NoAuthCredentials
    | Problem
]:
    """Fresh credentials of a linked account

     The access token to call the provider with, refreshed first (RFC 6749 §6) when it expires within
    `LINKVAULT_REFRESH_LEEWAY_SECONDS` (capped at half the token's lifetime). Concurrent requests, on
    any number of replicas, cause one refresh at the provider. A token without expiry is answered as
    stored. The refresh token never leaves linkvault. Accounts of the other security schemes answer
    their secret as stored, in their scheme's shape (`security_scheme` says which); refreshing does not
    apply to them.

    Args:
        linked_account_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ApiKeyCredentials | HttpBasicCredentials | HttpBearerCredentials | LinkedAccountCredentials | NoAuthCredentials | Problem]
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
) -> (
    ApiKeyCredentials
    | HttpBasicCredentials
    | HttpBearerCredentials
    | LinkedAccountCredentials
    | NoAuthCredentials
    | Problem
    | None
):
    """Fresh credentials of a linked account

     The access token to call the provider with, refreshed first (RFC 6749 §6) when it expires within
    `LINKVAULT_REFRESH_LEEWAY_SECONDS` (capped at half the token's lifetime). Concurrent requests, on
    any number of replicas, cause one refresh at the provider. A token without expiry is answered as
    stored. The refresh token never leaves linkvault. Accounts of the other security schemes answer
    their secret as stored, in their scheme's shape (`security_scheme` says which); refreshing does not
    apply to them.

    Args:
        linked_account_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ApiKeyCredentials | HttpBasicCredentials | HttpBearerCredentials | LinkedAccountCredentials | NoAuthCredentials | Problem
    """

    return (
        await asyncio_detailed(
            linked_account_id=linked_account_id,
            client=client,
        )
    ).parsed
