"""What counts as text linkvault will store or send on: the one rule, used by every layer."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["NOT_TEXT_REASON", "invalid_text_path", "is_valid_text"]

# JSON can spell a lone surrogate ("\ud800") that UTF-8 cannot encode, so it can be neither sent to a
# provider nor stored in PostgreSQL; NUL is refused by PostgreSQL's text and ends C strings.
_NOT_TEXT = re.compile(r"[\x00\ud800-\udfff]")
# What a value the rule refuses holds, for error messages: "<field> <NOT_TEXT_REASON>".
NOT_TEXT_REASON = "holds a NUL character or an unpaired surrogate, which cannot be stored as text"


def invalid_text_path(value: Any) -> tuple[str, ...] | None:
    """Where in ``value`` the first string that is not text sits, or None when all are text.

    The path names dict keys and list indices (as strings) from ``value`` down; ``()`` is ``value``
    itself. A key that is not text is reported at the key's own path. Linear in the size of ``value``."""
    if isinstance(value, str):
        return None if _NOT_TEXT.search(value) is None else ()
    if isinstance(value, dict):
        for key, item in value.items():
            if isinstance(key, str) and _NOT_TEXT.search(key) is not None:
                return (key,)
            inner = invalid_text_path(item)
            if inner is not None:
                return (str(key), *inner)
    if isinstance(value, list | tuple):
        for index, item in enumerate(value):
            inner = invalid_text_path(item)
            if inner is not None:
                return (str(index), *inner)
    return None


def is_valid_text(value: Any) -> bool:
    """True unless a string in ``value`` (or in its lists, tuples and dicts, keys included) is not text."""
    return invalid_text_path(value) is None
