"""Handler names: ``linkvault.api.<snake(tag)>.<snake(operationId)>``, as the SDK names its modules.

The snake-casing is openapi-python-client's (``openapi_python_client.strings``), so that
``linkvault_client.api.<tag>.<operation>`` and the server handler always have the same names.
"""

from __future__ import annotations

import builtins
import keyword
import re

__all__ = ["handler_path", "python_identifier"]

_DELIMITERS = r"\. _-"
_RESERVED = (set(dir(builtins)) | {"self", "true", "false", "datetime"}) - {"id"}


def _sanitize(value: str) -> str:
    return "".join(c for c in value if c.isidentifier() or c.isdecimal() or c in _DELIMITERS)


def _snake_case(value: str) -> str:
    value = _sanitize(value)
    if any(c.isupper() for c in value):
        value = " ".join(re.split("([A-Z]?[a-z]+)", value))
    return "_".join(re.findall(rf"[^{re.escape(_DELIMITERS)}]+", value)).lower()


def python_identifier(value: str, prefix: str) -> str:
    leading_underscore = _sanitize(value).startswith("_")
    name = _snake_case(value)
    if name in _RESERVED or keyword.iskeyword(name):
        name += "_"
    if not name.isidentifier() or leading_underscore:
        name = prefix + name
    return name


def handler_path(tag: str, operation_id: str) -> str:
    # The prefixes are the generator's defaults: "tag" for tags, its field_prefix for operations.
    return f"linkvault.api.{python_identifier(tag, 'tag')}.{python_identifier(operation_id, 'field_')}"
