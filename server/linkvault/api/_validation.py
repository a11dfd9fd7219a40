"""Connexion's request validators, raising errors that carry where in the request the fault sits.

Connexion's own validators put the location only into English messages; these subclasses keep the
messages and add ``location`` from the validator's own structure (the parameter's ``in`` and name,
jsonschema's ``absolute_path``), so no one has to read it back out of the text. Query parameters are
also held to the text rule (``linkvault.text``): a NUL in ``?app_name=a%00b`` names ``app_name``.
"""

from __future__ import annotations

from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem
from connexion.json_schema import format_error_with_path
from connexion.lifecycle import ConnexionRequest
from connexion.validators import (
    VALIDATOR_MAP,
    JSONRequestBodyValidator,
    ParameterValidator,
)
from jsonschema import ValidationError
from starlette.datastructures import QueryParams

from linkvault.text import is_valid_text

__all__ = ["VALIDATORS", "RequestProblem"]


class RequestProblem(BadRequestProblem):  # type: ignore[misc]
    """A request that breaks the spec; ``location`` is FastAPI's ``loc`` (``("query", "app_name")``,
    ``("body", "scopes", 0)``)."""

    def __init__(self, detail: str, *, location: tuple[str | int, ...]) -> None:
        super().__init__(detail=detail)
        self.location = location


class _ParameterValidator(ParameterValidator):  # type: ignore[misc]
    _READERS = (
        ("query", "validate_query_parameter"),
        ("path", "validate_path_parameter"),
        ("header", "validate_header_parameter"),
        ("cookie", "validate_cookie_parameter"),
    )

    def validate_request(self, request: ConnexionRequest) -> None:
        # strict_validation is off: providers append parameters of their own to callbacks.
        for where, reader in self._READERS:
            for param in self.parameters.get(where, []):
                error = getattr(self, reader)(param, request)
                if error:
                    raise RequestProblem(str(error), location=(where, param["name"]))
        # Connexion's query_params keeps one value per name (the URI parser's choice); every value
        # sent is held to the rule.
        sent = QueryParams(request.scope.get("query_string", b""))
        for param in self.parameters.get("query", []):
            if not is_valid_text(sent.getlist(param["name"])):
                raise RequestProblem(
                    f"{param['name']} contains a NUL character or is not valid text",
                    location=("query", param["name"]),
                )


def _body_location(exception: ValidationError) -> tuple[str | int, ...]:
    location: tuple[str | int, ...] = ("body", *exception.absolute_path)
    required = exception.validator_value
    if (
        exception.validator == "required"
        and isinstance(exception.instance, dict)
        and isinstance(required, list)
    ):
        missing = [name for name in required if name not in exception.instance]
        location = (*location, *missing[:1])
    return location


class _JSONRequestBodyValidator(JSONRequestBodyValidator):  # type: ignore[misc]
    def _validate(self, body: Any) -> dict[str, Any] | None:
        if not self._nullable and body is None:
            raise RequestProblem("Request body must not be empty", location=("body",))
        try:
            validated: dict[str, Any] | None = self._validator.validate(body)
        except ValidationError as exception:
            message = f"{exception.message}{format_error_with_path(exception=exception)}"
            raise RequestProblem(message, location=_body_location(exception)) from exception
        return validated


VALIDATORS: dict[str, Any] = {
    "parameter": _ParameterValidator,
    "body": MediaTypeDict({**VALIDATOR_MAP["body"], "*/*json": _JSONRequestBodyValidator}),
}
