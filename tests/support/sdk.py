"""Calling linkvault through its generated SDK (``linkvault_client``), as an application would.

``AuthenticatedClient`` sends ``Authorization: Bearer <key>``, a plain ``Client`` sends the key in
``X-API-KEY``; the ACI callback gets a client with no credentials, because its state is what
authenticates it. The provider's login and consent are driven by ``OidcProvider.authorize``.
"""

from __future__ import annotations

import functools
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx

from linkvault_client import AuthenticatedClient, Client
from linkvault_client.api.linked_accounts import (
    linked_accounts_link_oauth2_account,
    linked_accounts_linked_accounts_oauth2_callback,
)
from linkvault_client.models import LinkedAccountPublic, LinkStarted, Problem
from support.flows import query_of
from support.oidc import OidcProvider, RegisteredClient
from support.projects import Project
from support.server import RunningServer

__all__ = [
    "AFTER_LINK_ALLOWED",
    "TIMEOUT",
    "aci_callback_url",
    "anonymous_client",
    "api_key_client",
    "assert_callback_headers",
    "assert_problem",
    "authorize_async",
    "bearer_client",
    "consent",
    "consent_async",
    "link_via_aci",
    "opened",
    "register_client",
    "start_link",
    "start_link_async",
]

AFTER_LINK_ALLOWED = "http://127.0.0.1:9/app"
TIMEOUT = httpx.Timeout(30.0)


def bearer_client(server: RunningServer, project: Project) -> AuthenticatedClient:
    """``Authorization: Bearer <api key>`` (the HTTPBearer scheme)."""
    return AuthenticatedClient(base_url=server.base_url, token=project.api_key, timeout=TIMEOUT)


def api_key_client(server: RunningServer, project: Project) -> Client:
    """``X-API-KEY: <api key>`` (the APIKeyHeader scheme) on the SDK's plain client."""
    return Client(base_url=server.base_url, headers={"X-API-KEY": project.api_key}, timeout=TIMEOUT)


def anonymous_client(server: RunningServer) -> Client:
    return Client(base_url=server.base_url, timeout=TIMEOUT)


@asynccontextmanager
async def opened(client: AuthenticatedClient | Client) -> AsyncIterator[Any]:
    """The SDK client with its httpx.AsyncClient closed on exit. Typed ``Any`` because the generated
    operations annotate ``client: AuthenticatedClient`` although a plain ``Client`` with an
    ``X-API-KEY`` header authenticates just as well."""
    async with client:
        yield client


def start_link(client: Any, app_name: str, owner_id: str, **options: str) -> str:
    started = linked_accounts_link_oauth2_account.sync(
        client=client, app_name=app_name, linked_account_owner_id=owner_id, **options
    )
    assert isinstance(started, LinkStarted), started
    return started.url


def consent(
    provider: OidcProvider, client: Any, app_name: str, owner_id: str, *, login: str = "alice"
) -> str:
    """Start a link and let the end user consent; the provider's redirect URL (code, state, iss)."""
    return provider.authorize(start_link(client, app_name, owner_id), login=login)


async def start_link_async(client: Any, app_name: str, owner_id: str, **options: str) -> str:
    started = await linked_accounts_link_oauth2_account.asyncio(
        client=client, app_name=app_name, linked_account_owner_id=owner_id, **options
    )
    assert isinstance(started, LinkStarted), started
    return started.url


async def authorize_async(provider: OidcProvider, url: str, **options: Any) -> str:
    # The provider driver is blocking; keep it off the event loop.
    return await anyio.to_thread.run_sync(functools.partial(provider.authorize, url, **options))


async def consent_async(
    provider: OidcProvider, client: Any, app_name: str, owner_id: str, *, login: str = "alice"
) -> str:
    return await authorize_async(provider, await start_link_async(client, app_name, owner_id), login=login)


def link_via_aci(
    provider: OidcProvider, client: Any, anonymous: Client, app_name: str, owner_id: str
) -> LinkedAccountPublic:
    redirect = query_of(consent(provider, client, app_name, owner_id))
    account = linked_accounts_linked_accounts_oauth2_callback.sync(
        client=anonymous, code=redirect["code"], state=redirect["state"], iss=redirect["iss"]
    )
    assert isinstance(account, LinkedAccountPublic), account
    return account


def assert_problem(parsed: object, status: int, code: str) -> Problem:
    assert isinstance(parsed, Problem), parsed
    assert (parsed.status, parsed.code) == (status, code), parsed
    assert parsed.type_ == "about:blank"
    assert isinstance(parsed.title, str) and parsed.title
    return parsed


def assert_callback_headers(headers: Any) -> None:
    assert headers["cache-control"] == "no-store"
    assert headers["referrer-policy"] == "no-referrer"


def register_client(
    provider: OidcProvider, redirect_uri: str, method: str = "client_secret_basic"
) -> RegisteredClient:
    return provider.register_client(redirect_uris=[redirect_uri], token_endpoint_auth_method=method)


def aci_callback_url(server: RunningServer) -> str:
    return f"{server.base_url}/v1/linked-accounts/oauth2/callback"


_NEXT_LINK = re.compile(r'<([^>]*)>\s*;\s*rel="next"')


def next_cursor(response: Any) -> str | None:
    """The cursor of the next page named by a list answer's ``Link: <...>; rel="next"`` header
    (RFC 8288), or None on the last page."""
    found = _NEXT_LINK.search(response.headers.get("link", ""))
    return None if found is None else query_of(found.group(1))["cursor"]
