"""Operations tagged ``linked-accounts``: ACI.dev's start and callback, and reading accounts."""

from __future__ import annotations

import uuid
from typing import Any

from starlette.responses import Response

from linkvault.api._callbacks import query_callback_parameters
from linkvault.api._context import current_services
from linkvault.api._representations import NO_STORE, json_response, linked_account_public
from linkvault.api._security import project_id_of
from linkvault.engine import linked_accounts, linking
from linkvault.errors import NotFound

__all__ = [
    "delete_linked_account",
    "get_linked_account",
    "linked_accounts_link_oauth2_account",
    "linked_accounts_linked_accounts_oauth2_callback",
    "list_linked_accounts",
]


async def linked_accounts_link_oauth2_account(
    app_name: str,
    linked_account_owner_id: str,
    token_info: dict[str, Any],
    after_oauth2_link_redirect_url: str | None = None,
) -> Response:
    url = await linking.start_link(
        current_services(),
        project_id=project_id_of(token_info),
        app_name=app_name,
        owner_id=linked_account_owner_id,
        after_redirect_url=after_oauth2_link_redirect_url,
    )
    return json_response({"url": url}, headers=NO_STORE)


async def linked_accounts_linked_accounts_oauth2_callback(
    code: str | None = None,
    state: str | None = None,
    error: str | None = None,
    error_description: str | None = None,
    iss: str | None = None,
) -> Response:
    # No key: the state authenticates this call, so nothing secret may be answered here. The
    # parameters Connexion validated are read again from the query, where repeats can be seen.
    finished = await linking.finish_link(current_services(), query_callback_parameters())
    if finished.after_redirect_url is not None:
        return Response(status_code=302, headers={"Location": finished.after_redirect_url})
    return json_response(linked_account_public(finished.account))


async def list_linked_accounts(
    token_info: dict[str, Any],
    app_name: str | None = None,
    linked_account_owner_id: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Response:
    page = await linked_accounts.list_linked_accounts(
        current_services(),
        project_id=project_id_of(token_info),
        app_name=app_name,
        owner_id=linked_account_owner_id,
        limit=limit,
        cursor=cursor,
    )
    return json_response(
        {"items": [linked_account_public(account) for account in page.items], "next_cursor": page.next_cursor}
    )


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


async def delete_linked_account(linked_account_id: str, token_info: dict[str, Any]) -> Response:
    await linked_accounts.delete_linked_account(
        current_services(),
        project_id=project_id_of(token_info),
        linked_account_id=_account_id(linked_account_id),
    )
    return Response(status_code=204)
