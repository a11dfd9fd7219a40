"""The ASGI application: the spec loaded by Connexion, handlers resolved by tag and operationId."""

from __future__ import annotations

import asyncio
import dataclasses
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from connexion import AsyncApp
from connexion.middleware import ConnexionMiddleware, MiddlewarePosition
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolution, Resolver
from connexion.utils import get_function_from_name
from starlette.types import ASGIApp

from linkvault import explorer, metrics, request_ids
from linkvault.api._naming import handler_path
from linkvault.api._operations import OnceDecoratedApi
from linkvault.api._problems import ERROR_HANDLERS, render_error
from linkvault.api._security import SECURITY_MAP
from linkvault.api._spec import SPEC_PATH, operation_rules
from linkvault.api._validation import VALIDATORS
from linkvault.engine import housekeeping, idle_refresh, webhook_delivery
from linkvault.engine.observer import NULL_OBSERVER
from linkvault.engine.services import Services, open_services
from linkvault.middleware import (
    BodyLimit,
    CallbackHeaders,
    ExplorerHeaders,
    ExplorerRoutes,
    MethodNotAllowed,
    OneCredential,
    RequestId,
    RequestLimits,
    RequestScope,
    RequireContentType,
    TrimFieldValues,
)
from linkvault.settings import Settings, load_settings

__all__ = ["SPEC_PATH", "SpecResolver", "create_app", "create_app_for_serving", "create_app_from_env"]


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
    the services are closed with the application's lifespan.

    With ``LINKVAULT_METRICS_ENABLED``, the engine reports to Prometheus (the services' observer is
    replaced by ``linkvault.metrics``'s), the pool is followed, and ``GET /metrics`` answers."""
    observer = metrics.PrometheusObserver() if settings.metrics_enabled else NULL_OBSERVER
    if services is None:
        services = open_services(settings, observer=observer)
    elif settings.metrics_enabled:
        services = dataclasses.replace(services, observer=observer)
    if settings.metrics_enabled:
        metrics.instrument_pool(services.db_engine)
    operation_rules()  # a spec whose rules do not parse stops the server here, not on a request

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        request_ids.install()  # the server has set up its log handlers by now
        # Background loops of every replica: housekeeping, webhook delivery, idle-account refresh.
        tasks = [
            asyncio.create_task(housekeeping.run_periodically(services)),
            asyncio.create_task(webhook_delivery.run_periodically(services)),
            asyncio.create_task(idle_refresh.run_periodically(services)),
        ]
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await services.aclose()
            if settings.metrics_enabled:
                metrics.worker_exited()

    # Swagger UI from Connexion's swagger-ui extra: its assets are served from the package, never a
    # CDN; ExplorerHeaders gives them a strict Content-Security-Policy. The spec stays at
    # /openapi.json and /openapi.yaml.
    app = AsyncApp(
        __name__,
        lifespan=lifespan,
        # MethodNotAllowed goes where add_middleware would put it before Connexion's own explorer
        # middleware, which ExplorerRoutes replaces.
        middlewares=[
            layer
            for default in ConnexionMiddleware.default_middlewares
            for layer in (
                (MethodNotAllowed, ExplorerRoutes) if default is SwaggerUIMiddleware else (default,)
            )
        ],
        swagger_ui_options=SwaggerUIOptions(swagger_ui=True, swagger_ui_path=explorer.UI_PATH),
        security_map=SECURITY_MAP,
    )
    # AsyncApp takes no API class of its own; its ASGI app reads this one for each add_api.
    app._middleware_app.api_cls = OnceDecoratedApi
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
    # it: TrimFieldValues outermost (every layer reads trimmed header values), then RequestId,
    # RequestScope innermost. RequestId and CallbackHeaders wrap the rendered errors too, and the error
    # log lines are written inside RequestId.
    if settings.metrics_enabled:
        token = settings.metrics_bearer_token
        # Not in the spec: a text/plain page for Prometheus, with its own bearer token, is no API
        # operation an SDK user should call.
        app.add_url_rule(
            metrics.METRICS_PATH,
            "metrics",
            metrics.metrics_endpoint(None if token is None else token.get_secret_value()),
            methods=["GET"],
        )
    app.add_middleware(TrimFieldValues, MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(RequestId, MiddlewarePosition.BEFORE_EXCEPTION)
    if settings.metrics_enabled:
        # Inside RequestId, outside the error rendering: it sees every answer's final status.
        app.add_middleware(metrics.RequestMetrics, MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(ExplorerHeaders, MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(BodyLimit, MiddlewarePosition.BEFORE_EXCEPTION, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(CallbackHeaders, MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(RequestScope, MiddlewarePosition.BEFORE_EXCEPTION, services=services)
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


def create_app_for_serving(settings: Settings) -> ASGIApp:
    """``create_app`` for a process that does nothing but serve it (``linkvault serve`` and each of its
    workers): once the application is built, the heap is collected and frozen (``gc.freeze``).

    What is loaded by then (modules, the spec and its compiled validators, the catalog) lives as long
    as the process; frozen, the cyclic collector no longer walks it on every full collection, which
    otherwise took 70 to 80 ms on the benchmark's machine, a stall every few seconds under load on
    PostgreSQL (benchmarks/README.md). Objects made afterwards are collected as before. Not done by
    ``create_app`` itself: a process that builds many applications (the tests) would keep every
    earlier one's cycles for good.

    The youngest generation is collected after 10,000 allocations instead of CPython's 700. A request
    makes thousands of objects that live until its answer, so with 100 requests under way a collection
    every 700 walked objects still in use, and moved them to the older generations, to be walked
    again; later, most have died by their reference counts before a collection comes. Measured in the
    benchmark's refresh storm on SQLite (100 requests at once, six storms each, two runs in turns):
    the slowest answer's lead over the provider's time 71-109 ms → 72-90 ms; the hot path at 8 and 128
    connections about the same or a few percent faster (benchmarks/README.md)."""
    app = create_app(settings)
    gc.collect()
    gc.freeze()
    _gen0, gen1, gen2 = gc.get_threshold()
    gc.set_threshold(10_000, gen1, gen2)
    return app


def create_app_from_env() -> ASGIApp:
    """``create_app_for_serving`` on the settings of the environment: the factory each worker process of
    ``linkvault serve --workers N`` calls (uvicorn needs an import string to start several)."""
    return create_app_for_serving(load_settings())
