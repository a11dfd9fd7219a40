"""The only place where errors become HTTP responses.

Errors are RFC 9457 problem details, except on the browser face (``x-linkvault-browser``) when the
request prefers ``text/html`` (a page for a person, ``linkvault.api._pages``), and where the spec's
``x-linkvault-errors`` names a seed's own shape for the operation: ``http-validation-error`` (request
validation errors are 422 ``HTTPValidationError``) or ``error-object`` (every error is
``{"error": "..."}``). The ``code`` member is the domain error's own ``code``; the status of each error
class is chosen here and nowhere else.
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
from linkvault.api._pages import PAGE_HEADERS, page_for, prefers_html
from linkvault.api._spec import OperationRules, rules_of
from linkvault.api._validation import RequestProblem
from linkvault.engine.outcomes import outcome_of

__all__ = [
    "ERROR_HANDLERS",
    "RETRY_AFTER_SECONDS",
    "BodyTooLarge",
    "CredentialsRefused",
    "MetricsTokenRequired",
    "RequestLimitExceeded",
    "render_error",
]

logger = logging.getLogger(__name__)

# Each domain error's status; a subclass takes its nearest listed ancestor's (see _status_of).
_STATUS: dict[type[errors.LinkvaultError], int] = {
    errors.NotFound: 404,
    errors.Conflict: 409,
    errors.InvalidInput: 400,
    errors.LinkError: 400,
    errors.ProviderError: 502,
    errors.ProviderTimeout: 504,
    errors.DecryptionError: 500,
    errors.ServiceUnavailable: 503,
}
# How long a client is asked to wait before retrying a 503 (RFC 9110 §10.2.3): long enough not to
# hammer a database that is coming back, short enough that service resumes soon after it does.
RETRY_AFTER_SECONDS = 5
_TITLES = {
    400: "Bad Request",
    401: "Unauthorized",
    404: "Not Found",
    405: "Method Not Allowed",
    409: "Conflict",
    413: "Content Too Large",
    414: "URI Too Long",
    415: "Unsupported Media Type",
    422: "Unprocessable Content",
    431: "Request Header Fields Too Large",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
    504: "Gateway Timeout",
}
# Codes of the refusals the framework answers itself (routing, methods, media types), so that every
# problem carries a code.
_FRAMEWORK_CODES = {
    400: "invalid_request",
    404: "not_found",
    405: "method_not_allowed",
    415: "unsupported_media_type",
}
# Connexion's validation messages quote the value they refuse; a long one (a pasted secret, a huge
# string) is not repeated back or into logs of the answer.
_LONG_QUOTED_VALUE = re.compile(r"'[^']{65,}'")


def _elide(match: re.Match[str]) -> str:
    return f"<a value of {len(match.group(0)) - 2} characters>"


class CredentialsRefused(Unauthorized):  # type: ignore[misc]
    """Credentials refused for a reason the caller may be told, because it does not say whether a
    key exists: two different API keys in one request (``conflicting_credentials``), or a valid key
    sent with an ``X-Tenant-Id`` of another project (``tenant_mismatch``)."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail=detail)
        self.code = code


class RequestLimitExceeded(Exception):
    """A request over one of the ``LINKVAULT_MAX_*`` bounds (``linkvault.middleware``); ``code`` names
    the bound, ``detail`` says it in words. Not a domain error: the engine never sees such a request."""

    def __init__(self, code: str, detail: str) -> None:
        super().__init__(detail)
        self.code = code
        self.detail = detail


class BodyTooLarge(RequestLimitExceeded):
    """The request body exceeds LINKVAULT_MAX_BODY_BYTES."""

    def __init__(self) -> None:
        super().__init__("body_too_large", "the request body is too large")


# The status of each bound: 414 and 431 where RFC 9110 §15.5.15 and RFC 6585 §5 name the fault, 400
# where no status does.
_LIMIT_STATUS = {
    "body_too_large": 413,
    "uri_too_long": 414,
    "too_many_query_parameters": 400,
    "header_fields_too_large": 431,
    "nested_too_deeply": 400,
    "too_many_json_values": 400,
    # A request target that is not UTF-8 once percent-decoded.
    "invalid_request": 400,
}


class MetricsTokenRequired(Exception):
    """A request for /metrics without the bearer token LINKVAULT_METRICS_BEARER_TOKEN asks for."""


def _status_of(exc: errors.LinkvaultError) -> int | None:
    for cls in type(exc).__mro__:
        if cls in _STATUS:
            return _STATUS[cls]
    return None


