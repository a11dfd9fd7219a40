"""Operations tagged ``Auth Service (v2)``: LangSmith's agent-auth API (providers, a user's token or a
consent URL, waiting for a link, tokens) and its frontend-bridged callback, in LangSmith's shapes."""

from __future__ import annotations

import uuid
from typing import Any

from connexion import request
from starlette.responses import Response

from linkvault.api._context import current_services
from linkvault.api._problems import CredentialsRefused
from linkvault.api._representations import NO_STORE, json_response, linked_account_public, oauth_provider
from linkvault.api._security import project_id_of
from linkvault.engine import agent_auth, linking

__all__ = [
    "authenticate",
    "check_token_exists",
    "create_oauth_provider",
    "delete_oauth_provider",
    "get_oauth_provider",
    "list_oauth_providers",
    "oauth_callback_v2_auth_callback_provider_id_post",
    "revoke_tokens",
    "update_oauth_provider",
    "wait_for_auth",
]


def _project_id(token_info: dict[str, Any]) -> uuid.UUID:
    """The key's project; an ``X-Tenant-Id`` sent with the key must name it (it never authenticates
    alone)."""
    project_id = project_id_of(token_info)
    tenant = request.headers.get("x-tenant-id")
    # A UUID's hex digits in either case name the same project (RFC 9562 §4).
    if tenant is not None and tenant.lower() != str(project_id):
        raise CredentialsRefused(
            "tenant_mismatch",
            "the X-Tenant-Id header does not name the API key's project; send the key's project id, "
            "or leave the header out",
        )
    return project_id


async def oauth_callback_v2_auth_callback_provider_id_post(
    provider_id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> Response:
    finished = await linking.finish_link(
        current_services(),
        linking.CallbackParameters(
            state=body["state"], code=body.get("code"), error=body.get("error"), iss=body.get("iss")
        ),
        project_id=_project_id(token_info),
        app_name=provider_id,
    )
    return json_response(linked_account_public(finished.account))


async def create_oauth_provider(body: dict[str, Any], token_info: dict[str, Any]) -> Response:
    app = await agent_auth.create_provider(current_services(), project_id=_project_id(token_info), body=body)
    return json_response(oauth_provider(app))


async def list_oauth_providers(token_info: dict[str, Any]) -> Response:
    apps = await agent_auth.list_providers(current_services(), project_id=_project_id(token_info))
    return json_response([oauth_provider(app) for app in apps])


async def get_oauth_provider(provider_id: str, token_info: dict[str, Any]) -> Response:
    app = await agent_auth.get_provider(
        current_services(), project_id=_project_id(token_info), provider_id=provider_id
    )
    return json_response(oauth_provider(app))


async def update_oauth_provider(
    provider_id: str, body: dict[str, Any], token_info: dict[str, Any]
) -> Response:
    app = await agent_auth.update_provider(
        current_services(), project_id=_project_id(token_info), provider_id=provider_id, body=body
    )
    return json_response(oauth_provider(app))


async def delete_oauth_provider(provider_id: str, token_info: dict[str, Any]) -> Response:
    await agent_auth.delete_provider(
        current_services(), project_id=_project_id(token_info), provider_id=provider_id
    )
    return json_response({"message": f"provider {provider_id} deleted"})


async def authenticate(body: dict[str, Any], token_info: dict[str, Any]) -> Response:
    outcome = await agent_auth.authenticate(
        current_services(),
        project_id=_project_id(token_info),
        provider_id=body["provider"],
        user_id=body["user_id"],
        scopes=body["scopes"],
    )
    answer: dict[str, Any] = {"status": outcome.status}
    if outcome.status == "completed":
        answer["token"] = outcome.token
    else:
        answer.update(url=outcome.url, auth_id=str(outcome.auth_id))
    return json_response(answer, headers=NO_STORE)


# ``timeout`` is the spec's (LangSmith's) query parameter, a number of seconds, not a cancel scope.
async def wait_for_auth(auth_id: str, token_info: dict[str, Any], timeout: int = 300) -> Response:  # noqa: ASYNC109
    outcome = await agent_auth.wait(
        current_services(), project_id=_project_id(token_info), auth_id=auth_id, timeout_seconds=timeout
    )
    answer: dict[str, Any] = {"status": outcome.status}
    if outcome.token is not None:
        answer["token"] = outcome.token
    if outcome.code is not None:
        answer["code"] = outcome.code
    return json_response(answer, headers=NO_STORE)


async def check_token_exists(
    provider_id: str, token_info: dict[str, Any], user_id: str | None = None
) -> Response:
    exists = await agent_auth.token_exists(
        current_services(), project_id=_project_id(token_info), provider_id=provider_id, user_id=user_id
    )
    return json_response({"has_token": exists})


async def revoke_tokens(provider_id: str, token_info: dict[str, Any], user_id: str | None = None) -> Response:
    deleted = await agent_auth.revoke_tokens(
        current_services(), project_id=_project_id(token_info), provider_id=provider_id, user_id=user_id
    )
    return json_response(
        {"message": f"{deleted} token(s) revoked and deleted", "provider_id": provider_id, "deleted": deleted}
    )
