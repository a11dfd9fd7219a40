"""Connexion's request validators, raising errors that say in words what was wrong, and where.

Connexion's own validators answer jsonschema's text: the refused value quoted back, and for parameters
a dump of the JSON Schema ("Failed validating 'minimum' in schema: ..."). These subclasses validate with
jsonschema keyword functions of our own (``_WORDED``) whose messages are one sentence naming the field
and the rule (``limit must be at least 1``) and never quote the value: quoting is also what made a
megabyte body cost seconds, since jsonschema writes the ``repr`` of the whole refused value into its
message. ``location`` comes from the validator's own structure (the parameter's ``in`` and name,
jsonschema's ``absolute_path``), so no one has to read it back out of the text. Query parameters are
also held to the text rule (``linkvault.text``): a NUL in ``?app_name=a%00b`` names ``app_name``.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator
from typing import Any

from connexion.datastructures import MediaTypeDict
from connexion.exceptions import BadRequestProblem
from connexion.json_schema import Draft4RequestValidator
from connexion.lifecycle import ConnexionRequest
from connexion.utils import is_null, is_nullable
from connexion.validators import (
    VALIDATOR_MAP,
    JSONRequestBodyValidator,
    ParameterValidator,
)
from jsonschema import Draft4Validator, ValidationError
from jsonschema.validators import extend
from starlette.datastructures import QueryParams

from linkvault.text import is_valid_text

__all__ = ["VALIDATORS", "RequestProblem", "WordedValidator", "described"]

_A_TYPE = {
    "object": "an object",
    "array": "an array",
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "null": "null",
}
_A_FORMAT = {"uuid": "a UUID", "date-time": "a date and time (RFC 3339)", "uri": "a URI"}


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _nullable(schema: dict[str, Any]) -> bool:
    return schema.get("nullable") is True or schema.get("x-nullable") is True


# jsonschema keyword functions (validator, the keyword's value, instance, schema) -> errors. Each
# message is what follows the field's name; none quotes the instance.
def _type(validator: Any, types: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if instance is None and _nullable(schema):
        return
    names = [types] if isinstance(types, str) else list(types)
    if not any(validator.is_type(instance, name) for name in names):
        yield ValidationError("must be " + " or ".join(_A_TYPE.get(name, name) for name in names))


def _enum(validator: Any, allowed: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if instance is None and _nullable(schema):
        return
    # Compared with their types, as JSON does: true is not 1.
    if not any(type(instance) is type(value) and instance == value for value in allowed):
        yield ValidationError("must be one of " + ", ".join(str(value) for value in allowed))


def _minimum(validator: Any, bound: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if validator.is_type(instance, "number"):
        if schema.get("exclusiveMinimum") is True and instance <= bound:
            yield ValidationError(f"must be greater than {bound}")
        elif instance < bound:
            yield ValidationError(f"must be at least {bound}")


def _maximum(validator: Any, bound: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if validator.is_type(instance, "number"):
        if schema.get("exclusiveMaximum") is True and instance >= bound:
            yield ValidationError(f"must be less than {bound}")
        elif instance > bound:
            yield ValidationError(f"must be at most {bound}")


def _sized(kind: str, noun: str, least: bool) -> Any:
    def check(validator: Any, bound: int, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
        if validator.is_type(instance, kind) and (len(instance) < bound if least else len(instance) > bound):
            yield ValidationError(f"must have {'at least' if least else 'at most'} {_plural(bound, noun)}")

    return check


def _pattern(
    validator: Any, pattern: str, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if validator.is_type(instance, "string") and re.search(pattern, instance) is None:
        yield ValidationError(f"must match the pattern {pattern}")


def _format(validator: Any, name: str, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if validator.format_checker is not None and not validator.format_checker.conforms(instance, name):
        yield ValidationError(f"must be {_A_FORMAT.get(name, 'a valid ' + name)}")


def _required(validator: Any, names: Any, instance: Any, schema: dict[str, Any]) -> Iterator[ValidationError]:
    if validator.is_type(instance, "object"):
        for name in names:
            if name not in instance:
                # The error sits at the missing member, so that its loc names it.
                yield ValidationError("is required", path=[name])


def _additional_properties(
    validator: Any, additional: Any, instance: Any, schema: dict[str, Any]
) -> Iterator[ValidationError]:
    if not validator.is_type(instance, "object"):
        return
    known = schema.get("properties", {})
    for name in instance:
        if name in known:
            continue
        if additional is False:
            yield ValidationError("is not a known member", path=[name])
            return
        if isinstance(additional, dict):
            yield from validator.descend(instance[name], additional, path=name)


_WORDED = {
    "type": _type,
    "enum": _enum,
    "minimum": _minimum,
    "maximum": _maximum,
    "minLength": _sized("string", "character", least=True),
    "maxLength": _sized("string", "character", least=False),
    "minItems": _sized("array", "item", least=True),
    "maxItems": _sized("array", "item", least=False),
    "minProperties": _sized("object", "member", least=True),
    "maxProperties": _sized("object", "member", least=False),
    "pattern": _pattern,
    "format": _format,
    "required": _required,
    "additionalProperties": _additional_properties,
}
WordedValidator = extend(Draft4RequestValidator, _WORDED)  # type: ignore[no-untyped-call]

# One validator per schema of the spec, made at its first use: making one (its reference resolver
# included) cost more than the check itself, and Connexion asks for a check on every request. The
# schemas are the loaded spec's dicts, kept here with their validator so that their ids stay theirs.
# Connexion makes a new schema dict now and then (a body whose media type the operation does not
# list), so the cache is bounded: far above the spec's own count, and past it a validator is made
# for the one check as before.
_VALIDATORS: dict[int, tuple[Any, Any]] = {}
_MAX_VALIDATORS = 1024


# Draft 4's formats, and ``uuid`` (a format of drafts 2019-09 on, which the spec's ids use), held to
# the spellings ``uuid.UUID`` reads (hyphens or none, braces, ``urn:uuid:``) in ASCII hex digits:
# ``uuid.UUID`` leaves the digits to ``int(text, 16)``, which also takes fullwidth or Arabic-Indic
# digits, underscores, a sign, a ``0x`` and spaces. So an id that no resource can have, or one spelled
# in those, is a 400, as the spec says, not a lookup.
_FORMATS = copy.deepcopy(Draft4Validator.FORMAT_CHECKER)
_HEX_DIGITS = re.compile(r"[0-9a-fA-F]{32}")


def _is_uuid(instance: object) -> bool:
    if not isinstance(instance, str):
        return True
    # What uuid.UUID strips before it reads the digits.
    digits = instance.replace("urn:", "").replace("uuid:", "").strip("{}").replace("-", "")
    return _HEX_DIGITS.fullmatch(digits) is not None


_FORMATS.checks("uuid")(_is_uuid)


def _validator_for(schema: Any) -> Any:
    """The ``WordedValidator`` of ``schema``, made once for each of the spec's schemas."""
    kept = _VALIDATORS.get(id(schema))
    if kept is not None and kept[0] is schema:
        return kept[1]
    validator = WordedValidator(schema, format_checker=_FORMATS)
    if len(_VALIDATORS) < _MAX_VALIDATORS:
        _VALIDATORS[id(schema)] = (schema, validator)
    return validator


