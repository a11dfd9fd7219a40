"""The ASGI application: the spec loaded by Connexion, handlers resolved by tag and operationId."""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import yaml
from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolution, Resolver
from connexion.utils import get_function_from_name
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linkvault.api.context import services_var
from linkvault.api.naming import handler_path
from linkvault.api.problems import ERROR_HANDLERS, BodyTooLarge, render_error
from linkvault.engine.services import Services, open_services
from linkvault.settings import Settings

__all__ = ["SPEC_PATH", "SpecResolver", "create_app"]

SPEC_PATH = Path(__file__).with_name("openapi.yaml")

logger = logging.getLogger(__name__)


class SpecResolver(Resolver):  # type: ignore[misc]
    """Resolves each operation to ``linkvault.api.<snake(tag)>.<snake(operationId)>``."""

    def resolve(self, operation: Any) -> Resolution:
        tags = operation._operation.get("tags") or ["default"]
        path = handler_path(tags[0], operation.operation_id)
        # Connexion records this id for the request; the error handlers shape errors by the spec's id.
        return Resolution(get_function_from_name(path), operation.operation_id)


class _RequestScope:
    """Outermost middleware: makes the services reachable and bounds request bodies.

    It also gives every scope an ``extensions`` key; uvicorn's scope has none, and Connexion records
    the operation there for the error handlers."""

    def __init__(self, app: ASGIApp, services: Services) -> None:
        self.app = app
        self.services = services
        self.max_body_bytes = services.settings.max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.setdefault("extensions", {})
        token = services_var.set(self.services)
        try:
            await self.app(scope, self._bounded(scope, receive), send)
        finally:
            services_var.reset(token)

    def _bounded(self, scope: Scope, receive: Receive) -> Receive:
        limit = self.max_body_bytes
        for name, value in scope.get("headers", []):
            if name == b"content-length" and (not value.isdigit() or int(value) > limit):
                too_large = True
                break
        else:
            too_large = False
        received = 0

        async def bounded_receive() -> Message:
            nonlocal received
            if too_large:
                raise BodyTooLarge()
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge()
            return message

        return bounded_receive


_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@functools.cache
def _resources() -> list[tuple[re.Pattern[str], frozenset[str]]]:
    """Each path of the spec as a pattern, with its methods (HEAD is served with GET); concrete paths
    first, since they match before templated ones (OpenAPI 3.0.3 "Paths Object")."""
    paths: dict[str, dict[str, Any]] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))["paths"]
    resources = []
    for path in sorted(paths, key=lambda path: "{" in path):
        methods = {method.upper() for method in paths[path] if method in _HTTP_METHODS}
        if "GET" in methods:
            methods.add("HEAD")
        pattern = re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)))
        resources.append((pattern, frozenset(methods)))
    return resources


class _MethodNotAllowed:
    """405 with the resource's methods in ``Allow`` (RFC 9110 §15.5.6), decided by the spec's paths.

    Connexion gives every operation its own route, so Starlette's own 405 lists the methods of one
    operation only, and a method a concrete path lacks is routed to a templated path that has it
    (``DELETE /v1/linked-accounts/oauth2`` reached ``delete_linked_account``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for pattern, methods in _resources():
                if pattern.fullmatch(scope["path"]):
                    if scope["method"] not in methods:
                        raise HTTPException(405, headers={"Allow": ", ".join(sorted(methods))})
                    break
        await self.app(scope, receive, send)


def create_app(settings: Settings, services: Services | None = None) -> ASGIApp:
    services = services or open_services(settings)

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        yield
        await services.aclose()

    # No Swagger UI: it would load scripts from a CDN, and the spec is served at /openapi.json.
    app = AsyncApp(__name__, lifespan=lifespan, swagger_ui_options=SwaggerUIOptions(swagger_ui=False))
    app.add_api(
        SPEC_PATH,
        resolver=SpecResolver(),
        pythonic_params=True,
        strict_validation=False,  # providers append their own parameters to callbacks
        validate_responses=False,
    )
    for exception_class in ERROR_HANDLERS:
        app.add_error_handler(exception_class, render_error)
    app.add_middleware(_RequestScope, MiddlewarePosition.BEFORE_EXCEPTION, services=services)
    app.add_middleware(_MethodNotAllowed, MiddlewarePosition.BEFORE_ROUTING)
    asgi_app: ASGIApp = app
    return asgi_app
