"""The ASGI middleware around the Connexion application, one concern each."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

from connexion.exceptions import BadRequestProblem, UnsupportedMediaTypeProblem
from connexion.middleware.swagger_ui import SwaggerUIMiddleware
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from linkvault import explorer, request_ids
from linkvault.api._context import services_var
from linkvault.api._problems import BodyTooLarge, CredentialsRefused, RequestLimitExceeded
from linkvault.api._representations import CALLBACK_HEADERS
from linkvault.api._spec import is_callback_path, resource_of, rules_of
from linkvault.engine.services import Services

__all__ = [
    "BodyLimit",
    "CallbackHeaders",
    "ExplorerHeaders",
    "JsonMeasure",
    "MethodNotAllowed",
    "OneCredential",
    "RequestId",
    "RequestLimits",
    "RequestScope",
    "RequireContentType",
    "TrimFieldValues",
    "measure_json",
]


def _add_headers(message: Message, headers: Mapping[str, str]) -> None:
    """Set ``headers`` on an ASGI ``http.response.start`` message (other messages pass unchanged)."""
    if message["type"] == "http.response.start":
        merged = MutableHeaders(raw=list(message.get("headers", [])))
        merged.update(headers)
        message["headers"] = merged.raw


# Optional whitespace (RFC 9110 §5.6.3).
_OWS = b" \t"


class TrimFieldValues:
    """Every request header's value without leading or trailing whitespace, as field parsing leaves
    it (RFC 9110 §5.5). uvicorn's httptools parser keeps trailing whitespace, so ``X-API-KEY: <key>␠``
    was taken for another key and ``Content-Type: application/json␠`` for another media type."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = scope.get("headers", [])
            if any(value[:1] in (b" ", b"\t") or value[-1:] in (b" ", b"\t") for _, value in headers):
                scope["headers"] = [(name, value.strip(_OWS)) for name, value in headers]
        await self.app(scope, receive, send)


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
    Referer header, nor be cached (RFC 9700 §4.2.4). So does every other answer on a callback's path
    (a 405 to another method, the redirect of a trailing slash, which repeats the query)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            # Routing has recorded the operation by the time the answer starts.
            if message["type"] == "http.response.start" and (
                rules_of(scope).callback or is_callback_path(scope["path"])
            ):
                _add_headers(message, CALLBACK_HEADERS)
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RequireContentType:
    """A request to an operation that takes a body must say what it sends (``Content-Type``); 415
    otherwise. Connexion would guess JSON for validation but hand the handler the raw bytes.

    The media type is passed on in lower case: its type and subtype are case-insensitive (RFC 9110
    §8.3.1), and Connexion compares them so when it accepts a body but looks up the body's schema by
    the exact string, so ``Application/JSON`` reached the handler unvalidated, as bytes. Parameters
    (``charset``, a multipart ``boundary``) are left as sent. Two ``Content-Type`` fields are a 400."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and rules_of(scope).takes_body:
            headers = scope.get("headers", [])
            found = [index for index, (name, _) in enumerate(headers) if name == b"content-type"]
            if not found:
                raise UnsupportedMediaTypeProblem(detail="the request body must be sent as application/json")
            if len(found) > 1:
                # One field, one value (RFC 9110 §8.3): which of two the body is sent as is anyone's guess.
                raise BadRequestProblem(detail="the request carries more than one Content-Type")
            value = headers[found[0]][1]
            media_type, separator, parameters = value.partition(b";")
            # Whitespace may stand around the ";" (RFC 9110 §5.6.6).
            normalised = media_type.strip(_OWS).lower()
            if normalised != media_type:
                headers = list(headers)
                headers[found[0]] = (b"content-type", normalised + separator + parameters)
                # In place, as Starlette's MutableHeaders does: what runs after reads the same scope.
                scope["headers"] = headers
        await self.app(scope, receive, send)


class MethodNotAllowed:
    """405 with the resource's methods in ``Allow`` (RFC 9110 §15.5.6), decided by the spec's paths.

    Connexion gives every operation its own route, so Starlette's own 405 lists the methods of one
    operation only, and a method a concrete path lacks is routed to a templated path that has it
    (``DELETE /v1/linked-accounts/oauth2`` reached ``delete_linked_account``).

    A path with an encoded slash (``%2F``) names no resource: 404. Routing sees the decoded path, so
    ``/v1/webhook-endpoints/<id>%2Fdeliveries`` was another operation's path, and a parameter of
    ``%2F`` alone a trailing slash that Starlette redirected; no path parameter of the spec can hold
    a slash. It runs before the explorer's routes too (``/ui%2F`` served the explorer)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            # Up to a "?": some clients' ASGI transports (httpx's) put the query in raw_path too.
            raw_path: bytes = (scope.get("raw_path") or b"").partition(b"?")[0]
            if b"%2f" in raw_path.lower():
                raise HTTPException(404)
            resource = resource_of(scope["path"])
            if resource is not None and scope["method"] not in resource.methods:
                raise HTTPException(405, headers={"Allow": ", ".join(sorted(resource.methods))})
        await self.app(scope, receive, send)


class ExplorerRoutes(SwaggerUIMiddleware):  # type: ignore[misc]
    """Connexion's Swagger UI middleware (the explorer under ``/ui``, the spec at ``/openapi.json`` and
    ``/openapi.yaml``), whose router is asked only about paths that begin as those do.

    Connexion's copies the scope and runs its router, a mount with the explorer's routes, for every
    request, the API's included, only to hand them on: about 4% of a credentials read's CPU (py-spy,
    12,000 reads in process). None of its routes, nor their trailing-slash variants that Starlette
    redirects to, can match another path."""

    _PREFIXES = (explorer.UI_PATH, "/openapi")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not scope["path"].startswith(self._PREFIXES):
            await self.app(scope, receive, send)
            return
        await super().__call__(scope, receive, send)


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


# A JSON string, escapes included; written as an unrolled loop, so that no input makes it backtrack.
_JSON_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_SCAN_INLINE_BYTES = 65_536
# Skeleton of a JSON text: brackets, commas and colons kept, every scalar byte turned into "1",
# whitespace dropped; then brackets only, "{}" read as "[]".
_SCALAR_BYTES = bytes(byte for byte in range(256) if byte not in b"[]{},: \t\r\n")
_TO_SKELETON = bytes.maketrans(_SCALAR_BYTES, b"1" * len(_SCALAR_BYTES))
_TO_BRACKETS = bytes.maketrans(b"{}", b"[]")


@dataclass(frozen=True)
class JsonMeasure:
    """What ``measure_json`` found: ``too_deep`` (arrays and objects nested deeper than asked) and
    ``values`` (every value: the top one, each array item and each object member)."""

    too_deep: bool
    values: int


def measure_json(body: bytes, max_depth: int) -> JsonMeasure:
    """The nesting and size of the JSON text ``body``, without parsing it (``[]`` nests 1 deep).

    Linear in ``len(body)`` and at C speed: strings are cut out, scalars reduced to a mark, and each
    pass then removes the innermost level of bracket pairs; a pair left after ``max_depth`` passes
    lies deeper. Text that is not JSON is left to the parser, except that more unclosed brackets than
    ``max_depth`` count as too deep (they are all open at once)."""
    skeleton = _JSON_STRING.sub(b"1", body).translate(_TO_SKELETON, b" \t\r\n")
    containers = skeleton.count(b"[") + skeleton.count(b"{")
    empty = skeleton.count(b"[]") + skeleton.count(b"{}")
    values = 1 + skeleton.count(b",") + containers - empty
    brackets = skeleton.translate(_TO_BRACKETS, b",:1")
    for _ in range(max_depth):
        inner_removed = brackets.replace(b"[]", b"")
        if len(inner_removed) == len(brackets):
            break
        brackets = inner_removed
    else:
        if b"[]" in brackets:
            return JsonMeasure(too_deep=True, values=values)
    return JsonMeasure(too_deep=brackets.count(b"[") > max_depth, values=values)


def _is_utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


class RequestLimits:
    """Bounds a request's target, query, headers and JSON body (nesting, number of values) before
    anything parses them, so that no request costs more than linear work, or holds the event loop
    long, before it is refused (``RequestLimitExceeded``: 414, 400, 431, 400 and 400).

    It runs just after routing, which reads only the path (the operation's error shape is known then),
    and before security, validation and the handler: Connexion 3.3 builds its query parameters in
    time quadratic in their number (``{k: args.getlist(k) for k in args}`` in ``connexion.lifecycle``,
    with no hook to replace it), and the bound on their number is what keeps that cost small. The
    body is read whole (within ``max_body_bytes``, enforced outside) and scanned the first time the
    application asks for it, so operations that take no body never read one."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_url_length: int,
        max_query_parameters: int,
        max_header_count: int,
        max_header_bytes: int,
        max_json_depth: int,
        max_json_values: int,
    ) -> None:
        self.app = app
        self.max_url_length = max_url_length
        self.max_query_parameters = max_query_parameters
        self.max_header_count = max_header_count
        self.max_header_bytes = max_header_bytes
        self.max_json_depth = max_json_depth
        self.max_json_values = max_json_values

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        self._check_target(scope)
        headers: list[tuple[bytes, bytes]] = scope.get("headers", [])
        self._check_headers(headers)
        is_json = any(name == b"content-type" and b"json" in value.lower() for name, value in headers)
        await self.app(scope, self._scanned(receive) if is_json else receive, send)

    def _check_target(self, scope: Scope) -> None:
        query: bytes = scope.get("query_string", b"")
        path: bytes = scope.get("raw_path") or scope["path"].encode("utf-8")
        length = len(path) + (len(query) + 1 if query else 0)
        if length > self.max_url_length:
            raise RequestLimitExceeded(
                "uri_too_long", f"the request target is longer than {self.max_url_length} bytes"
            )
        # Counted as the query parser does: an empty field between two "&" is no parameter. The
        # target's length is bounded by now, so this is cheap.
        if sum(1 for field in query.split(b"&") if field) > self.max_query_parameters:
            raise RequestLimitExceeded(
                "too_many_query_parameters",
                f"the request has more than {self.max_query_parameters} query parameters",
            )
        # Percent-encoded bytes that are not UTF-8 (``%ff``) would reach the application as U+FFFD,
        # so that two different owner ids, say, became one; refused instead. A UTF-8 sequence never
        # holds the bytes of "&", "=" or "/", so the whole target decodes as its parts do.
        for part, where in ((path, "path"), (query, "query")):
            if b"%" in part and not _is_utf8(unquote_to_bytes(part)):
                raise RequestLimitExceeded(
                    "invalid_request", f"the request's {where} is not UTF-8 once percent-decoded"
                )

    def _check_headers(self, headers: list[tuple[bytes, bytes]]) -> None:
        if len(headers) > self.max_header_count:
            raise RequestLimitExceeded(
                "header_fields_too_large", f"the request has more than {self.max_header_count} header fields"
            )
        if sum(len(name) + len(value) for name, value in headers) > self.max_header_bytes:
            raise RequestLimitExceeded(
                "header_fields_too_large",
                f"the request's header fields add up to more than {self.max_header_bytes} bytes",
            )

    def _scanned(self, receive: Receive) -> Receive:
        scanned = False

        async def scanned_receive() -> Message:
            nonlocal scanned
            if scanned:
                return await receive()
            scanned = True
            chunks = []
            while True:
                message = await receive()
                if message["type"] != "http.request":
                    return message
                chunks.append(message.get("body", b""))
                if not message.get("more_body", False):
                    break
            body = b"".join(chunks)
            # A large body is measured off the event loop: the scan is linear, but a megabyte of
            # brackets takes a tenth of a second, and other requests must not wait for it.
            if len(body) < _SCAN_INLINE_BYTES:
                measure = measure_json(body, self.max_json_depth)
            else:
                measure = await asyncio.to_thread(measure_json, body, self.max_json_depth)
            if measure.too_deep:
                raise RequestLimitExceeded(
                    "nested_too_deeply",
                    f"the request body nests arrays and objects more than {self.max_json_depth} deep",
                )
            # Parsing holds the event loop (json.loads never lets go of the GIL) for about a second
            # per megabyte of small values; their number bounds that.
            if measure.values > self.max_json_values:
                raise RequestLimitExceeded(
                    "too_many_json_values",
                    f"the request body has more than {self.max_json_values} JSON values",
                )
            return {"type": "http.request", "body": body, "more_body": False}

        return scanned_receive


class OneCredential:
    """A request to an authenticated operation carries one API key: two that differ (``X-API-KEY``
    and ``Authorization: Bearer``, or the same header twice) are refused with 401 whichever is valid
    (RFC 6750 §2: a client uses one method per request), since which one counts would be a guess.
    The same key sent both ways names one credential and passes.

    It runs after routing (only authenticated operations are concerned) and before security."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and rules_of(scope).authenticated:
            keys = set()
            for name, value in scope.get("headers", []):
                if name == b"x-api-key":
                    keys.add(value.strip())
                elif name == b"authorization":
                    scheme, _, token = value.strip().partition(b" ")
                    if scheme.lower() == b"bearer":
                        keys.add(token.strip())
            if len(keys) > 1:
                raise CredentialsRefused(
                    "conflicting_credentials",
                    "the request carries two different API keys (in X-API-KEY or Authorization: Bearer "
                    "headers); send one (RFC 6750 §2)",
                )
        await self.app(scope, receive, send)
