"""The only place where errors become HTTP responses.

Errors are RFC 9457 problem details, except where a seed operation declares its own shape:
validation errors of the ACI start and LangSmith callback are 422 ``HTTPValidationError``, and every
error of the quiva.ai callback is ``{"error": "..."}``.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from connexion.exceptions import BadRequestProblem, ProblemException, Unauthorized
from connexion.lifecycle import ConnexionRequest, ConnexionResponse
from starlette.exceptions import HTTPException

from linkvault import errors
from linkvault.api.representations import CALLBACK_HEADERS

__all__ = ["ERROR_HANDLERS", "BodyTooLarge", "render_error"]

logger = logging.getLogger(__name__)

_VALIDATION_AS_422 = {
    "linked-accounts-link_oauth2_account",
    "oauth_callback_v2_auth_callback__provider_id__post",
}
_ERROR_OBJECT = {"integrationsOauthCallback"}
_CALLBACKS = {
    "linked-accounts-linked_accounts_oauth2_callback",
    "oauth_callback_v2_auth_callback__provider_id__post",
    "oauth2Callback",
    "integrationsOauthCallback",
}
_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    500: "Internal Server Error",
    502: "Bad Gateway",
    504: "Gateway Timeout",
}
_MISSING_PARAMETER = re.compile(r"Missing (\w+) parameter '([^']*)'")
_BODY_PATH = re.compile(r" - '([^']*)'$")
# Connexion's validation messages quote the value they refuse; a long one (a pasted secret, a huge
# string) is not repeated back or into logs of the answer.
_LONG_QUOTED_VALUE = re.compile(r"'[^']{65,}'")
_REQUIRED_PROPERTY = re.compile(r"'([^']*)' is a required property")


def _elide(match: re.Match[str]) -> str:
    return f"<a value of {len(match.group(0)) - 2} characters>"


class BodyTooLarge(Exception):
    """The request body exceeds LINKVAULT_MAX_BODY_BYTES."""


def _status_code_and_reason(exc: Exception) -> tuple[int, str | None, str]:
    """(status, machine-readable code, detail safe to show) of an exception."""
    if isinstance(exc, errors.NotFound):
        return 404, "not_found", exc.message
    if isinstance(exc, errors.Conflict):
        return 409, "conflict", exc.message
    if isinstance(exc, errors.InvalidInput):
        return 400, "invalid_input", exc.message
    if isinstance(exc, errors.LinkError):
        return 400, exc.code, exc.message
    if isinstance(exc, errors.ProviderTimeout):
        return 504, "provider_timeout", exc.message
    if isinstance(exc, errors.ProviderError):
        return 502, "provider_error", exc.message
    if isinstance(exc, errors.DecryptionError):
        return 500, "decryption_failed", exc.message
    if isinstance(exc, Unauthorized):
        return 401, "unauthorized", "a valid API key is required"
    if isinstance(exc, BadRequestProblem):
        return 400, "invalid_request", _LONG_QUOTED_VALUE.sub(_elide, str(exc.detail))
    if isinstance(exc, ProblemException):
        return exc.status, None, str(exc.detail or exc.title or "")
    if isinstance(exc, HTTPException):
        return exc.status_code, None, str(exc.detail)
    if isinstance(exc, BodyTooLarge):
        return 413, "body_too_large", "the request body is too large"
    if isinstance(exc, UnicodeDecodeError):
        return 400, "invalid_request", "the request body is not valid UTF-8"
    if isinstance(exc, RecursionError):
        return 400, "invalid_request", "the request body is nested too deeply"
    return 500, None, "the server failed; see its log"


def _location(exc: Exception, detail: str, method: str) -> list[str]:
    """FastAPI-style ``loc`` of a validation error, read from Connexion's message."""
    if isinstance(exc, errors.InvalidInput):
        return list(exc.location)
    if missing := _MISSING_PARAMETER.search(detail):
        return [missing.group(1), missing.group(2)]
    location = ["body"] if method in ("POST", "PUT", "PATCH") else ["query"]
    if path := _BODY_PATH.search(detail):
        location = ["body", *path.group(1).split(".")]
    if required := _REQUIRED_PROPERTY.match(detail):
        location.append(required.group(1))
    return location


def _operation_id(request: ConnexionRequest) -> str | None:
    routing: dict[str, Any] = request.scope.get("extensions", {}).get("connexion_routing", {})
    operation_id = routing.get("operation_id")
    return operation_id if isinstance(operation_id, str) else None


def render_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    status, code, detail = _status_code_and_reason(exc)
    if status >= 500:
        logger.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    operation_id = _operation_id(request)
    headers: dict[str, str] = {}
    if operation_id in _CALLBACKS:
        headers.update(CALLBACK_HEADERS)
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, HTTPException) and exc.headers:
        headers.update(exc.headers)  # e.g. the Allow of a 405

    validation = isinstance(exc, BadRequestProblem | errors.InvalidInput)
    body: dict[str, Any]
    if operation_id in _ERROR_OBJECT:
        mimetype, body = "application/json", {"error": code or detail}
        if validation:
            body = {"error": detail}
    elif validation and operation_id in _VALIDATION_AS_422:
        status, mimetype = 422, "application/json"
        body = {
            "detail": [{"loc": _location(exc, detail, request.method), "msg": detail, "type": "value_error"}]
        }
    else:
        mimetype = "application/problem+json"
        body = {
            "type": "about:blank",
            "title": _TITLES.get(status, "Error"),
            "status": status,
            "detail": detail,
        }
        if code is not None:
            body["code"] = code
    return ConnexionResponse(
        status_code=status,
        mimetype=mimetype,
        content_type=mimetype,
        body=json.dumps(body).encode("utf-8"),
        headers=headers,
    )


ERROR_HANDLERS: list[type[Exception]] = [
    errors.LinkvaultError,
    ProblemException,
    HTTPException,
    BodyTooLarge,
    UnicodeDecodeError,
    RecursionError,
    Exception,
]
