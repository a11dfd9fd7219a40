"""Connexion security functions named in the spec's securitySchemes (``x-*InfoFunc``).

Every failure is the same 401, whatever failed: no hint whether a key or a project exists.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

from connexion.lifecycle import ConnexionRequest
from connexion.security import ApiKeySecurityHandler, BearerSecurityHandler
from connexion.utils import inspect_function_arguments

from linkvault.api._context import current_services
from linkvault.engine.api_keys import authenticate, authenticate_reading_credentials
from linkvault.engine.refresh import Prefetched

__all__ = ["SECURITY_MAP", "api_key_info", "bearer_info", "prefetched_of", "project_id_of", "tenant_info"]

# The operation whose read is done in the key's lookup statement: the credentials read, which
# applications call before every call to a provider.
_CREDENTIALS_READ = "get_linked_account_credentials"


async def api_key_info(
    api_key: str, required_scopes: Any = None, request: ConnexionRequest | None = None
) -> dict[str, Any] | None:
    """``{"sub", "project_id"}`` of an active key, None otherwise. For the credentials read, also
    ``"prefetched"``: the account, read in the same statement (``refresh.Prefetched``)."""
    services = current_services()
    linked_account_id = None if request is None else _credentials_read_of(request)
    if linked_account_id is None:
        project_id = await authenticate(services, api_key=api_key)
        return None if project_id is None else {"sub": str(project_id), "project_id": project_id}
    found = await authenticate_reading_credentials(
        services, api_key=api_key, linked_account_id=linked_account_id
    )
    if found is None:
        return None
    project_id, prefetched = found
    return {"sub": str(project_id), "project_id": project_id, "prefetched": prefetched}


async def bearer_info(token: str, request: ConnexionRequest | None = None) -> dict[str, Any] | None:
    return await api_key_info(token, request=request)


def _credentials_read_of(request: ConnexionRequest) -> uuid.UUID | None:
    """The account a credentials read asks for; None for other operations, or an id that is not a
    UUID (the handler answers that 404)."""
    scope = request.scope
    if scope.get("extensions", {}).get("connexion_routing", {}).get("operation_id") != _CREDENTIALS_READ:
        return None
    try:
        return uuid.UUID(scope["path_params"]["linked_account_id"])
    except (KeyError, ValueError):
        return None


def prefetched_of(token_info: dict[str, Any]) -> Prefetched | None:
    """What the security function read for the handler (``api_key_info``), if anything."""
    prefetched = token_info.get("prefetched")
    assert prefetched is None or isinstance(prefetched, Prefetched)
    return prefetched


def tenant_info(api_key: str, required_scopes: Any = None) -> None:
    """A tenant id names a project but proves nothing, so alone it never authenticates."""
    return None


def project_id_of(token_info: dict[str, Any]) -> uuid.UUID:
    project_id = token_info["project_id"]
    assert isinstance(project_id, uuid.UUID)
    return project_id


@functools.lru_cache(maxsize=64)  # (security function, keyword): the spec's few functions
def _accepts_kwarg(function: Callable[..., Any], keyword: str) -> bool:
    arguments, has_kwargs = inspect_function_arguments(function)
    return has_kwargs or keyword in arguments


class _ApiKeyHandler(ApiKeySecurityHandler):  # type: ignore[misc]
    _accepts_kwarg = staticmethod(_accepts_kwarg)


class _BearerHandler(BearerSecurityHandler):  # type: ignore[misc]
    _accepts_kwarg = staticmethod(_accepts_kwarg)


# Connexion's documented ``security_map``: its handlers, except that whether a security function
# takes ``required_scopes`` or ``request`` is worked out once per function, not twice a request
# (``inspect.signature``, about 50 µs of a credentials read's 600 µs of CPU in-process).
SECURITY_MAP: dict[str, type] = {"apiKey": _ApiKeyHandler, "bearer": _BearerHandler}
