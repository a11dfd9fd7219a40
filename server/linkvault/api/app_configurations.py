"""Operations tagged ``app-configurations``."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from linkvault.api._context import current_services
from linkvault.api._representations import app_configuration, json_response
from linkvault.api._security import project_id_of
from linkvault.engine import app_configurations
from linkvault.engine.linking import redirect_uri_of
from linkvault.store.models import AppConfiguration

__all__ = [
    "create_app_configuration",
    "delete_app_configuration",
    "get_app_configuration",
    "list_app_configurations",
    "update_app_configuration",
]


def _body(app: AppConfiguration) -> dict[str, Any]:
    return app_configuration(app, redirect_uri=redirect_uri_of(current_services(), app))


async def create_app_configuration(body: dict[str, Any], token_info: dict[str, Any]) -> Response:
    app = await app_configurations.create_app_configuration(
        current_services(), project_id=project_id_of(token_info), fields=body
    )
    return json_response(_body(app), status=201)


async def list_app_configurations(token_info: dict[str, Any]) -> Response:
    apps = await app_configurations.list_app_configurations(
        current_services(), project_id=project_id_of(token_info)
    )
    return json_response([_body(app) for app in apps])


async def get_app_configuration(app_name: str, token_info: dict[str, Any]) -> Response:
    app = await app_configurations.get_app_configuration(
        current_services(), project_id=project_id_of(token_info), app_name=app_name
    )
    return json_response(_body(app))


async def update_app_configuration(
    app_name: str, body: dict[str, Any], token_info: dict[str, Any]
) -> Response:
    app = await app_configurations.update_app_configuration(
        current_services(), project_id=project_id_of(token_info), app_name=app_name, fields=body
    )
    return json_response(_body(app))


async def delete_app_configuration(app_name: str, token_info: dict[str, Any]) -> Response:
    await app_configurations.delete_app_configuration(
        current_services(), project_id=project_id_of(token_info), app_name=app_name
    )
    return Response(status_code=204)
