"""The linear pre-scan that bounds a JSON body's nesting and number of values before it is parsed."""

from __future__ import annotations

import json

import pytest

from linkvault.middleware import measure_json

_DOCUMENTS = [
    {"app_name": "a", "scopes": ["openid", "profile"], "authorize_params": {"prompt": "consent"}},
    [1, 2.5, -3e4, True, False, None, "x", [], {}, [[]], {"a": {}}],
    {"brackets in strings": "[[{{,:", "escaped": 'a "quoted" \\ backslash [', "unicode": "\u00e9\u2028"},
    "a string",
    12,
    [],
    {},
]


def _depth(value: object) -> int:
    if isinstance(value, list):
        return 1 + max((_depth(item) for item in value), default=0)
    if isinstance(value, dict):
        return 1 + max((_depth(item) for item in value.values()), default=0)
    return 0


def _values(value: object) -> int:
    if isinstance(value, list):
        return 1 + sum(_values(item) for item in value)
    if isinstance(value, dict):
        return 1 + sum(_values(item) for item in value.values())
    return 1


@pytest.mark.parametrize("document", _DOCUMENTS, ids=range(len(_DOCUMENTS)))
@pytest.mark.parametrize("indent", [None, 2])
def test_the_scan_agrees_with_the_parsed_document(document: object, indent: int | None) -> None:
    body = json.dumps(document, indent=indent, ensure_ascii=False).encode()
    depth = _depth(document)

    assert measure_json(body, max_depth=max(depth, 1)).too_deep is False
    if depth > 1:
        assert measure_json(body, max_depth=depth - 1).too_deep is True
    assert measure_json(body, max_depth=32).values == _values(document)


def test_unclosed_brackets_past_the_depth_count_as_too_deep() -> None:
    assert measure_json(b"[" * 33, max_depth=32).too_deep is True
    assert measure_json(b"[" * 32, max_depth=32).too_deep is False  # left to the parser to refuse


def test_an_unterminated_string_does_not_hide_the_brackets_after_it() -> None:
    assert measure_json(b'"' + b"[" * 40, max_depth=32).too_deep is True
