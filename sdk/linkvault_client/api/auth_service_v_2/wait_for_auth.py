from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.auth_wait_result import AuthWaitResult
from ...models.http_validation_error import HTTPValidationError
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    auth_id: str,
    *,
    timeout: int | Unset = 300,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["timeout"] = timeout

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v2/auth/wait/{auth_id}".format(
            auth_id=quote(str(auth_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AuthWaitResult | HTTPValidationError | Problem | None:
    if response.status_code == 200:
        response_200 = AuthWaitResult.from_dict(response.json())

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
) -> Response[AuthWaitResult | HTTPValidationError | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    auth_id: str,
    *,
    client: AuthenticatedClient,
    timeout: int | Unset = 300,
) -> Response[AuthWaitResult | HTTPValidationError | Problem]:
    """Wait for a started link to finish

     Answers as soon as the link of `auth_id` (from `authenticate`) finishes: `completed` with a fresh
    access token, or `failed` when the callback refused it (denied, invalid code, ...). Answers
    `timeout` after `timeout` seconds, capped at `LINKVAULT_AUTH_WAIT_MAX_SECONDS`, and `not_found` for
    an id unknown in the caller's project or whose link expired unfinished. The server looks at the
    database every 0.5 s and holds no connection or lock in between, so a link finished on any replica
    is seen within about 0.5 s. Each process serves at most `LINKVAULT_AUTH_MAX_WAITERS` waits at once;
    beyond that it answers 503 (`too_many_waiters`, with `Retry-After`).

    Args:
        auth_id (str):
        timeout (int | Unset):  Default: 300.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthWaitResult | HTTPValidationError | Problem]
    """

    kwargs = _get_kwargs(
        auth_id=auth_id,
        timeout=timeout,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    auth_id: str,
    *,
    client: AuthenticatedClient,
    timeout: int | Unset = 300,
) -> AuthWaitResult | HTTPValidationError | Problem | None:
    """Wait for a started link to finish

     Answers as soon as the link of `auth_id` (from `authenticate`) finishes: `completed` with a fresh
    access token, or `failed` when the callback refused it (denied, invalid code, ...). Answers
    `timeout` after `timeout` seconds, capped at `LINKVAULT_AUTH_WAIT_MAX_SECONDS`, and `not_found` for
    an id unknown in the caller's project or whose link expired unfinished. The server looks at the
    database every 0.5 s and holds no connection or lock in between, so a link finished on any replica
    is seen within about 0.5 s. Each process serves at most `LINKVAULT_AUTH_MAX_WAITERS` waits at once;
    beyond that it answers 503 (`too_many_waiters`, with `Retry-After`).

    Args:
        auth_id (str):
        timeout (int | Unset):  Default: 300.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthWaitResult | HTTPValidationError | Problem
    """

    return sync_detailed(
        auth_id=auth_id,
        client=client,
        timeout=timeout,
    ).parsed


async def asyncio_detailed(
    auth_id: str,
    *,
    client: AuthenticatedClient,
    timeout: int | Unset = 300,
) -> Response[AuthWaitResult | HTTPValidationError | Problem]:
    """Wait for a started link to finish

     Answers as soon as the link of `auth_id` (from `authenticate`) finishes: `completed` with a fresh
    access token, or `failed` when the callback refused it (denied, invalid code, ...). Answers
    `timeout` after `timeout` seconds, capped at `LINKVAULT_AUTH_WAIT_MAX_SECONDS`, and `not_found` for
    an id unknown in the caller's project or whose link expired unfinished. The server looks at the
    database every 0.5 s and holds no connection or lock in between, so a link finished on any replica
    is seen within about 0.5 s. Each process serves at most `LINKVAULT_AUTH_MAX_WAITERS` waits at once;
    beyond that it answers 503 (`too_many_waiters`, with `Retry-After`).

    Args:
        auth_id (str):
        timeout (int | Unset):  Default: 300.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AuthWaitResult | HTTPValidationError | Problem]
    """

    kwargs = _get_kwargs(
        auth_id=auth_id,
        timeout=timeout,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    auth_id: str,
    *,
    client: AuthenticatedClient,
    timeout: int | Unset = 300,
) -> AuthWaitResult | HTTPValidationError | Problem | None:
    """Wait for a started link to finish

     Answers as soon as the link of `auth_id` (from `authenticate`) finishes: `completed` with a fresh
    access token, or `failed` when the callback refused it (denied, invalid code, ...). Answers
    `timeout` after `timeout` seconds, capped at `LINKVAULT_AUTH_WAIT_MAX_SECONDS`, and `not_found` for
    an id unknown in the caller's project or whose link expired unfinished. The server looks at the
    database every 0.5 s and holds no connection or lock in between, so a link finished on any replica
    is seen within about 0.5 s. Each process serves at most `LINKVAULT_AUTH_MAX_WAITERS` waits at once;
    beyond that it answers 503 (`too_many_waiters`, with `Retry-After`).

    Args:
        auth_id (str):
        timeout (int | Unset):  Default: 300.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AuthWaitResult | HTTPValidationError | Problem
    """

    return (
        await asyncio_detailed(
            auth_id=auth_id,
            client=client,
            timeout=timeout,
        )
    ).parsed
