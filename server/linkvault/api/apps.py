"""Operations tagged ``apps``: the provider catalog (``linkvault.engine.catalog``).

The catalog holds no secret and is the same for every project, but it is read with a project's API key
like every other project operation: an unauthenticated caller learns nothing of the deployment.
"""

from __future__ import annotations

from typing import Any

from connexion import request
from starlette.responses import Response

from linkvault.api._representations import catalog_entry, json_response, next_page_headers
from linkvault.engine import catalog

__all__ = ["get_app", "list_apps"]


async def list_apps(
    token_info: dict[str, Any], name: str | None = None, limit: int = 50, cursor: str | None = None
) -> Response:
    page = catalog.list_providers(name=name, limit=limit, cursor=cursor)
    return json_response(
        [catalog_entry(entry) for entry in page.items],
        headers=next_page_headers(request, page.next_cursor),
    )


async def get_app(provider: str, token_info: dict[str, Any]) -> Response:
    return json_response(catalog_entry(catalog.find_provider(provider)))
