"""Operations tagged ``Connections``: Peaka's frontend-bridged callback."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

from starlette.responses import Response

from linkvault.api._callbacks import callback_parameters
from linkvault.api._context import current_services
from linkvault.api._representations import connection, json_response
from linkvault.api._security import project_id_of
from linkvault.api._validation import RequestProblem
from linkvault.engine import linking
from linkvault.errors import InvalidInput, NotFound

__all__ = ["oauth_2_callback"]

# A whole URL starts with a scheme; a query string may hold "://" in a value (e.g. iss=https://...).
_URL_START = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")


def _callback_parameters(query_parameters: str) -> linking.CallbackParameters:
    """Accept the raw query string or a whole redirect URL."""
    is_url = _URL_START.match(query_parameters) is not None
    if not is_url and "#" in query_parameters:
        # A query string holds no raw "#" (a value's is %23): this is a fragment, or a URL without
        # its scheme that has one. linkvault asks for the response in the query (RFC 6749 §4.1.2),
        # and read as a query this would lose the code and use the state up.
        raise RequestProblem(
            "queryParameters holds a fragment (#...): pass the query string (after ?) or the whole URL",
            location=("body", "queryParameters"),
        )
    query = urlsplit(query_parameters).query if is_url else query_parameters.lstrip("?")
    try:
        parsed = parse_qs(query, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError as exc:
        # As on the GET faces (linkvault.middleware.RequestLimits): refused before the state is
        # looked at, rather than read with U+FFFD in place of the bytes.
        raise RequestProblem(
            "queryParameters is not UTF-8 once percent-decoded", location=("body", "queryParameters")
        ) from exc
    return callback_parameters(lambda name: parsed.get(name, []))


async def oauth_2_callback(project_id: str, body: dict[str, Any], token_info: dict[str, Any]) -> Response:
    caller_project_id = project_id_of(token_info)
    if project_id != str(caller_project_id):
        raise NotFound("no such project")
    query_parameters = body.get("queryParameters")
    if not isinstance(query_parameters, str):
        raise InvalidInput("queryParameters is required", field=("queryParameters",))
    finished = await linking.finish_link(
        current_services(), _callback_parameters(query_parameters), project_id=caller_project_id
    )
    return json_response(connection(finished))
