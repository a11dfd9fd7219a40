"""Connexion security functions named in the spec's securitySchemes (``x-*InfoFunc``).

Every failure is the same 401, whatever failed: no hint whether a key or a project exists.
"""

from __future__ import annotations

import uuid
from typing import Any

from linkvault.api._context import current_services
from linkvault.api._signatures import remember_signature
from linkvault.engine.api_keys import authenticate

__all__ = ["api_key_info", "bearer_info", "project_id_of", "tenant_info"]


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


for _function in (api_key_info, bearer_info, tenant_info):
    remember_signature(_function)
