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
handling. Written against Connexion 3.3's decorator classes (``pyproject.toml`` pins ``<3.4``)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any

from connexion.apps.asynchronous import AsyncApi, AsyncOperation
from connexion.context import receive, scope
from connexion.decorators import StarletteDecorator
from connexion.decorators.parameter import (
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


class _ParameterDecorator(AsyncParameterDecorator):  # type: ignore[misc]
    """Connexion's parameter decorator, whose wrapper asks for uploaded files only when the request
    has a form body: Connexion asks on every request, and Starlette then parses an empty form."""

    def __init__(self, *, framework: Any, pythonic_params: bool = False) -> None:
        super().__init__(framework=framework, pythonic_params=pythonic_params)
        self.sanitize_fn = _pythonic if pythonic_params else _sanitized

    def __call__(self, function: Callable[..., Any]) -> Callable[..., Any]:
        arguments, has_kwargs = inspect_function_arguments(unwrap_decorators(function))

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
    operation's URI parser at its first request (the operation is known from then on)."""

    @property
    def _parameter_decorator_cls(self) -> type[AsyncParameterDecorator]:
        return _ParameterDecorator

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
        uri_parsers: list[Any] = []

        @functools.wraps(function)
        async def wrapper(*_args: Any, **_kwargs: Any) -> Any:
            if not uri_parsers:
                uri_parsers.append(self.uri_parser)
            request = self.framework.get_request(uri_parser=uri_parsers[0], scope=scope, receive=receive)
            return await decorated(request)

        return wrapper


class _OnceDecoratedOperation(AsyncOperation):  # type: ignore[misc]
    @functools.cached_property
    def fn(self) -> Callable[..., Any]:
        return _OnceDecorator(pythonic_params=self.pythonic_params, jsonifier=self.jsonifier)(self._fn)


class OnceDecoratedApi(AsyncApi):  # type: ignore[misc]
    """Connexion's ``AsyncApi`` whose operations decorate their handler once (``AsyncApp``'s
    ``api_cls``)."""

    def make_operation(self, spec_operation: AbstractOperation) -> AsyncOperation:
        return _OnceDecoratedOperation.from_operation(
            spec_operation, pythonic_params=self.pythonic_params, jsonifier=self.jsonifier
        )
