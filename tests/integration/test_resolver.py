"""Every operation in the spec has its handler where the SDK puts the operation's module:
``linkvault.api.<tag>.<operation>`` on the server, ``linkvault_client.api.<tag>.<operation>`` in the SDK."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml
from connexion.operations import OpenAPIOperation
from connexion.spec import Specification

import linkvault_client.api
from linkvault.api._naming import handler_path, python_identifier
from linkvault.app import SPEC_PATH, SpecResolver

SDK_CONFIG = Path(__file__).resolve().parents[2] / "openapi" / "sdk-config.yaml"
_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_SPEC: dict[str, Any] = yaml.safe_load(SPEC_PATH.read_text(encoding="utf-8"))
OPERATIONS = [
    pytest.param(path, method, operation, id=f"{method.upper()} {path}")
    for path, item in _SPEC["paths"].items()
    for method, operation in item.items()
    if method in _METHODS
]
TAGS = sorted(
    {tag["name"] for tag in _SPEC.get("tags", [])}
    | {tag for param in OPERATIONS for tag in param.values[2].get("tags", [])}
)


def _handler_path(operation: dict[str, Any]) -> str:
    return handler_path((operation.get("tags") or ["default"])[0], operation["operationId"])


@pytest.fixture(scope="module")
def spec() -> Specification:
    return Specification.load(SPEC_PATH)


def test_the_spec_has_operations() -> None:
    assert len(OPERATIONS) >= 10
    assert all("operationId" in param.values[2] for param in OPERATIONS)


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS)
def test_operation_resolves_to_an_async_handler(
    spec: Specification, path: str, method: str, operation: dict[str, Any]
) -> None:
    resolved = OpenAPIOperation.from_spec(spec, path=path, method=method, resolver=SpecResolver())
    expected = _handler_path(operation)
    module_name, _, function_name = expected.rpartition(".")
    assert module_name.startswith("linkvault.api.")
    assert resolved.function is getattr(importlib.import_module(module_name), function_name)
    assert inspect.iscoroutinefunction(resolved.function), f"{expected} is not async"


def test_no_two_operations_share_a_handler() -> None:
    counts = Counter(_handler_path(param.values[2]) for param in OPERATIONS)
    assert [name for name, count in counts.items() if count > 1] == []


@pytest.mark.parametrize(("path", "method", "operation"), OPERATIONS)
def test_the_sdk_module_of_each_operation_has_the_handlers_names(
    path: str, method: str, operation: dict[str, Any]
) -> None:
    tag, name = _handler_path(operation).removeprefix("linkvault.api.").split(".")
    module = importlib.import_module(f"linkvault_client.api.{tag}.{name}")
    for call in ("sync", "sync_detailed", "asyncio", "asyncio_detailed"):
        assert callable(getattr(module, call, None)), f"{module.__name__}.{call}"
    # The module sends the operation's method: the same names do not stand for another operation.
    assert f'"method": "{method}"' in inspect.getsource(module)


def test_the_sdk_has_no_module_for_an_operation_the_spec_lacks() -> None:
    sdk_modules = {
        f"{tag.name}.{operation.name}"
        for tag in pkgutil.iter_modules(linkvault_client.api.__path__)
        if tag.ispkg
        for operation in pkgutil.iter_modules(
            importlib.import_module(f"linkvault_client.api.{tag.name}").__path__
        )
    }
    handlers = {_handler_path(param.values[2]).removeprefix("linkvault.api.") for param in OPERATIONS}
    assert sdk_modules == handlers


def _generator() -> tuple[Any, str]:
    # The generator is in the test dependencies: these tests run, never skip.
    strings = importlib.import_module("openapi_python_client.strings")
    config = importlib.import_module("openapi_python_client.config")
    return strings, config.ConfigFile.load_from_path(SDK_CONFIG).field_prefix


def test_handler_names_are_the_sdk_generators_names() -> None:
    strings, field_prefix = _generator()
    for tag in TAGS:
        assert python_identifier(tag, "tag") == strings.PythonIdentifier(tag, prefix="tag"), tag
    for param in OPERATIONS:
        operation = param.values[2]
        tag = (operation.get("tags") or ["default"])[0]
        generated = (
            f"linkvault.api.{strings.PythonIdentifier(tag, prefix='tag')}"
            f".{strings.PythonIdentifier(operation['operationId'], prefix=field_prefix)}"
        )
        assert handler_path(tag, operation["operationId"]) == generated


@pytest.mark.parametrize(
    "value",
    [
        "Auth Service (v2)",
        "linked-accounts",
        "oauth2Callback",
        "getHTTPResponse",
        "HTTPBearer",
        "_private",
        "2fa",
        "class",
        "list",
        "id",
        "self",
        "datetime",
        "true",
        "ümlaut-Straße",
        "v1.2",
        "a__b",
        "x-y_z.w",
        "---",
        "$_x",
    ],
)
@pytest.mark.parametrize("prefix", ["tag", "field_"])
def test_python_identifier_is_the_generators(value: str, prefix: str) -> None:
    strings, _ = _generator()
    assert python_identifier(value, prefix) == strings.PythonIdentifier(value, prefix=prefix)


@pytest.mark.parametrize(
    "operation_id",
    [
        "snake_case_name",
        "camelCaseName",
        "2fa_setup",
        "_internal",
    ],
)
def test_handler_path_of_unusual_operation_ids_is_the_sdks(operation_id: str) -> None:
    strings, field_prefix = _generator()
    expected = f"linkvault.api.accounts.{strings.PythonIdentifier(operation_id, prefix=field_prefix)}"
    assert handler_path("accounts", operation_id) == expected
