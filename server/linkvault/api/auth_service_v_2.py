"""Operations tagged ``Auth Service (v2)``: LangSmith's frontend-bridged callback."""

from __future__ import annotations

from typing import Any

from connexion import request
from starlette.responses import Response

from linkvault.api._context import current_services
from linkvault.api._problems import CredentialsRefused
from linkvault.api._representations import json_response, linked_account_public
from linkvault.api._security import project_id_of
from linkvault.engine import linking

__all__ = ["oauth_callback_v2_auth_callback_provider_id_post"]


async def oauth_callback_v2_auth_callback_provider_id_post(
    provider_id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> Response:
    project_id = project_id_of(token_info)
    tenant = request.headers.get("x-tenant-id")
    if tenant is not None and tenant != str(project_id):
        raise CredentialsRefused(
            "tenant_mismatch",
            "the X-Tenant-Id header does not name the API key's project; send the key's project id, "
            "or leave the header out",
        )
    finished = await linking.finish_link(
        current_services(),
        linking.CallbackParameters(
            state=body["state"], code=body.get("code"), error=body.get("error"), iss=body.get("iss")
        ),
        project_id=project_id,
        app_name=provider_id,
    )
    return json_response(linked_account_public(finished.account))
