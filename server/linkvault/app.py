"""The ASGI application: the spec loaded by Connexion, handlers resolved by tag and operationId."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolution, Resolver
from connexion.utils import get_function_from_name
from starlette.types import ASGIApp

from linkvault import request_ids
from linkvault.api._naming import handler_path
from linkvault.api._problems import ERROR_HANDLERS, render_error
from linkvault.api._spec import SPEC_PATH, operation_rules
from linkvault.api._validation import VALIDATORS
from linkvault.engine import housekeeping
from linkvault.engine.services import Services, open_services
from linkvault.middleware import (
    BodyLimit,
    CallbackHeaders,
    MethodNotAllowed,
    OneCredential,
    RequestId,
    RequestLimits,
    RequestScope,
    RequireContentType,
)
from linkvault.settings import Settings

__all__ = ["SPEC_PATH", "SpecResolver", "create_app"]


class SpecResolver(Resolver):  # type: ignore[misc]
    """Resolves each operation to ``linkvault.api.<snake(tag)>.<snake(operationId)>``."""

    def resolve(self, operation: Any) -> Resolution:
        tags = operation._operation.get("tags") or ["default"]
        path = handler_path(tags[0], operation.operation_id)
        # Connexion records this id for the request; the error rendering and the callback headers
        # look up the operation's rules by it.
        return Resolution(get_function_from_name(path), operation.operation_id)


def create_app(settings: Settings, services: Services | None = None) -> ASGIApp:
    """The linkvault ASGI application over ``services`` (opened from ``settings`` when not given);
    the services are closed with the application's lifespan."""
    services = services or open_services(settings)
    operation_rules()  # a spec whose rules do not parse stops the server here, not on a request

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        request_ids.install()  # the server has set up its log handlers by now
        housekeeping_task = asyncio.create_task(housekeeping.run_periodically(services))
        try:
            yield
        finally:
            housekeeping_task.cancel()
            await asyncio.gather(housekeeping_task, return_exceptions=True)
            await services.aclose()

    # No Swagger UI: it would load scripts from a CDN, and the spec is served at /openapi.json.
    app = AsyncApp(__name__, lifespan=lifespan, swagger_ui_options=SwaggerUIOptions(swagger_ui=False))
    app.add_api(
        SPEC_PATH,
        resolver=SpecResolver(),
        pythonic_params=True,
        strict_validation=False,  # providers append their own parameters to callbacks
        validate_responses=False,
        validator_map=VALIDATORS,
    )
    for exception_class in ERROR_HANDLERS:
        app.add_error_handler(exception_class, render_error)
    # Each BEFORE_EXCEPTION middleware goes just outside the error rendering, after those added before
    # it: RequestId outermost, RequestScope innermost. RequestId and CallbackHeaders wrap the rendered
    # errors too, and the error log lines are written inside RequestId.
    app.add_middleware(RequestId, MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(BodyLimit, MiddlewarePosition.BEFORE_EXCEPTION, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(CallbackHeaders, MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(RequestScope, MiddlewarePosition.BEFORE_EXCEPTION, services=services)
    app.add_middleware(MethodNotAllowed, MiddlewarePosition.BEFORE_ROUTING)
    # Just after routing (which reads only the path), before security, validation and the handler
    # parse the query, the headers or the body.
    app.add_middleware(
        RequestLimits,
        MiddlewarePosition.BEFORE_SECURITY,
        max_url_length=settings.max_url_length,
        max_query_parameters=settings.max_query_parameters,
        max_header_count=settings.max_header_count,
        max_header_bytes=settings.max_header_bytes,
        max_json_depth=settings.max_json_depth,
        max_json_values=settings.max_json_values,
    )
    app.add_middleware(OneCredential, MiddlewarePosition.BEFORE_SECURITY)
    app.add_middleware(RequireContentType, MiddlewarePosition.BEFORE_VALIDATION)
    asgi_app: ASGIApp = app
    return asgi_app
