from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.webhook_endpoint_create import WebhookEndpointCreate
from ...models.webhook_endpoint_with_secret import WebhookEndpointWithSecret
from ...types import Response


def _get_kwargs(
    *,
    body: WebhookEndpointCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/webhook-endpoints",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | WebhookEndpointWithSecret | None:
    if response.status_code == 201:
        response_201 = WebhookEndpointWithSecret.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

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
) -> Response[Problem | WebhookEndpointWithSecret]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: WebhookEndpointCreate,
) -> Response[Problem | WebhookEndpointWithSecret]:
    """Create a webhook endpoint

     Events of the project are posted to `url`, signed by the Standard Webhooks specification (`webhook-
    id`, `webhook-timestamp`, `webhook-signature`). The signing `secret` (`whsec_...`) is in this answer
    only; linkvault keeps it encrypted. `url` must be `https://` (`http://` only for a loopback IP
    address such as `127.0.0.1`), and its host must not resolve to a link-local or cloud-metadata
    address, nor to a private or loopback one unless `LINKVAULT_WEBHOOKS_ALLOW_PRIVATE` is set (400
    `invalid_input` otherwise); the same check runs after DNS resolution at every delivery. Redirects
    are never followed.

    Args:
        body (WebhookEndpointCreate):  Example: {'url':
            'https://app.example.com/webhooks/linkvault', 'events': ['linked_account.needs_reauth',
            'linked_account.deleted']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookEndpointWithSecret]
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
    body: WebhookEndpointCreate,
) -> Problem | WebhookEndpointWithSecret | None:
    """Create a webhook endpoint

     Events of the project are posted to `url`, signed by the Standard Webhooks specification (`webhook-
    id`, `webhook-timestamp`, `webhook-signature`). The signing `secret` (`whsec_...`) is in this answer
    only; linkvault keeps it encrypted. `url` must be `https://` (`http://` only for a loopback IP
    address such as `127.0.0.1`), and its host must not resolve to a link-local or cloud-metadata
    address, nor to a private or loopback one unless `LINKVAULT_WEBHOOKS_ALLOW_PRIVATE` is set (400
    `invalid_input` otherwise); the same check runs after DNS resolution at every delivery. Redirects
    are never followed.

    Args:
        body (WebhookEndpointCreate):  Example: {'url':
            'https://app.example.com/webhooks/linkvault', 'events': ['linked_account.needs_reauth',
            'linked_account.deleted']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WebhookEndpointWithSecret
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: WebhookEndpointCreate,
) -> Response[Problem | WebhookEndpointWithSecret]:
    """Create a webhook endpoint

     Events of the project are posted to `url`, signed by the Standard Webhooks specification (`webhook-
    id`, `webhook-timestamp`, `webhook-signature`). The signing `secret` (`whsec_...`) is in this answer
    only; linkvault keeps it encrypted. `url` must be `https://` (`http://` only for a loopback IP
    address such as `127.0.0.1`), and its host must not resolve to a link-local or cloud-metadata
    address, nor to a private or loopback one unless `LINKVAULT_WEBHOOKS_ALLOW_PRIVATE` is set (400
    `invalid_input` otherwise); the same check runs after DNS resolution at every delivery. Redirects
    are never followed.

    Args:
        body (WebhookEndpointCreate):  Example: {'url':
            'https://app.example.com/webhooks/linkvault', 'events': ['linked_account.needs_reauth',
            'linked_account.deleted']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WebhookEndpointWithSecret]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: WebhookEndpointCreate,
) -> Problem | WebhookEndpointWithSecret | None:
    """Create a webhook endpoint

     Events of the project are posted to `url`, signed by the Standard Webhooks specification (`webhook-
    id`, `webhook-timestamp`, `webhook-signature`). The signing `secret` (`whsec_...`) is in this answer
    only; linkvault keeps it encrypted. `url` must be `https://` (`http://` only for a loopback IP
    address such as `127.0.0.1`), and its host must not resolve to a link-local or cloud-metadata
    address, nor to a private or loopback one unless `LINKVAULT_WEBHOOKS_ALLOW_PRIVATE` is set (400
    `invalid_input` otherwise); the same check runs after DNS resolution at every delivery. Redirects
    are never followed.

    Args:
        body (WebhookEndpointCreate):  Example: {'url':
            'https://app.example.com/webhooks/linkvault', 'events': ['linked_account.needs_reauth',
            'linked_account.deleted']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WebhookEndpointWithSecret
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