def described(path: Iterable[str | int], *, root: str = "the request body") -> str:
    """A place in a JSON document in words: ``scopes[0]``, ``authorize_params.prompt``, ``root``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or root


def _sentence(error: ValidationError, *, root: str = "the request body") -> str:
    """What was wrong, in words: the place and the rule it broke (``limit must be at least 1``)."""
    rule = error.message if error.validator in _WORDED else "is not valid"
    return f"{described(error.absolute_path, root=root)} {rule}"


class RequestProblem(BadRequestProblem):  # type: ignore[misc]
    """A request that breaks the spec; ``location`` is FastAPI's ``loc`` (``("query", "app_name")``,
    ``("body", "scopes", 0)``)."""

    def __init__(self, detail: str, *, location: tuple[str | int, ...]) -> None:
        super().__init__(detail=detail)
        self.location = location


class _ParameterValidator(ParameterValidator):  # type: ignore[misc]
    @staticmethod
    def validate_parameter(
        parameter_type: str, value: Any, param: dict[str, Any], param_name: str | None = None
    ) -> str | None:
        """Connexion's check of one parameter, answered in words (``limit must be at least 1``)."""
        if is_nullable(param) and is_null(value):
            return None
        if value is not None:
            schema = param.get("schema", param)
            errors = _validator_for(schema).iter_errors(value)
            error = next(iter(errors), None)
            return None if error is None else _sentence(error, root=param["name"])
        if param.get("required"):
            return f"{param['name']} is required"
        return None

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
        # sent is held to the rule. Parsed only for an operation that has query parameters.
        declared = self.parameters.get("query")
        if not declared:
            return
        sent = QueryParams(request.scope.get("query_string", b""))
        for param in declared:
            if not is_valid_text(sent.getlist(param["name"])):
                raise RequestProblem(
                    f"{param['name']} contains a NUL character or is not valid text",
                    location=("query", param["name"]),
                )


class _JSONRequestBodyValidator(JSONRequestBodyValidator):  # type: ignore[misc]
    async def _parse(self, stream: Any, scope: Any) -> Any:
        try:
            return await super()._parse(stream, scope)
        except UnicodeDecodeError:
            raise
        except ValueError as exc:
            # Connexion turns JSONDecodeError into a 400, not the ValueError json.loads raises for an
            # integer longer than CPython's int conversion limit (4300 digits by default).
            raise RequestProblem(
                "the request body holds a number with too many digits", location=("body",)
            ) from exc

    @property
    def _validator(self) -> Any:
        return _validator_for(self._schema)

    def _validate(self, body: Any) -> dict[str, Any] | None:
        if not self._nullable and body is None:
            raise RequestProblem("the request body must not be empty", location=("body",))
        error = next(iter(self._validator.iter_errors(body)), None)
        if error is not None:
            raise RequestProblem(_sentence(error), location=("body", *error.absolute_path))
        return None


VALIDATORS: dict[str, Any] = {
    "parameter": _ParameterValidator,
    "body": MediaTypeDict({**VALIDATOR_MAP["body"], "*/*json": _JSONRequestBodyValidator}),
}
