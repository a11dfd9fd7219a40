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


async def integrations_oauth_callback(token_info: dict[str, Any]) -> Response:
    # The parameters Connexion validated (state, code, error, error_description, iss) are read from
    # the query here, where repeats can be seen, and are not handed to this function (_operations).
    finished = await linking.finish_link(
        current_services(), query_callback_parameters(), project_id=project_id_of(token_info)
    )
    return json_response(oauth_connection(finished), headers=NO_STORE)
