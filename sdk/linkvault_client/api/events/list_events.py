from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.event import Event
from ...models.event_type import EventType
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    event_type: EventType | Unset = UNSET,
    linked_account_id: UUID | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_event_type: str | Unset = UNSET
    if not isinstance(event_type, Unset):
        json_event_type = event_type.value

    params["event_type"] = json_event_type

    json_linked_account_id: str | Unset = UNSET
    if not isinstance(linked_account_id, Unset):
        json_linked_account_id = str(linked_account_id)
    params["linked_account_id"] = json_linked_account_id

    params["limit"] = limit

    params["cursor"] = cursor

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/events",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | list[Event] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = Event.from_dict(response_200_item_data)

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
) -> Response[Problem | list[Event]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    event_type: EventType | Unset = UNSET,
    linked_account_id: UUID | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
) -> Response[Problem | list[Event]]:
    """List the project's events

     The same events webhooks deliver, oldest first, for applications that prefer to pull; each one's
    `id` is the `webhook-id` of its deliveries. Pings are not in the stream.

    Args:
        event_type (EventType | Unset): `linked_account.created` (a first link), `.reauthorized`
            (a re-link of an existing account), `.refreshed` (opt-in: delivered only to endpoints
            whose `events` names it), `.needs_reauth` (`reason`: `invalid_grant` or
            `no_refresh_token`), `.recovered` (back to `active` by a re-link), `.disabled`,
            `.enabled`, `.deleted` (`revocation`: how revoking at the provider went), and
            `link.failed` (a used-up state that did not become an account; `reason` is linkvault's
            error code, never provider text).
        linked_account_id (UUID | Unset):
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[Event]]
    """

    kwargs = _get_kwargs(
        event_type=event_type,
        linked_account_id=linked_account_id,
        limit=limit,
        cursor=cursor,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    event_type: EventType | Unset = UNSET,
    linked_account_id: UUID | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
) -> Problem | list[Event] | None:
    """List the project's events

     The same events webhooks deliver, oldest first, for applications that prefer to pull; each one's
    `id` is the `webhook-id` of its deliveries. Pings are not in the stream.

    Args:
        event_type (EventType | Unset): `linked_account.created` (a first link), `.reauthorized`
            (a re-link of an existing account), `.refreshed` (opt-in: delivered only to endpoints
            whose `events` names it), `.needs_reauth` (`reason`: `invalid_grant` or
            `no_refresh_token`), `.recovered` (back to `active` by a re-link), `.disabled`,
            `.enabled`, `.deleted` (`revocation`: how revoking at the provider went), and
            `link.failed` (a used-up state that did not become an account; `reason` is linkvault's
            error code, never provider text).
        linked_account_id (UUID | Unset):
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[Event]
    """

    return sync_detailed(
        client=client,
        event_type=event_type,
        linked_account_id=linked_account_id,
        limit=limit,
        cursor=cursor,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    event_type: EventType | Unset = UNSET,
    linked_account_id: UUID | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
) -> Response[Problem | list[Event]]:
    """List the project's events

     The same events webhooks deliver, oldest first, for applications that prefer to pull; each one's
    `id` is the `webhook-id` of its deliveries. Pings are not in the stream.

    Args:
        event_type (EventType | Unset): `linked_account.created` (a first link), `.reauthorized`
            (a re-link of an existing account), `.refreshed` (opt-in: delivered only to endpoints
            whose `events` names it), `.needs_reauth` (`reason`: `invalid_grant` or
            `no_refresh_token`), `.recovered` (back to `active` by a re-link), `.disabled`,
            `.enabled`, `.deleted` (`revocation`: how revoking at the provider went), and
            `link.failed` (a used-up state that did not become an account; `reason` is linkvault's
            error code, never provider text).
        linked_account_id (UUID | Unset):
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[Event]]
    """

    kwargs = _get_kwargs(
        event_type=event_type,
        linked_account_id=linked_account_id,
        limit=limit,
        cursor=cursor,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    event_type: EventType | Unset = UNSET,
    linked_account_id: UUID | Unset = UNSET,
    limit: int | Unset = 50,
    cursor: str | Unset = UNSET,
) -> Problem | list[Event] | None:
    """List the project's events

     The same events webhooks deliver, oldest first, for applications that prefer to pull; each one's
    `id` is the `webhook-id` of its deliveries. Pings are not in the stream.

    Args:
        event_type (EventType | Unset): `linked_account.created` (a first link), `.reauthorized`
            (a re-link of an existing account), `.refreshed` (opt-in: delivered only to endpoints
            whose `events` names it), `.needs_reauth` (`reason`: `invalid_grant` or
            `no_refresh_token`), `.recovered` (back to `active` by a re-link), `.disabled`,
            `.enabled`, `.deleted` (`revocation`: how revoking at the provider went), and
            `link.failed` (a used-up state that did not become an account; `reason` is linkvault's
            error code, never provider text).
        linked_account_id (UUID | Unset):
        limit (int | Unset):  Default: 50.
        cursor (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[Event]
    """

    return (
        await asyncio_detailed(
            client=client,
            event_type=event_type,
            linked_account_id=linked_account_id,
            limit=limit,
            cursor=cursor,
        )
    ).parsed
