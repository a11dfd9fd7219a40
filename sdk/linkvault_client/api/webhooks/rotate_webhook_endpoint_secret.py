from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.webhook_secret_rotated import WebhookSecretRotated
from ...types import Response


def _get_kwargs(
    webhook_endpoint_id: UUID,
) -> dict[str, Any]:

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/webhook-endpoints/{webhook_endpoint_id}/rotate-secret".format(
            webhook_endpoint_id=quote(str(webhook_endpoint_id), safe=""),
        ),
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | WebhookSecretRotated | None:
    if response.status_code == 200:
        response_200 = WebhookSecretRotated.from_dict(response.json())

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
) -> Response[Problem | WebhookSecretRotated]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    webhook_endpoint_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[Problem | WebhookSecretRotated]:
    """Issue a new signing secret

     The new secret signs every delivery from now on. The secret it replaces keeps signing beside it for
    24 hours (`previous_secret_expires_at`): meanwhile `webhook-signature` carries both signatures,
    space-separated, as the Standard Webhooks specification allows, so receivers can switch at their own
    pace.

    Args:
        webhook_endpoint_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookSecretRotated]
    """

    kwargs = _get_kwargs(
        webhook_endpoint_id=webhook_endpoint_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    webhook_endpoint_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Problem | WebhookSecretRotated | None:
    """Issue a new signing secret

     The new secret signs every delivery from now on. The secret it replaces keeps signing beside it for
    24 hours (`previous_secret_expires_at`): meanwhile `webhook-signature` carries both signatures,
    space-separated, as the Standard Webhooks specification allows, so receivers can switch at their own
    pace.

    Args:
        webhook_endpoint_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WebhookSecretRotated
    """

    return sync_detailed(
        webhook_endpoint_id=webhook_endpoint_id,
        client=client,
    ).parsed


async def asyncio_detailed(
    webhook_endpoint_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Response[Problem | WebhookSecretRotated]:
    """Issue a new signing secret

     The new secret signs every delivery from now on. The secret it replaces keeps signing beside it for
    24 hours (`previous_secret_expires_at`): meanwhile `webhook-signature` carries both signatures,
    space-separated, as the Standard Webhooks specification allows, so receivers can switch at their own
    pace.

    Args:
        webhook_endpoint_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookSecretRotated]
    """

    kwargs = _get_kwargs(
        webhook_endpoint_id=webhook_endpoint_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    webhook_endpoint_id: UUID,
    *,
    client: AuthenticatedClient,
) -> Problem | WebhookSecretRotated | None:
    """Issue a new signing secret

     The new secret signs every delivery from now on. The secret it replaces keeps signing beside it for
    24 hours (`previous_secret_expires_at`): meanwhile `webhook-signature` carries both signatures,
    space-separated, as the Standard Webhooks specification allows, so receivers can switch at their own
    pace.

    Args:
        webhook_endpoint_id (UUID):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WebhookSecretRotated
    """

    return (
        await asyncio_detailed(
            webhook_endpoint_id=webhook_endpoint_id,
            client=client,
        )
    ).parsed
