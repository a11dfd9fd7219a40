"""Operations tagged ``webhooks``: endpoints, their secrets, deliveries and test pings."""

from __future__ import annotations

import uuid
from typing import Any

from connexion import request
from starlette.responses import Response

from linkvault.api._context import current_services
from linkvault.api._representations import (
    NO_STORE,
    json_response,
    next_page_headers,
    webhook_delivery,
    webhook_endpoint,
)
from linkvault.api._security import project_id_of
from linkvault.engine import webhooks
from linkvault.errors import NotFound

__all__ = [
    "create_webhook_endpoint",
    "delete_webhook_endpoint",
    "get_webhook_endpoint",
    "list_webhook_deliveries",
    "list_webhook_endpoints",
    "retry_webhook_delivery",
    "rotate_webhook_endpoint_secret",
    "send_webhook_test",
    "update_webhook_endpoint",
]


def _id(value: str, what: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError as exc:
        raise NotFound(f"no such {what}") from exc


def _endpoint_id(value: str) -> uuid.UUID:
    return _id(value, "webhook endpoint")


async def create_webhook_endpoint(body: dict[str, Any], token_info: dict[str, Any]) -> Response:
    created = await webhooks.create_endpoint(
        current_services(), project_id=project_id_of(token_info), fields=body
    )
    # The secret is in this answer only: not to be cached.
    return json_response(
        {**webhook_endpoint(created.endpoint), "secret": created.secret}, status=201, headers=NO_STORE
    )


async def list_webhook_endpoints(token_info: dict[str, Any]) -> Response:
    found = await webhooks.list_endpoints(current_services(), project_id=project_id_of(token_info))
    return json_response([webhook_endpoint(endpoint) for endpoint in found])


async def get_webhook_endpoint(webhook_endpoint_id: str, token_info: dict[str, Any]) -> Response:
    endpoint = await webhooks.get_endpoint(
        current_services(),
        project_id=project_id_of(token_info),
        endpoint_id=_endpoint_id(webhook_endpoint_id),
    )
    return json_response(webhook_endpoint(endpoint))


async def update_webhook_endpoint(
    webhook_endpoint_id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> Response:
    endpoint = await webhooks.update_endpoint(
        current_services(),
        project_id=project_id_of(token_info),
        endpoint_id=_endpoint_id(webhook_endpoint_id),
        fields=body,
    )
    return json_response(webhook_endpoint(endpoint))


async def delete_webhook_endpoint(webhook_endpoint_id: str, token_info: dict[str, Any]) -> Response:
    await webhooks.delete_endpoint(
        current_services(),
        project_id=project_id_of(token_info),
        endpoint_id=_endpoint_id(webhook_endpoint_id),
    )
    return Response(status_code=204)


async def rotate_webhook_endpoint_secret(webhook_endpoint_id: str, token_info: dict[str, Any]) -> Response:
    rotated = await webhooks.rotate_secret(
        current_services(),
        project_id=project_id_of(token_info),
        endpoint_id=_endpoint_id(webhook_endpoint_id),
    )
    assert rotated.previous_secret_expires_at is not None
    return json_response(
        {
            "secret": rotated.secret,
            "previous_secret_expires_at": rotated.previous_secret_expires_at.isoformat(),
        },
        headers=NO_STORE,
    )


async def list_webhook_deliveries(
    webhook_endpoint_id: str,
    token_info: dict[str, Any],
    status: str | None = None,
    limit: int = 50,
    cursor: str | None = None,
) -> Response:
    page = await webhooks.list_deliveries(
        current_services(),
        project_id=project_id_of(token_info),
        endpoint_id=_endpoint_id(webhook_endpoint_id),
        status=status,
        limit=limit,
        cursor=cursor,
    )
    headers = next_page_headers(request, page.next_cursor)
    return json_response([webhook_delivery(view) for view in page.items], headers=headers)


async def retry_webhook_delivery(
    webhook_endpoint_id: str, delivery_id: str, token_info: dict[str, Any]
) -> Response:
    view = await webhooks.retry_delivery(
        current_services(),
        project_id=project_id_of(token_info),
        endpoint_id=_endpoint_id(webhook_endpoint_id),
        delivery_id=_id(delivery_id, "delivery"),
    )
    return json_response(webhook_delivery(view), status=202)


async def send_webhook_test(webhook_endpoint_id: str, token_info: dict[str, Any]) -> Response:
    view = await webhooks.send_test(
        current_services(),
        project_id=project_id_of(token_info),
        endpoint_id=_endpoint_id(webhook_endpoint_id),
    )
    return json_response(webhook_delivery(view), status=202)
