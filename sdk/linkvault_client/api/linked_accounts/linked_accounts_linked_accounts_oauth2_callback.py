from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.linked_account_public import LinkedAccountPublic
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    code: str | Unset = UNSET,
    state: str | Unset = UNSET,
    error: str | Unset = UNSET,
    error_description: str | Unset = UNSET,
    iss: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["code"] = code

    params["state"] = state

    params["error"] = error

    params["error_description"] = error_description

    params["iss"] = iss

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/linked-accounts/oauth2/callback",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | LinkedAccountPublic | Problem | None:
    if response.status_code == 200:
        response_200 = LinkedAccountPublic.from_dict(response.json())

        return response_200

    if response.status_code == 302:
        response_302 = cast(Any, None)
        return response_302

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

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
) -> Response[Any | LinkedAccountPublic | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    code: str | Unset = UNSET,
    state: str | Unset = UNSET,
    error: str | Unset = UNSET,
    error_description: str | Unset = UNSET,
    iss: str | Unset = UNSET,
) -> Response[Any | LinkedAccountPublic | Problem]:
    """Linked Accounts Oauth2 Callback

     Callback endpoint for OAuth2 account linking.
    - A linked account (with necessary credentials from the OAuth2 provider) will be created in the
    database.
    The state authenticates this call; no API key is needed and no token is ever returned.

    When the link was started with `after_oauth2_link_redirect_url`, the user is sent there (302) once
    the state is validated, whatever the outcome: unchanged after a successful link; after a failure
    with `error` set to an RFC 6749 §4.1.2.1 code and `error_description` to the `code` the JSON answer
    would carry (the application's own query parameters are kept). An unknown, expired, used or
    malformed state, or a repeated response parameter, is never redirected (no open redirector, RFC 9700
    §4.11): it is answered here.

    A request that prefers `text/html` to `application/json` (a browser's `Accept`) and has no post-link
    redirect gets a small page in plain words instead of JSON: linked (the tab can be closed), or why
    not (access declined, link expired, already used, not valid, a service did not answer, failed), with
    the same status as the JSON answer.

    Args:
        code (str | Unset):
        state (str | Unset):
        error (str | Unset):
        error_description (str | Unset):
        iss (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | LinkedAccountPublic | Problem]
    """

    kwargs = _get_kwargs(
        code=code,
        state=state,
        error=error,
        error_description=error_description,
        iss=iss,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    code: str | Unset = UNSET,
    state: str | Unset = UNSET,
    error: str | Unset = UNSET,
    error_description: str | Unset = UNSET,
    iss: str | Unset = UNSET,
) -> Any | LinkedAccountPublic | Problem | None:
    """Linked Accounts Oauth2 Callback

     Callback endpoint for OAuth2 account linking.
    - A linked account (with necessary credentials from the OAuth2 provider) will be created in the
    database.
    The state authenticates this call; no API key is needed and no token is ever returned.

    When the link was started with `after_oauth2_link_redirect_url`, the user is sent there (302) once
    the state is validated, whatever the outcome: unchanged after a successful link; after a failure
    with `error` set to an RFC 6749 §4.1.2.1 code and `error_description` to the `code` the JSON answer
    would carry (the application's own query parameters are kept). An unknown, expired, used or
    malformed state, or a repeated response parameter, is never redirected (no open redirector, RFC 9700
    §4.11): it is answered here.

    A request that prefers `text/html` to `application/json` (a browser's `Accept`) and has no post-link
    redirect gets a small page in plain words instead of JSON: linked (the tab can be closed), or why
    not (access declined, link expired, already used, not valid, a service did not answer, failed), with
    the same status as the JSON answer.

    Args:
        code (str | Unset):
        state (str | Unset):
        error (str | Unset):
        error_description (str | Unset):
        iss (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | LinkedAccountPublic | Problem
    """

    return sync_detailed(
        client=client,
        code=code,
        state=state,
        error=error,
        error_description=error_description,
        iss=iss,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    code: str | Unset = UNSET,
    state: str | Unset = UNSET,
    error: str | Unset = UNSET,
    error_description: str | Unset = UNSET,
    iss: str | Unset = UNSET,
) -> Response[Any | LinkedAccountPublic | Problem]:
    """Linked Accounts Oauth2 Callback

     Callback endpoint for OAuth2 account linking.
    - A linked account (with necessary credentials from the OAuth2 provider) will be created in the
    database.
    The state authenticates this call; no API key is needed and no token is ever returned.

    When the link was started with `after_oauth2_link_redirect_url`, the user is sent there (302) once
    the state is validated, whatever the outcome: unchanged after a successful link; after a failure
    with `error` set to an RFC 6749 §4.1.2.1 code and `error_description` to the `code` the JSON answer
    would carry (the application's own query parameters are kept). An unknown, expired, used or
    malformed state, or a repeated response parameter, is never redirected (no open redirector, RFC 9700
    §4.11): it is answered here.

    A request that prefers `text/html` to `application/json` (a browser's `Accept`) and has no post-link
    redirect gets a small page in plain words instead of JSON: linked (the tab can be closed), or why
    not (access declined, link expired, already used, not valid, a service did not answer, failed), with
    the same status as the JSON answer.

    Args:
        code (str | Unset):
        state (str | Unset):
        error (str | Unset):
        error_description (str | Unset):
        iss (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | LinkedAccountPublic | Problem]
    """

    kwargs = _get_kwargs(
        code=code,
        state=state,
        error=error,
        error_description=error_description,
        iss=iss,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    code: str | Unset = UNSET,
    state: str | Unset = UNSET,
    error: str | Unset = UNSET,
    error_description: str | Unset = UNSET,
    iss: str | Unset = UNSET,
) -> Any | LinkedAccountPublic | Problem | None:
    """Linked Accounts Oauth2 Callback

     Callback endpoint for OAuth2 account linking.
    - A linked account (with necessary credentials from the OAuth2 provider) will be created in the
    database.
    The state authenticates this call; no API key is needed and no token is ever returned.

    When the link was started with `after_oauth2_link_redirect_url`, the user is sent there (302) once
    the state is validated, whatever the outcome: unchanged after a successful link; after a failure
    with `error` set to an RFC 6749 §4.1.2.1 code and `error_description` to the `code` the JSON answer
    would carry (the application's own query parameters are kept). An unknown, expired, used or
    malformed state, or a repeated response parameter, is never redirected (no open redirector, RFC 9700
    §4.11): it is answered here.

    A request that prefers `text/html` to `application/json` (a browser's `Accept`) and has no post-link
    redirect gets a small page in plain words instead of JSON: linked (the tab can be closed), or why
    not (access declined, link expired, already used, not valid, a service did not answer, failed), with
    the same status as the JSON answer.

    Args:
        code (str | Unset):
        state (str | Unset):
        error (str | Unset):
        error_description (str | Unset):
        iss (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | LinkedAccountPublic | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            code=code,
            state=state,
            error=error,
            error_description=error_description,
            iss=iss,
        )
    ).parsed
