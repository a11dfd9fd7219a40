"""The handlers of operations whose arguments come from the path alone (their query, if any, they
read themselves) get exactly what Connexion's own argument machinery would give them
(``linkvault.api._operations``)."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from typing import Any

import pytest
from connexion.context import _context, _operation, _receive, _scope
from connexion.decorators.parameter import inspect_function_arguments, unwrap_decorators
from connexion.frameworks.starlette import Starlette as StarletteFramework
from connexion.lifecycle import ConnexionRequest
from connexion.operations import OpenAPIOperation
from connexion.spec import Specification

from linkvault.api._operations import _ParameterDecorator, path_arguments_only
from linkvault.api._spec import SPEC_PATH
from linkvault.app import SpecResolver

_METHODS = ("get", "put", "post", "delete", "patch")


def _operations() -> list[OpenAPIOperation]:
    spec = Specification.load(SPEC_PATH)
    return [
        OpenAPIOperation.from_spec(spec, path=path, method=method, resolver=SpecResolver())
        for path, item in spec["paths"].items()
        for method in item
        if method in _METHODS
    ]


def _recording(handler: Callable[..., Any]) -> tuple[Callable[..., Any], list[dict[str, Any]]]:
    """A stand-in with ``handler``'s signature that records the arguments it is called with."""
    calls: list[dict[str, Any]] = []

    @functools.wraps(handler)
    async def record(**kwargs: Any) -> None:
        calls.append(kwargs)

    return record, calls


def _sanitized(name: str) -> str:
    return _ParameterDecorator(framework=StarletteFramework).sanitize_fn(name)


def _path_names(operation: OpenAPIOperation) -> dict[str, str] | None:
    arguments, has_kwargs = inspect_function_arguments(unwrap_decorators(operation.function))
    return path_arguments_only(operation, sanitize=_sanitized, has_kwargs=has_kwargs, arguments=arguments)


@pytest.mark.parametrize(
    "operation",
    [op for op in _operations() if _path_names(op) is not None],
    ids=lambda op: op.operation_id,
)
def test_a_handler_of_the_path_alone_gets_what_connexion_would_give_it(operation: OpenAPIOperation) -> None:
    names = [p["name"] for p in operation.parameters if p["in"] == "path"]
    # Percent-decoded by routing already: spaces, slashes' look-alikes, non-ASCII, a would-be number.
    values = dict(zip(names, ["a b é", "0012", "%2F-x"], strict=False))
    # Every query parameter the operation declares, and one it does not: the handler takes none.
    query = "&".join(f"{p['name']}=1" for p in operation.parameters if p["in"] == "query")
    scope = {"type": "http", "method": operation.method.upper(), "path": "/",
             "query_string": f"{query}&q=1".lstrip("&").encode(),
             "headers": [(b"content-type", b"application/json")], "path_params": values}  # fmt: skip

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"{}", "more_body": False}

    ours, ours_got = _recording(operation.function)
    theirs, theirs_got = _recording(operation.function)
    lean = _ParameterDecorator(framework=StarletteFramework, operation=operation)(ours)
    generic = _ParameterDecorator(framework=StarletteFramework)(theirs)

    async def call() -> None:
        tokens = [_scope.set(scope), _receive.set(receive), _operation.set(operation),
                  _context.set({"token_info": {"project_id": "p"}, "user": "u"})]  # fmt: skip
        try:
            await lean(None)
            request = ConnexionRequest(scope, receive, uri_parser=operation.uri_parser_class(
                operation.parameters, operation.body_definition()))  # fmt: skip
            await generic(request)
        finally:
            for var, token in zip((_scope, _receive, _operation, _context), tokens, strict=True):
                var.reset(token)

    asyncio.run(call())

    assert ours_got == theirs_got
    assert len(ours_got) == 1


@pytest.mark.parametrize(
    "operation_id",
    [
        "create_app_configuration",
        "list_linked_accounts",
        "list_events",
    ],
)
def test_operations_with_a_body_or_a_query_their_handler_takes_keep_connexions_arguments(
    operation_id: str,
) -> None:
    [operation] = [op for op in _operations() if op.operation_id == operation_id]
    assert _path_names(operation) is None


def test_the_callbacks_read_their_query_themselves() -> None:
    """The GET callbacks read the query where a repeated parameter can be seen (``api._callbacks``),
    so Connexion's argument machinery is spared them."""
    faces = {"linked-accounts-linked_accounts_oauth2_callback", "integrationsOauthCallback"}
    assert {
        op.operation_id for op in _operations() if op.operation_id in faces and _path_names(op) == {}
    } == faces
