from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.auth_authenticate_request import AuthAuthenticateRequest
from ...models.auth_result import AuthResult
from ...models.http_validation_error import HTTPValidationError
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: AuthAuthenticateRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v2/auth/authenticate",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuthResult | HTTPValidationError | Problem | None:
    if response.status_code == 200:
        response_200 = AuthResult.from_dict(response.json())

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
) -> Response[AuthResult | HTTPValidationError | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: AuthAuthenticateRequest,
) -> Response[AuthResult | HTTPValidationError | Problem]:
    """Get a user's token, or a URL where the user grants it

     When the linked account of (`provider`, `user_id`) exists, is enabled and not `needs_reauth`, and
    its granted scopes cover `scopes`, answers `completed` with a fresh access token (refreshed first
    when due, single-flight like every refresh). Otherwise starts a link, as `GET /v1/linked-
    accounts/oauth2` does, for the app's configured scopes plus those granted plus those requested
    (incremental authorization) and answers `pending` with the authorization `url` and the `auth_id` to
    wait on. The link finishes through any callback face. `ls_user_id` and `agent_id` are accepted and
    not used.

    Args:
        body (AuthAuthenticateRequest):  Example: {'user_id': 'user-123', 'provider': 'github',
            'scopes': ['repo']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthResult | HTTPValidationError | Problem]
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
    body: AuthAuthenticateRequest,
) -> AuthResult | HTTPValidationError | Problem | None:
    """Get a user's token, or a URL where the user grants it

     When the linked account of (`provider`, `user_id`) exists, is enabled and not `needs_reauth`, and
    its granted scopes cover `scopes`, answers `completed` with a fresh access token (refreshed first
    when due, single-flight like every refresh). Otherwise starts a link, as `GET /v1/linked-
    accounts/oauth2` does, for the app's configured scopes plus those granted plus those requested
    (incremental authorization) and answers `pending` with the authorization `url` and the `auth_id` to
    wait on. The link finishes through any callback face. `ls_user_id` and `agent_id` are accepted and
    not used.

    Args:
        body (AuthAuthenticateRequest):  Example: {'user_id': 'user-123', 'provider': 'github',
            'scopes': ['repo']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthResult | HTTPValidationError | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: AuthAuthenticateRequest,
) -> Response[AuthResult | HTTPValidationError | Problem]:
    """Get a user's token, or a URL where the user grants it

     When the linked account of (`provider`, `user_id`) exists, is enabled and not `needs_reauth`, and
    its granted scopes cover `scopes`, answers `completed` with a fresh access token (refreshed first
    when due, single-flight like every refresh). Otherwise starts a link, as `GET /v1/linked-
    accounts/oauth2` does, for the app's configured scopes plus those granted plus those requested
    (incremental authorization) and answers `pending` with the authorization `url` and the `auth_id` to
    wait on. The link finishes through any callback face. `ls_user_id` and `agent_id` are accepted and
    not used.

    Args:
        body (AuthAuthenticateRequest):  Example: {'user_id': 'user-123', 'provider': 'github',
            'scopes': ['repo']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthResult | HTTPValidationError | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: AuthAuthenticateRequest,
) -> AuthResult | HTTPValidationError | Problem | None:
    """Get a user's token, or a URL where the user grants it

     When the linked account of (`provider`, `user_id`) exists, is enabled and not `needs_reauth`, and
    its granted scopes cover `scopes`, answers `completed` with a fresh access token (refreshed first
    when due, single-flight like every refresh). Otherwise starts a link, as `GET /v1/linked-
    accounts/oauth2` does, for the app's configured scopes plus those granted plus those requested
    (incremental authorization) and answers `pending` with the authorization `url` and the `auth_id` to
    wait on. The link finishes through any callback face. `ls_user_id` and `agent_id` are accepted and
    not used.

    Args:
        body (AuthAuthenticateRequest):  Example: {'user_id': 'user-123', 'provider': 'github',
            'scopes': ['repo']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthResult | HTTPValidationError | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
