"""Checks that the GET callback faces make on the provider's redirect before the engine sees it.

RFC 6749 §3.1: response parameters must not be included more than once. Connexion keeps the last copy
of a repeated query parameter, so ``iss=<foreign>&iss=<expected>`` would pass the RFC 9207 check on a
copy chosen by the framework; a repeated parameter is refused instead, before the state is used.
"""

from __future__ import annotations

from connexion import request

from linkvault.errors import InvalidInput

__all__ = ["refuse_repeated_parameters"]

_RESPONSE_PARAMETERS = ("code", "state", "error", "iss")


def refuse_repeated_parameters() -> None:
    """Refuse the current request when its query repeats an authorization response parameter."""
    for name in _RESPONSE_PARAMETERS:
        if len(request.query_params.getlist(name)) > 1:
            raise InvalidInput(f"the callback repeats the {name} parameter", location=("query", name))
