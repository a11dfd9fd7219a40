"""Operations tagged ``apps``: the provider catalog (``linkvault.engine.catalog``).

The catalog holds no secret and is the same for every project, but it is read with a project's API key
like every other project operation: an unauthenticated caller learns nothing of the deployment.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from connexion import request
from starlette.responses import Response

from linkvault.api._representations import catalog_entry, json_response
from linkvault.engine import catalog

__all__ = ["get_app", "list_apps"]


async def list_apps(
    token_info: dict[str, Any], name: str | None = None, limit: int = 50, cursor: str | None = None
) -> Response:
    page = catalog.list_providers(name=name, limit=limit, cursor=cursor)
    headers = {}
    if page.next_cursor is not None:
        # RFC 8288: the next page is this request with the cursor moved on.
        query = [(key, value) for key, value in request.query_params.items() if key != "cursor"]
        query.append(("cursor", page.next_cursor))
        headers["Link"] = f'<{request.url.path}?{urlencode(query)}>; rel="next"'
    return json_response([catalog_entry(entry) for entry in page.items], headers=headers)


async def get_app(provider: str, token_info: dict[str, Any]) -> Response:
    return json_response(catalog_entry(catalog.find_provider(provider)))
