"""The ASGI middleware around the Connexion application, one concern each."""

from __future__ import annotations

from collections.abc import Mapping

from connexion.exceptions import UnsupportedMediaTypeProblem
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linkvault import explorer, request_ids
from linkvault.api._context import services_var
from linkvault.api._problems import BodyTooLarge
from linkvault.api._representations import CALLBACK_HEADERS
from linkvault.api._spec import resources, rules_of
from linkvault.engine.services import Services

__all__ = [
    "BodyLimit",
    "CallbackHeaders",
    "ExplorerHeaders",
    "MethodNotAllowed",
    "RequestId",
    "RequestScope",
    "RequireContentType",
]


def _add_headers(message: Message, headers: Mapping[str, str]) -> None:
    """Set ``headers`` on an ASGI ``http.response.start`` message (other messages pass unchanged)."""
    if message["type"] == "http.response.start":
        merged = MutableHeaders(raw=list(message.get("headers", [])))
        merged.update(headers)
        message["headers"] = merged.raw


class RequestId:
    """Every answer carries ``X-Request-ID``, the caller's when acceptable, else a new one, and every
    log line written while the request runs carries it too (``linkvault.request_ids``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = Headers(scope=scope).get(request_ids.HEADER)
        request_id = request_ids.accept_or_generate(sent)
        token = request_ids.request_id_var.set(request_id)

        async def send_with_id(message: Message) -> None:
            _add_headers(message, {request_ids.HEADER: request_id})
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            request_ids.request_id_var.reset(token)


class RequestScope:
    """Makes the services reachable from handlers and security functions for one request.

    It also gives every scope an ``extensions`` key; uvicorn's scope has none, and Connexion records
    the operation there, where the error rendering and ``CallbackHeaders`` read it."""

    def __init__(self, app: ASGIApp, services: Services) -> None:
        self.app = app
        self.services = services

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.setdefault("extensions", {})
        token = services_var.set(self.services)
        try:
            await self.app(scope, receive, send)
        finally:
            services_var.reset(token)


class BodyLimit:
    """Refuses request bodies over ``max_body_bytes`` (``BodyTooLarge``, rendered as 413): at once
    when ``Content-Length`` says so, else as soon as the bytes received pass the limit, so a body is
    never read whole into memory first."""

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        await self.app(scope, self._bounded(scope, receive), send)

    def _bounded(self, scope: Scope, receive: Receive) -> Receive:
        limit = self.max_body_bytes
        too_large = any(
            name == b"content-length" and (not value.isdigit() or int(value) > limit)
            for name, value in scope.get("headers", [])
        )
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


class CallbackHeaders:
    """Every answer of an operation the spec marks ``x-linkvault-callback``, errors included, carries
    the callback headers: the page the user lands on must not leak its URL (code, state) through the
    Referer header, nor be cached (RFC 9700 §4.2.4)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            # Routing has recorded the operation by the time the answer starts.
            if message["type"] == "http.response.start" and rules_of(scope).callback:
                _add_headers(message, CALLBACK_HEADERS)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RequireContentType:
    """A request to an operation that takes a body must say what it sends (``Content-Type``); 415
    otherwise. Connexion would guess JSON for validation but hand the handler the raw bytes."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and rules_of(scope).takes_body:
            if not any(name == b"content-type" for name, _ in scope.get("headers", [])):
                raise UnsupportedMediaTypeProblem(detail="the request body must be sent as application/json")
        await self.app(scope, receive, send)


class MethodNotAllowed:
    """405 with the resource's methods in ``Allow`` (RFC 9110 §15.5.6), decided by the spec's paths.

    Connexion gives every operation its own route, so Starlette's own 405 lists the methods of one
    operation only, and a method a concrete path lacks is routed to a templated path that has it
    (``DELETE /v1/linked-accounts/oauth2`` reached ``delete_linked_account``)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.resources = resources()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            for resource in self.resources:
                if resource.pattern.fullmatch(scope["path"]):
                    if scope["method"] not in resource.methods:
                        raise HTTPException(405, headers={"Allow": ", ".join(sorted(resource.methods))})
                    break
        await self.app(scope, receive, send)


class ExplorerHeaders:
    """Every answer under ``/ui`` (the Swagger UI page and its assets) carries a strict
    Content-Security-Policy (``linkvault.explorer``), is not sniffed for another media type, and sends
    no Referer to other sites."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = {
            "Content-Security-Policy": explorer.content_security_policy(),
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
        }

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not explorer.is_explorer_path(scope["path"]):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            _add_headers(message, self.headers)
            await send(message)

        await self.app(scope, receive, send_with_headers)
