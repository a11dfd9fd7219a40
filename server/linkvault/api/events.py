"""Operations tagged ``events``: the project's event stream, for applications that prefer to pull."""

from __future__ import annotations

import uuid
from typing import Any

from connexion import request
from starlette.responses import Response

from linkvault.api._context import current_services
from linkvault.api._representations import event, json_response, next_page_headers
from linkvault.api._security import project_id_of
from linkvault.engine import events

__all__ = ["list_events"]


async def list_events(
    token_info: dict[str, Any],
    event_type: str | None = None,
    linked_account_id: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Response:
    # The request's validation held it to the spec's format: uuid (api/_validation.py).
    account_id = None if linked_account_id is None else uuid.UUID(linked_account_id)
    page = await events.list_events(
        current_services(),
        project_id=project_id_of(token_info),
        event_type=event_type,
        linked_account_id=account_id,
        limit=limit,
        cursor=cursor,
    )
    headers = next_page_headers(request, page.next_cursor)
    return json_response([event(found) for found in page.items], headers=headers)
