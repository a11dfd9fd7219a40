"""Connexion's operations, with each handler decorated once instead of on every request.

Connexion 3.3's ``AsyncOperation.fn`` builds a new ``StarletteDecorator`` for every request, whose
wrapper decorates the handler again (a parameter and a response decorator, the handler's arguments
read from its signature) and builds a new URI parser from the operation's parameters; the parameter
decorator then turns every parameter name into its Python form with a handful of regular
expressions (``pythonic``), again on every request. None of it depends on the request: the
operation, its parameters and the handler are fixed once the spec is loaded. On the credentials
read that was about a sixth of the CPU a request costs (``python -m benchmarks.inprocess --profile
linkvault``, benchmarks/README.md).

What each request still gets from Connexion is unchanged: the same request object, parameters
parsed by the same URI parser class, the same arguments (``prep_kwargs``), the same response
handling; except that a handler whose arguments are its path parameters alone gets them without the
request object and ``prep_kwargs``, which would convert nothing (``path_arguments_only``;
``tests/unit/api/test_operations.py`` holds each such operation to what they give). Written against
Connexion 3.3's decorator classes (``pyproject.toml`` pins ``<3.4``)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable, Collection
from typing import Any

from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.context import context, receive, scope
from connexion.decorators import StarletteDecorator
from connexion.decorators.parameter import (
    CONTEXT_NAME,
    AsyncParameterDecorator,
    prep_kwargs,
    pythonic,
    sanitized,
    unwrap_decorators,
)
from connexion.http_facts import FORM_CONTENT_TYPES
from connexion.lifecycle import ConnexionRequest
from connexion.operations import AbstractOperation
from connexion.utils import inspect_function_arguments

__all__ = ["OnceDecoratedApi"]

# Names are the spec's and, for the query, whatever names a request sends: bounded.
_pythonic = functools.lru_cache(maxsize=1024)(pythonic)
_sanitized = functools.lru_cache(maxsize=1024)(sanitized)


def path_arguments_only(
    operation: AbstractOperation | None,
    *,
    sanitize: Callable[[str], str],
    has_kwargs: bool,
    arguments: Collection[str] = (),
) -> dict[str, str] | None:
    """The handler's argument name of each path parameter of an operation whose arguments Connexion
    takes from its path alone, each as it stands in the path; None for any other operation.

    That is an operation without a request body whose path parameters are strings, neither nullable
    nor binary, whose query parameters the handler (its argument names ``arguments``) does not take
    (a callback reads its query itself, where a repeated parameter can be seen), and a handler
    without ``**kwargs`` (which would be handed the body and the query): Connexion's ``prep_kwargs``
    then converts nothing (``make_type`` is ``str``) and hands on nothing but the path parameters
    and the request context."""
    if operation is None or has_kwargs or operation.request_body:
        return None
    names = {}
    for parameter in operation.parameters:
        if parameter["in"] == "query" and sanitize(parameter["name"]) in arguments:
            return None
        if parameter["in"] == "path":
            schema = parameter.get("schema", parameter)
            if schema.get("type") != "string" or schema.get("nullable") or schema.get("format") == "binary":
                return None
            names[parameter["name"]] = sanitize(parameter["name"])
    return names


class _ParameterDecorator(AsyncParameterDecorator):  # type: ignore[misc]
    """Connexion's parameter decorator, whose wrapper asks for uploaded files only when the request
    has a form body: Connexion asks on every request, and Starlette then parses an empty form.

    For an operation whose arguments are its path parameters alone (``path_arguments_only``: the
    credentials read, the account reads and deletes), the handler gets them from the routed path
    with the request context, as ``prep_kwargs`` would give them, without Connexion's request object,
    URI parser and argument machinery, which cost about a sixth of such a request's CPU."""

    def __init__(
        self, *, framework: Any, pythonic_params: bool = False, operation: AbstractOperation | None = None
    ) -> None:
        super().__init__(framework=framework, pythonic_params=pythonic_params)
        self.sanitize_fn = _pythonic if pythonic_params else _sanitized
        self.operation = operation
        self.takes_request = True

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        arguments, has_kwargs = inspect_function_arguments(unwrap_decorators(function))
        path_names = path_arguments_only(
            self.operation, sanitize=self.sanitize_fn, has_kwargs=has_kwargs, arguments=arguments
        )
        if path_names is not None:
            self.takes_request = False
            sanitize = self.sanitize_fn
            wants_context = CONTEXT_NAME in arguments

            @functools.wraps(function)
            async def from_path(request: ConnexionRequest | None) -> Any:
                # As prep_kwargs: every path parameter (one the spec lacks under its sanitized name),
                # then what the security handler put in the context, where the handler takes it.
                kwargs = {
                    path_names.get(name) or sanitize(name): value
                    for name, value in scope["path_params"].items()
                }
                for key, value in context.items():
                    if key in arguments:
                        kwargs[key] = value
                if wants_context:
                    kwargs[CONTEXT_NAME] = context
                return await function(**kwargs)

            return from_path

        @functools.wraps(function)
        async def wrapper(request: ConnexionRequest) -> Any:
            body = self._maybe_get_body(request, arguments=arguments, has_kwargs=has_kwargs)
            while asyncio.iscoroutine(body):
                body = await body
            # Only a form body (multipart/form-data) carries files; for any other, Connexion's
            # own wrapper gets an empty mapping from the parse.
            files = await request.files() if request.mimetype in FORM_CONTENT_TYPES else {}
            kwargs = prep_kwargs(
                request,
                request_body=body,
                files=files,
                arguments=arguments,
                has_kwargs=has_kwargs,
                sanitize=self.sanitize_fn,
            )
            return await function(**kwargs)

        return wrapper


