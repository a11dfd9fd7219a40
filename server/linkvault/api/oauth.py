"""Operations tagged ``Oauth``: quiva.ai's callback, which answers the tokens to the caller."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from linkvault.api._callbacks import query_callback_parameters
from linkvault.api._context import current_services
from linkvault.api._representations import NO_STORE, json_response, oauth_connection
from linkvault.api._security import project_id_of
from linkvault.engine import linking

__all__ = ["integrations_oauth_callback"]


async def integrations_oauth_callback(
    state: str,
    token_info: dict[str, Any],
    code: str | None = None,
    error: str | None = None,
    error_description: str | None = None,
    iss: str | None = None,
) -> Response:
    # The parameters Connexion validated are read again from the query, where repeats can be seen.
    finished = await linking.finish_link(
        current_services(), query_callback_parameters(), project_id=project_id_of(token_info)
    )
    return json_response(oauth_connection(finished), headers=NO_STORE)
