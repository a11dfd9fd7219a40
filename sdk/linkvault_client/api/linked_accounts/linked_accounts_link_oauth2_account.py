from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.http_validation_error import HTTPValidationError
from ...models.link_started import LinkStarted
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    app_name: str,
    linked_account_owner_id: str,
    after_oauth2_link_redirect_url: None | str | Unset = UNSET,
    allow_account_switch: bool | Unset = False,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["app_name"] = app_name

    params["linked_account_owner_id"] = linked_account_owner_id

    json_after_oauth2_link_redirect_url: None | str | Unset
    if isinstance(after_oauth2_link_redirect_url, Unset):
        json_after_oauth2_link_redirect_url = UNSET
    else:
        json_after_oauth2_link_redirect_url = after_oauth2_link_redirect_url
    params["after_oauth2_link_redirect_url"] = json_after_oauth2_link_redirect_url

    params["allow_account_switch"] = allow_account_switch

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/linked-accounts/oauth2",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> HTTPValidationError | LinkStarted | Problem | None:
    if response.status_code == 200:
        response_200 = LinkStarted.from_dict(response.json())

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
) -> Response[HTTPValidationError | LinkStarted | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    app_name: str,
    linked_account_owner_id: str,
    after_oauth2_link_redirect_url: None | str | Unset = UNSET,
    allow_account_switch: bool | Unset = False,
) -> Response[HTTPValidationError | LinkStarted | Problem]:
    """Link Oauth2 Account

     Start an OAuth2 account linking process.
    It will return a redirect url (as a string, instead of RedirectResponse) to the OAuth2 provider's
    authorization endpoint.

    Args:
        app_name (str):
        linked_account_owner_id (str):
        after_oauth2_link_redirect_url (None | str | Unset):
        allow_account_switch (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | LinkStarted | Problem]
    """

    kwargs = _get_kwargs(
        app_name=app_name,
        linked_account_owner_id=linked_account_owner_id,
        after_oauth2_link_redirect_url=after_oauth2_link_redirect_url,
        allow_account_switch=allow_account_switch,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    app_name: str,
    linked_account_owner_id: str,
    after_oauth2_link_redirect_url: None | str | Unset = UNSET,
    allow_account_switch: bool | Unset = False,
) -> HTTPValidationError | LinkStarted | Problem | None:
    """Link Oauth2 Account

     Start an OAuth2 account linking process.
    It will return a redirect url (as a string, instead of RedirectResponse) to the OAuth2 provider's
    authorization endpoint.

    Args:
        app_name (str):
        linked_account_owner_id (str):
        after_oauth2_link_redirect_url (None | str | Unset):
        allow_account_switch (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | LinkStarted | Problem
    """

    return sync_detailed(
        client=client,
        app_name=app_name,
        linked_account_owner_id=linked_account_owner_id,
        after_oauth2_link_redirect_url=after_oauth2_link_redirect_url,
        allow_account_switch=allow_account_switch,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    app_name: str,
    linked_account_owner_id: str,
    after_oauth2_link_redirect_url: None | str | Unset = UNSET,
    allow_account_switch: bool | Unset = False,
) -> Response[HTTPValidationError | LinkStarted | Problem]:
    """Link Oauth2 Account

     Start an OAuth2 account linking process.
    It will return a redirect url (as a string, instead of RedirectResponse) to the OAuth2 provider's
    authorization endpoint.

    Args:
        app_name (str):
        linked_account_owner_id (str):
        after_oauth2_link_redirect_url (None | str | Unset):
        allow_account_switch (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[HTTPValidationError | LinkStarted | Problem]
    """

    kwargs = _get_kwargs(
        app_name=app_name,
        linked_account_owner_id=linked_account_owner_id,
        after_oauth2_link_redirect_url=after_oauth2_link_redirect_url,
        allow_account_switch=allow_account_switch,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    app_name: str,
    linked_account_owner_id: str,
    after_oauth2_link_redirect_url: None | str | Unset = UNSET,
    allow_account_switch: bool | Unset = False,
) -> HTTPValidationError | LinkStarted | Problem | None:
    """Link Oauth2 Account

     Start an OAuth2 account linking process.
    It will return a redirect url (as a string, instead of RedirectResponse) to the OAuth2 provider's
    authorization endpoint.

    Args:
        app_name (str):
        linked_account_owner_id (str):
        after_oauth2_link_redirect_url (None | str | Unset):
        allow_account_switch (bool | Unset):  Default: False.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        HTTPValidationError | LinkStarted | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            app_name=app_name,
            linked_account_owner_id=linked_account_owner_id,
            after_oauth2_link_redirect_url=after_oauth2_link_redirect_url,
            allow_account_switch=allow_account_switch,
        )
    ).parsed
