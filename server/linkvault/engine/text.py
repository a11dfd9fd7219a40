"""What counts as text linkvault will store or send on."""

from __future__ import annotations

import re
from typing import Any

__all__ = ["is_valid_text"]

# JSON can spell a lone surrogate ("\ud800") that UTF-8 cannot encode, so it can be neither sent to a
# provider nor stored in PostgreSQL; NUL is refused by PostgreSQL's text and ends C strings.
_NOT_TEXT = re.compile(r"[\x00\ud800-\udfff]")


def is_valid_text(value: Any) -> bool:
    """True unless a string in ``value`` (or in its lists and dicts, keys included) is not text."""
    if isinstance(value, str):
        return _NOT_TEXT.search(value) is None
    if isinstance(value, dict):
        return all(is_valid_text(key) and is_valid_text(item) for key, item in value.items())
    if isinstance(value, list):
        return all(is_valid_text(item) for item in value)
    return True
