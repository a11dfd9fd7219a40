"""Operations tagged ``linked-accounts``: ACI.dev's start and callback, reading, enabling, disabling and
deleting accounts, and handing out their fresh credentials."""

from __future__ import annotations

import uuid
from typing import Any

from connexion import request
from starlette.responses import Response

from linkvault.api._callbacks import query_callback_parameters
from linkvault.api._context import current_services
from linkvault.api._pages import PAGE_HEADERS, page_for, prefers_html
from linkvault.api._representations import (
    NO_STORE,
    credentials,
    html_response,
    json_response,
    linked_account_public,
    next_page_headers,
)
from linkvault.api._security import prefetched_of, project_id_of
from linkvault.engine import linked_accounts, linking, refresh, static_accounts
from linkvault.errors import NotFound

__all__ = [
    "delete_linked_account",
    "get_linked_account",
    "get_linked_account_credentials",
    "link_api_key_account",
    "link_http_basic_account",
    "link_http_bearer_account",
    "link_no_auth_account",
    "linked_accounts_link_oauth2_account",
    "linked_accounts_linked_accounts_oauth2_callback",
    "list_linked_accounts",
    "refresh_linked_account",
    "update_linked_account",
]


async def linked_accounts_link_oauth2_account(
    app_name: str,
    linked_account_owner_id: str,
    token_info: dict[str, Any],
    after_oauth2_link_redirect_url: str | None = None,
    allow_account_switch: bool = False,
) -> Response:
    started = await linking.start_link(
        current_services(),
        project_id=project_id_of(token_info),
        app_name=app_name,
        owner_id=linked_account_owner_id,
        after_redirect_url=after_oauth2_link_redirect_url,
        allow_account_switch=allow_account_switch,
    )
    return json_response({"url": started.url}, headers=NO_STORE)


async def linked_accounts_linked_accounts_oauth2_callback() -> Response:
    # No key: the state authenticates this call, so nothing secret may be answered here. The
    # parameters Connexion validated (code, state, error, error_description, iss) are read from the
    # query here, where repeats can be seen, and are not handed to this function (_operations).
    # Failures without a post-link URL are raised, and rendered (as a page for a browser) by _problems.
    result = await linking.finish_link_in_browser(current_services(), query_callback_parameters())
    if result.redirect_to is not None:
        return Response(status_code=302, headers={"Location": result.redirect_to})
    assert result.finished is not None
    if prefers_html(request.headers.get("accept")):
        return html_response(page_for("linked"), headers=dict(PAGE_HEADERS))
    return json_response(linked_account_public(result.finished.account))


async def list_linked_accounts(
    token_info: dict[str, Any],
    app_name: str | None = None,
    linked_account_owner_id: str | None = None,
    status: linked_accounts.PublicStatus | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Response:
    page = await linked_accounts.list_linked_accounts(
        current_services(),
        project_id=project_id_of(token_info),
        app_name=app_name,
        owner_id=linked_account_owner_id,
        status=status,
        limit=limit,
        cursor=cursor,
    )
    headers = next_page_headers(request, page.next_cursor)
    return json_response([linked_account_public(account) for account in page.items], headers=headers)


def _account_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise NotFound("no such linked account") from exc


async def get_linked_account(linked_account_id: str, token_info: dict[str, Any]) -> Response:
    account = await linked_accounts.get_linked_account(
        current_services(),
        project_id=project_id_of(token_info),
        linked_account_id=_account_id(linked_account_id),
    )
    return json_response(linked_account_public(account))


async def update_linked_account(
    linked_account_id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> Response:
    account = await linked_accounts.set_enabled(
        current_services(),
        project_id=project_id_of(token_info),
        linked_account_id=_account_id(linked_account_id),
        enabled=body["enabled"],
    )
    return json_response(linked_account_public(account))


async def delete_linked_account(linked_account_id: str, token_info: dict[str, Any]) -> Response:
    account_id = _account_id(linked_account_id)
    outcome = await linked_accounts.delete_linked_account(
        current_services(), project_id=project_id_of(token_info), linked_account_id=account_id
    )
    return json_response({"id": str(account_id), "revocation": outcome})


async def get_linked_account_credentials(linked_account_id: str, token_info: dict[str, Any]) -> Response:
    found = await refresh.get_credentials(
        current_services(),
        project_id=project_id_of(token_info),
        linked_account_id=_account_id(linked_account_id),
        prefetched=prefetched_of(token_info),
    )
    return json_response(credentials(found), headers=NO_STORE)


async def refresh_linked_account(linked_account_id: str, token_info: dict[str, Any]) -> Response:
    found = await refresh.get_credentials(
        current_services(),
        project_id=project_id_of(token_info),
        linked_account_id=_account_id(linked_account_id),
        force=True,
    )
    return json_response(credentials(found), headers=NO_STORE)


async def _link_static(
    body: dict[str, Any], token_info: dict[str, Any], scheme: static_accounts.StaticScheme
) -> Response:
    account = await static_accounts.link_static_account(
        current_services(),
        project_id=project_id_of(token_info),
        app_name=body["app_name"],
        owner_id=body["linked_account_owner_id"],
        scheme=scheme,
        secret={name: body[name] for name in static_accounts.SECRET_FIELDS[scheme]},
    )
    return json_response(linked_account_public(account))


async def link_api_key_account(body: dict[str, Any], token_info: dict[str, Any]) -> Response:
    return await _link_static(body, token_info, "api_key")


async def link_http_basic_account(body: dict[str, Any], token_info: dict[str, Any]) -> Response:
    return await _link_static(body, token_info, "http_basic")


async def link_http_bearer_account(body: dict[str, Any], token_info: dict[str, Any]) -> Response:
    return await _link_static(body, token_info, "http_bearer")


async def link_no_auth_account(body: dict[str, Any], token_info: dict[str, Any]) -> Response:
    return await _link_static(body, token_info, "no_auth")