def _status_code_and_reason(exc: Exception) -> tuple[int, str | None, str]:
    """(status, machine-readable code, detail safe to show) of an exception."""
    status = _status_of(exc) if isinstance(exc, errors.LinkvaultError) else None
    if isinstance(exc, errors.LinkvaultError) and status is not None:
        return status, exc.code, exc.message
    if isinstance(exc, CredentialsRefused):
        return 401, exc.code, str(exc.detail)
    if isinstance(exc, Unauthorized):
        return 401, "unauthorized", "a valid API key is required"
    if isinstance(exc, BadRequestProblem):
        return 400, "invalid_request", _LONG_QUOTED_VALUE.sub(_elide, str(exc.detail))
    if isinstance(exc, ProblemException):
        return exc.status, _FRAMEWORK_CODES.get(exc.status), str(exc.detail or exc.title or "")
    if isinstance(exc, HTTPException):
        return exc.status_code, _FRAMEWORK_CODES.get(exc.status_code), str(exc.detail)
    if isinstance(exc, MetricsTokenRequired):
        return 401, "unauthorized", "the metrics need a valid bearer token"
    if isinstance(exc, RequestLimitExceeded):
        return _LIMIT_STATUS[exc.code], exc.code, exc.detail
    if isinstance(exc, UnicodeDecodeError):
        return 400, "invalid_request", "the request body is not valid UTF-8"
    if isinstance(exc, RecursionError):
        return 400, "invalid_request", "the request body is nested too deeply"
    return 500, None, "the server failed; see its log"


def _location(exc: Exception, rules: OperationRules) -> list[str | int]:
    """FastAPI's ``loc`` of a validation error: the validator's own path, or the field the engine
    named, placed where the operation's spec puts that parameter (the body when it is no parameter)."""
    if isinstance(exc, RequestProblem):
        return list(exc.location)
    field = exc.field if isinstance(exc, errors.InvalidInput) else ()
    if field and field[0] in rules.parameters:
        return [rules.parameters[field[0]], *field]
    return ["body", *field]


def render_error(request: ConnexionRequest, exc: Exception) -> ConnexionResponse:
    status, code, detail = _status_code_and_reason(exc)
    if isinstance(exc, errors.ProviderError):
        # The provider failed, not linkvault: one line, no traceback (the detail holds no secret).
        logger.warning("%s %s: %s", request.method, request.url.path, detail, extra={"code": code})
    elif isinstance(exc, errors.ServiceUnavailable):
        # An outage, not a bug: one line per request, naming the cause (the driver's message holds
        # no secret; the database URL's password is not in it).
        cause = exc.reason or (type(exc.__cause__).__name__ if exc.__cause__ is not None else None)
        logger.warning(
            "%s %s: %s%s", request.method, request.url.path, detail,
            f" ({cause})" if cause else "", extra={"code": code},
        )  # fmt: skip
    elif isinstance(exc, errors.DecryptionError):
        # A key missing from the configuration, not a bug: one line with its code, no traceback.
        logger.error(
            "%s %s: %s; %s", request.method, request.url.path, detail, exc.REMEDY, extra={"code": code}
        )
    elif status >= 500:
        logger.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    rules = rules_of(request.scope)
    headers: dict[str, str] = {}
    if status == 401:
        headers["WWW-Authenticate"] = "Bearer"
    if status == 503:
        headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    if isinstance(exc, HTTPException) and exc.headers:
        headers.update(exc.headers)  # e.g. the Allow of a 405

    if rules.browser and prefers_html(request.headers.get("accept")):
        # A person's browser: the same status, with a page in plain words instead of a problem.
        return ConnexionResponse(
            status_code=status,
            mimetype="text/html",
            content_type="text/html; charset=utf-8",
            body=page_for(outcome_of(exc)).encode("utf-8"),
            headers={**headers, **PAGE_HEADERS},
        )
    validation = isinstance(exc, BadRequestProblem | errors.InvalidInput)
    body: dict[str, Any]
    if rules.errors == "error-object":
        # The code, as the docs promise (RFC 6749 §5.2's error and error_description, which quiva.ai's
        # clients read like an OAuth error): what a program branches on, then the words for a person.
        error = code or ("server_error" if status >= 500 else "invalid_request")
        mimetype, body = "application/json", {"error": error, "error_description": detail}
    elif validation and rules.errors == "http-validation-error":
        status, mimetype = 422, "application/json"
        body = {"detail": [{"loc": _location(exc, rules), "msg": detail, "type": "value_error"}]}
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
    MetricsTokenRequired,
    RequestLimitExceeded,
    UnicodeDecodeError,
    RecursionError,
    Exception,
]
