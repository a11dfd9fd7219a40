"""What the spec says about each operation beyond routing, read once per process.

The spec is the one place that says which operations are callback faces, which one a browser lands on,
and which error shape each operation answers in (the ``x-linkvault-callback``, ``x-linkvault-browser``
and ``x-linkvault-errors`` vendor extensions), and
where each parameter sits (``in: query``, ``in: path``); the error rendering and the middleware read
these rules from here instead of keeping lists of their own.
"""

from __future__ import annotations

import functools
import re
from collections.abc import MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

__all__ = [
    "SPEC_PATH",
    "ErrorShape",
    "OperationRules",
    "Resource",
    "is_callback_path",
    "operation_rules",
    "resource_of",
    "resources",
    "rules_of",
]

SPEC_PATH = Path(__file__).resolve().parent.parent / "openapi.yaml"

ErrorShape = Literal["problem", "http-validation-error", "error-object"]
_ERROR_SHAPES: tuple[ErrorShape, ...] = ("problem", "http-validation-error", "error-object")
_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass(frozen=True)
class OperationRules:
    """One operation's rules.

    ``callback``: a callback face, whose every answer carries the callback headers.
    ``browser``: a face a person's browser lands on, which answers a request that prefers ``text/html``
    with a page (``linkvault.api._pages``) instead of JSON, errors included.
    ``errors``: ``problem`` (RFC 9457), ``http-validation-error`` (request validation errors are 422
    ``HTTPValidationError``, the seeds' FastAPI shape) or ``error-object`` (``{"error": ...}``).
    ``parameters``: each parameter's name mapped to where it sits (``query``, ``path``, ``header``).
    ``takes_body``: the operation has a request body.
    ``authenticated``: the operation requires credentials (its ``security`` names schemes).
    """

    callback: bool = False
    browser: bool = False
    errors: ErrorShape = "problem"
    parameters: dict[str, str] = field(default_factory=dict)
    takes_body: bool = False
    authenticated: bool = False


@dataclass(frozen=True)
class Resource:
    """One path of the spec as a pattern, with the methods it serves (HEAD with GET)."""

    pattern: re.Pattern[str]
    methods: frozenset[str]
    callback: bool = False


@functools.cache
def _document() -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
    return document


def _resolve(document: dict[str, Any], item: dict[str, Any]) -> dict[str, Any]:
    """A parameter object, following one local ``$ref`` (``#/components/parameters/...``)."""
    reference = item.get("$ref")
    if not isinstance(reference, str):
        return item
    node: Any = document
    for part in reference.removeprefix("#/").split("/"):
        node = node[part]
    assert isinstance(node, dict)
    return node


@functools.cache
def operation_rules() -> dict[str, OperationRules]:
    """The rules of every operation, by operationId.

    Raises ValueError at start when an ``x-linkvault-errors`` value is not one of the known shapes,
    so a typo in the spec cannot silently change an answer's shape."""
    document = _document()
    rules: dict[str, OperationRules] = {}
    for item in document["paths"].values():
        shared = [_resolve(document, parameter) for parameter in item.get("parameters", [])]
        for method, operation in item.items():
            if method not in _HTTP_METHODS:
                continue
            errors = operation.get("x-linkvault-errors", "problem")
            if errors not in _ERROR_SHAPES:
                raise ValueError(f"{operation['operationId']}: unknown x-linkvault-errors {errors!r}")
            parameters = shared + [_resolve(document, p) for p in operation.get("parameters", [])]
            rules[operation["operationId"]] = OperationRules(
                callback=operation.get("x-linkvault-callback") is True,
                browser=operation.get("x-linkvault-browser") is True,
                errors=errors,
                parameters={parameter["name"]: parameter["in"] for parameter in parameters},
                takes_body="requestBody" in operation,
                authenticated=bool(operation.get("security", document.get("security"))),
            )
    return rules


def rules_of(scope: MutableMapping[str, Any]) -> OperationRules:
    """The rules of the operation an ASGI ``scope`` was routed to (Connexion records its id in the
    scope's extensions); the defaults before routing or for a path the spec lacks."""
    routing = scope.get("extensions", {}).get("connexion_routing", {})
    return operation_rules().get(routing.get("operation_id") or "", _NO_RULES)


_NO_RULES = OperationRules()


@functools.cache
def resources() -> tuple[Resource, ...]:
    """Every path of the spec, concrete paths first, since they match before templated ones
    (OpenAPI 3.0.3 "Paths Object")."""
    paths: dict[str, dict[str, Any]] = _document()["paths"]
    found = []
    for path in sorted(paths, key=lambda path: "{" in path):
        methods = {method.upper() for method in paths[path] if method in _HTTP_METHODS}
        # HEAD is GET without the body, except on a callback face: there GET uses up the state and
        # links the account, which a link preview or a mail scanner sending HEAD must not do.
        if "GET" in methods and paths[path]["get"].get("x-linkvault-callback") is not True:
            methods.add("HEAD")
        pattern = re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)))
        callback = any(
            operation.get("x-linkvault-callback") is True
            for method, operation in paths[path].items()
            if method in _HTTP_METHODS
        )
        found.append(Resource(pattern=pattern, methods=frozenset(methods), callback=callback))
    return tuple(found)


@functools.cache
def _resource_paths() -> re.Pattern[str]:
    # One alternation, a group per resource in ``resources()`` order: the first that matches the
    # whole path wins, as in a loop over them, in one call instead of one per resource.
    return re.compile("|".join(f"({resource.pattern.pattern})" for resource in resources()))


def resource_of(path: str) -> Resource | None:
    """The spec's resource whose path template matches ``path`` (a concrete path before a templated
    one, as ``resources()`` orders them), or None."""
    match = _resource_paths().fullmatch(path)
    if match is None or match.lastindex is None:
        return None
    return resources()[match.lastindex - 1]


@functools.cache
def _callback_paths() -> re.Pattern[str]:
    # With trailing slashes too: Starlette answers them with a redirect that repeats the query.
    alternatives = "|".join(resource.pattern.pattern for resource in resources() if resource.callback)
    return re.compile(f"(?:{alternatives})/*")


def is_callback_path(path: str) -> bool:
    """Whether ``path`` is a callback face's (``x-linkvault-callback``), with or without trailing
    slashes, whatever the method: an answer there that is no operation's (405, the trailing slash's
    redirect) may carry the provider's code and state in the URL all the same."""
    return _callback_paths().fullmatch(path) is not None
