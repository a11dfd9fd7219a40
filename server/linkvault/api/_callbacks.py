"""Reading the authorization response that a callback face was handed (RFC 6749 §4.1.2, RFC 9207 §2).

RFC 6749 §3.1: response parameters must not be included more than once. Connexion keeps the last copy
of a repeated query parameter, so ``iss=<foreign>&iss=<expected>`` would pass the RFC 9207 check on a
copy chosen by the framework; a repeated parameter is refused instead, before the state is used.
"""

from __future__ import annotations

from collections.abc import Callable

from connexion import request

from linkvault.engine import linking
from linkvault.errors import InvalidInput

__all__ = ["callback_parameters", "query_callback_parameters"]

_RESPONSE_PARAMETERS = ("code", "state", "error", "iss")


def callback_parameters(getlist: Callable[[str], list[str]]) -> linking.CallbackParameters:
    """The response parameters, each present at most once; ``getlist`` gives all values of a name."""
    for name in _RESPONSE_PARAMETERS:
        if len(getlist(name)) > 1:
            raise InvalidInput(f"the callback repeats the {name} parameter", field=(name,))

    def one(name: str) -> str | None:
        values = getlist(name)
        return values[0] if values else None

    return linking.CallbackParameters(
        state=one("state"), code=one("code"), error=one("error"), iss=one("iss")
    )


def query_callback_parameters() -> linking.CallbackParameters:
    """The response parameters of the current request's query, each present at most once."""
    return callback_parameters(request.query_params.getlist)