class _OnceDecorator(StarletteDecorator):  # type: ignore[misc]
    """``StarletteDecorator`` whose wrapper decorates the handler when it is made, and makes the
    operation's URI parser at its first request (the operation is known from then on). A handler
    whose arguments come from the path alone gets no Connexion request object at all."""

    def __init__(self, *, operation: AbstractOperation, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.operation = operation
        self.takes_request = True

    def decorate(self, function: Callable[..., Any]) -> Callable[..., Any]:
        """Connexion's ``decorate``, with our parameter decorator, which is told the operation."""
        function = self._sync_async_decorator(function)
        parameters = _ParameterDecorator(
            framework=self.framework, pythonic_params=self.pythonic_params, operation=self.operation
        )
        function = parameters(function)
        self.takes_request = parameters.takes_request
        responses = self._response_decorator_cls(framework=self.framework, jsonifier=self.jsonifier)
        decorated: Callable[..., Any] = responses(function)
        return decorated

    @property
    def uri_parser(self) -> Any:
        """The operation's URI parser, whose query holds only the names the operation declares.

        Connexion matches every query name a request sends against the handler's arguments and
        logs an ERROR for one that matches an argument (a path parameter's name, say) but is no
        query parameter: any client could fill the log. Undeclared names are ignored either way
        (validation is not strict: providers add their own parameters to callbacks)."""
        parser = super().uri_parser
        declared = frozenset(
            name for name, parameter in parser.param_defns.items() if parameter["in"] == "query"
        )
        resolve = parser.resolve_query

        def resolve_declared(query: dict[str, list[str]]) -> dict[str, Any]:
            return {name: value for name, value in resolve(query).items() if name in declared}

        parser.resolve_query = resolve_declared
        return parser

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        decorated = self.decorate(function)
        if not self.takes_request:

            @functools.wraps(function)
            async def from_path(*_args: Any, **_kwargs: Any) -> Any:
                return await decorated(None)

            return from_path
        uri_parsers: list[Any] = []

        @functools.wraps(function)
        async def wrapper(*_args: Any, **_kwargs: Any) -> Any:
            if not uri_parsers:
                uri_parsers.append(self.uri_parser)
            request = self.framework.get_request(uri_parser=uri_parsers[0], scope=scope, receive=receive)
            return await decorated(request)

        return wrapper


class _OnceDecoratedOperation(AsyncOperation):  # type: ignore[misc]
    spec_operation: AbstractOperation

    @functools.cached_property
    def fn(self) -> Callable[..., Any]:
        return _OnceDecorator(
            operation=self.spec_operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )(self._fn)


class OnceDecoratedApi(AsyncApi):  # type: ignore[misc]
    """Connexion's ``AsyncApi`` whose operations decorate their handler once (``AsyncApp``'s
    ``api_cls``)."""

    def make_operation(self, spec_operation: AbstractOperation) -> AsyncOperation:
        operation = _OnceDecoratedOperation.from_operation(
            spec_operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )
        operation.spec_operation = spec_operation
        return operation
