"""Connexion security functions named in the spec's securitySchemes (``x-*InfoFunc``).

Every failure is the same 401, whatever failed: no hint whether a key or a project exists.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable
from typing import Any

from connexion.security import ApiKeySecurityHandler, BearerSecurityHandler
from connexion.utils import inspect_function_arguments

from linkvault.api._context import current_services
from linkvault.engine.api_keys import authenticate

__all__ = ["SECURITY_MAP", "api_key_info", "bearer_info", "project_id_of", "tenant_info"]


async def api_key_info(api_key: str, required_scopes: Any = None) -> dict[str, Any] | None:
    project_id = await authenticate(current_services(), api_key=api_key)
    return None if project_id is None else {"sub": str(project_id), "project_id": project_id}


async def bearer_info(token: str) -> dict[str, Any] | None:
    return await api_key_info(token)


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
