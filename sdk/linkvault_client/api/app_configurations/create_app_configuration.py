from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.app_configuration import AppConfiguration
from ...models.app_configuration_create import AppConfigurationCreate
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    *,
    body: AppConfigurationCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/app-configurations",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> AppConfiguration | Problem | None:
    if response.status_code == 201:
        response_201 = AppConfiguration.from_dict(response.json())

        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

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
) -> Response[AppConfiguration | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: AppConfigurationCreate,
) -> Response[AppConfiguration | Problem]:
    """Create an app configuration

     For `oauth2` (the default `security_scheme`), give `client_id` and either `issuer` (linkvault reads
    RFC 8414 or OpenID Connect discovery metadata from it and fills the endpoints), both `authorize_url`
    and `token_url`, or a catalog `provider` (with `provider_params` for its templated URL parts). With
    `provider`, each of `authorize_url`, `token_url`, `revocation_url`, `scopes`, `authorize_params` and
    `token_endpoint_auth_method` left out is the catalog's; one given replaces the catalog's whole; an
    `issuer` given is discovered instead of the catalog's endpoints. A catalog entry with an `issuer`
    (its templated parts filled from `provider_params`) is discovered as if that `issuer` had been
    given: the endpoints, `jwks_uri` (ID tokens are validated) and RFC 9207 `iss` support come from its
    metadata, and `revocation_url` is the one given, else the metadata's, else the catalog's. An
    `authorize_url` or `token_url` given skips that discovery (the other endpoints are the catalog's;
    nothing is fetched). Discovery fails as for an `issuer` given: 400 without metadata for it or for an
    address the egress policy refuses, 502 or 504 when the provider fails. An unknown provider, a
    missing or unknown param, or a param that does not match its pattern is a 400. An app of another
    scheme (`api_key`, `http_basic`, `http_bearer`, `no_auth`) takes only `app_name`, `security_scheme`
    and `display_name`; its OAuth2 fields are answered empty and cannot be set.

    Args:
        body (AppConfigurationCreate):  Example: {'app_name': 'github', 'authorize_url':
            'https://github.com/login/oauth/authorize', 'token_url':
            'https://github.com/login/oauth/access_token', 'client_id': 'Iv1.8a61f9b3a7aba766',
            'client_secret': 'example-client-secret', 'scopes': ['repo', 'read:user'],
            'allowed_redirect_urls': ['https://app.example.com/settings/integrations']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AppConfiguration | Problem]
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
    body: AppConfigurationCreate,
) -> AppConfiguration | Problem | None:
    """Create an app configuration

     For `oauth2` (the default `security_scheme`), give `client_id` and either `issuer` (linkvault reads
    RFC 8414 or OpenID Connect discovery metadata from it and fills the endpoints), both `authorize_url`
    and `token_url`, or a catalog `provider` (with `provider_params` for its templated URL parts). With
    `provider`, each of `authorize_url`, `token_url`, `revocation_url`, `scopes`, `authorize_params` and
    `token_endpoint_auth_method` left out is the catalog's; one given replaces the catalog's whole; an
    `issuer` given is discovered instead of the catalog's endpoints. A catalog entry with an `issuer`
    (its templated parts filled from `provider_params`) is discovered as if that `issuer` had been
    given: the endpoints, `jwks_uri` (ID tokens are validated) and RFC 9207 `iss` support come from its
    metadata, and `revocation_url` is the one given, else the metadata's, else the catalog's. An
    `authorize_url` or `token_url` given skips that discovery (the other endpoints are the catalog's;
    nothing is fetched). Discovery fails as for an `issuer` given: 400 without metadata for it or for an
    address the egress policy refuses, 502 or 504 when the provider fails. An unknown provider, a
    missing or unknown param, or a param that does not match its pattern is a 400. An app of another
    scheme (`api_key`, `http_basic`, `http_bearer`, `no_auth`) takes only `app_name`, `security_scheme`
    and `display_name`; its OAuth2 fields are answered empty and cannot be set.

    Args:
        body (AppConfigurationCreate):  Example: {'app_name': 'github', 'authorize_url':
            'https://github.com/login/oauth/authorize', 'token_url':
            'https://github.com/login/oauth/access_token', 'client_id': 'Iv1.8a61f9b3a7aba766',
            'client_secret': 'example-client-secret', 'scopes': ['repo', 'read:user'],
            'allowed_redirect_urls': ['https://app.example.com/settings/integrations']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AppConfiguration | Problem
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: AppConfigurationCreate,
) -> Response[AppConfiguration | Problem]:
    """Create an app configuration

     For `oauth2` (the default `security_scheme`), give `client_id` and either `issuer` (linkvault reads
    RFC 8414 or OpenID Connect discovery metadata from it and fills the endpoints), both `authorize_url`
    and `token_url`, or a catalog `provider` (with `provider_params` for its templated URL parts). With
    `provider`, each of `authorize_url`, `token_url`, `revocation_url`, `scopes`, `authorize_params` and
    `token_endpoint_auth_method` left out is the catalog's; one given replaces the catalog's whole; an
    `issuer` given is discovered instead of the catalog's endpoints. A catalog entry with an `issuer`
    (its templated parts filled from `provider_params`) is discovered as if that `issuer` had been
    given: the endpoints, `jwks_uri` (ID tokens are validated) and RFC 9207 `iss` support come from its
    metadata, and `revocation_url` is the one given, else the metadata's, else the catalog's. An
    `authorize_url` or `token_url` given skips that discovery (the other endpoints are the catalog's;
    nothing is fetched). Discovery fails as for an `issuer` given: 400 without metadata for it or for an
    address the egress policy refuses, 502 or 504 when the provider fails. An unknown provider, a
    missing or unknown param, or a param that does not match its pattern is a 400. An app of another
    scheme (`api_key`, `http_basic`, `http_bearer`, `no_auth`) takes only `app_name`, `security_scheme`
    and `display_name`; its OAuth2 fields are answered empty and cannot be set.

    Args:
        body (AppConfigurationCreate):  Example: {'app_name': 'github', 'authorize_url':
            'https://github.com/login/oauth/authorize', 'token_url':
            'https://github.com/login/oauth/access_token', 'client_id': 'Iv1.8a61f9b3a7aba766',
            'client_secret': 'example-client-secret', 'scopes': ['repo', 'read:user'],
            'allowed_redirect_urls': ['https://app.example.com/settings/integrations']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AppConfiguration | Problem]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: AppConfigurationCreate,
) -> AppConfiguration | Problem | None:
    """Create an app configuration

     For `oauth2` (the default `security_scheme`), give `client_id` and either `issuer` (linkvault reads
    RFC 8414 or OpenID Connect discovery metadata from it and fills the endpoints), both `authorize_url`
    and `token_url`, or a catalog `provider` (with `provider_params` for its templated URL parts). With
    `provider`, each of `authorize_url`, `token_url`, `revocation_url`, `scopes`, `authorize_params` and
    `token_endpoint_auth_method` left out is the catalog's; one given replaces the catalog's whole; an
    `issuer` given is discovered instead of the catalog's endpoints. A catalog entry with an `issuer`
    (its templated parts filled from `provider_params`) is discovered as if that `issuer` had been
    given: the endpoints, `jwks_uri` (ID tokens are validated) and RFC 9207 `iss` support come from its
    metadata, and `revocation_url` is the one given, else the metadata's, else the catalog's. An
    `authorize_url` or `token_url` given skips that discovery (the other endpoints are the catalog's;
    nothing is fetched). Discovery fails as for an `issuer` given: 400 without metadata for it or for an
    address the egress policy refuses, 502 or 504 when the provider fails. An unknown provider, a
    missing or unknown param, or a param that does not match its pattern is a 400. An app of another
    scheme (`api_key`, `http_basic`, `http_bearer`, `no_auth`) takes only `app_name`, `security_scheme`
    and `display_name`; its OAuth2 fields are answered empty and cannot be set.

    Args:
        body (AppConfigurationCreate):  Example: {'app_name': 'github', 'authorize_url':
            'https://github.com/login/oauth/authorize', 'token_url':
            'https://github.com/login/oauth/access_token', 'client_id': 'Iv1.8a61f9b3a7aba766',
            'client_secret': 'example-client-secret', 'scopes': ['repo', 'read:user'],
            'allowed_redirect_urls': ['https://app.example.com/settings/integrations']}.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AppConfiguration | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
