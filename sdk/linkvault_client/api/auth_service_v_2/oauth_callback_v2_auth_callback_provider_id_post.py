from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.linked_account_public import LinkedAccountPublic
from ...models.o_auth_finalize_request import OAuthFinalizeRequest
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    provider_id: str,
    *,
    body: OAuthFinalizeRequest,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v2/auth/callback/{provider_id}".format(
            provider_id=quote(str(provider_id), safe=""),
        ),
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
) -> Response[HTTPValidationError | LinkedAccountPublic | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    provider_id: str,
    *,
    client: AuthenticatedClient,
    body: OAuthFinalizeRequest,
) -> Response[HTTPValidationError | LinkedAccountPublic | Problem]:
    """Oauth Callback

     Finish a frontend-bridged link: the application's frontend received the provider's redirect and
    posts its `code` and `state`. `provider_id` is the app name the link was started for.
    Where the provider sends `iss` (RFC 9207), the seed's body `{code, state}` is still accepted when
    the app configuration's `redirect_uri` is used by no other app configuration of the project: the
    provider can only have sent the user back to that URI, so `provider_id` binds the response to its
    provider (RFC 9700 §4.4.2.2, distinct redirect URIs). Where the redirect URI is shared, a body
    without `iss` is refused (400 `issuer_mismatch`); give each app configuration its own
    `redirect_uri`, or pass on the `iss` received. An `iss` that is sent is always checked.

    Args:
        provider_id (str):
        body (OAuthFinalizeRequest): Request model for frontend-bridged OAuth callback
            finalization.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | LinkedAccountPublic | Problem]
    """

    kwargs = _get_kwargs(
        provider_id=provider_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    provider_id: str,
    *,
    client: AuthenticatedClient,
    body: OAuthFinalizeRequest,
) -> HTTPValidationError | LinkedAccountPublic | Problem | None:
    """Oauth Callback

     Finish a frontend-bridged link: the application's frontend received the provider's redirect and
    posts its `code` and `state`. `provider_id` is the app name the link was started for.
    Where the provider sends `iss` (RFC 9207), the seed's body `{code, state}` is still accepted when
    the app configuration's `redirect_uri` is used by no other app configuration of the project: the
    provider can only have sent the user back to that URI, so `provider_id` binds the response to its
    provider (RFC 9700 §4.4.2.2, distinct redirect URIs). Where the redirect URI is shared, a body
    without `iss` is refused (400 `issuer_mismatch`); give each app configuration its own
    `redirect_uri`, or pass on the `iss` received. An `iss` that is sent is always checked.

    Args:
        provider_id (str):
        body (OAuthFinalizeRequest): Request model for frontend-bridged OAuth callback
            finalization.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | LinkedAccountPublic | Problem
    """

    return sync_detailed(
        provider_id=provider_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    provider_id: str,
    *,
    client: AuthenticatedClient,
    body: OAuthFinalizeRequest,
) -> Response[HTTPValidationError | LinkedAccountPublic | Problem]:
    """Oauth Callback

     Finish a frontend-bridged link: the application's frontend received the provider's redirect and
    posts its `code` and `state`. `provider_id` is the app name the link was started for.
    Where the provider sends `iss` (RFC 9207), the seed's body `{code, state}` is still accepted when
    the app configuration's `redirect_uri` is used by no other app configuration of the project: the
    provider can only have sent the user back to that URI, so `provider_id` binds the response to its
    provider (RFC 9700 §4.4.2.2, distinct redirect URIs). Where the redirect URI is shared, a body
    without `iss` is refused (400 `issuer_mismatch`); give each app configuration its own
    `redirect_uri`, or pass on the `iss` received. An `iss` that is sent is always checked.

    Args:
        provider_id (str):
        body (OAuthFinalizeRequest): Request model for frontend-bridged OAuth callback
            finalization.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | LinkedAccountPublic | Problem]
    """

    kwargs = _get_kwargs(
        provider_id=provider_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    provider_id: str,
    *,
    client: AuthenticatedClient,
    body: OAuthFinalizeRequest,
) -> HTTPValidationError | LinkedAccountPublic | Problem | None:
    """Oauth Callback

     Finish a frontend-bridged link: the application's frontend received the provider's redirect and
    posts its `code` and `state`. `provider_id` is the app name the link was started for.
    Where the provider sends `iss` (RFC 9207), the seed's body `{code, state}` is still accepted when
    the app configuration's `redirect_uri` is used by no other app configuration of the project: the
    provider can only have sent the user back to that URI, so `provider_id` binds the response to its
    provider (RFC 9700 §4.4.2.2, distinct redirect URIs). Where the redirect URI is shared, a body
    without `iss` is refused (400 `issuer_mismatch`); give each app configuration its own
    `redirect_uri`, or pass on the `iss` received. An `iss` that is sent is always checked.

    Args:
        provider_id (str):
        body (OAuthFinalizeRequest): Request model for frontend-bridged OAuth callback
            finalization.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | LinkedAccountPublic | Problem
    """

    return (
        await asyncio_detailed(
            provider_id=provider_id,
            client=client,
            body=body,
        )
    ).parsed
