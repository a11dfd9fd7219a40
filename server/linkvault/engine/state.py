"""The ``state`` parameter (RFC 6749 §10.12, RFC 9700 §4.7): opaque, random, stored only as a hash."""

from __future__ import annotations

import hashlib
import re
import secrets
from typing import NewType

from linkvault.errors import InvalidState

__all__ = ["StateHash", "hash_state", "new_state"]

StateHash = NewType("StateHash", str)

_STATE_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


def new_state() -> str:
    """256 random bits, url-safe: 43 characters."""
    return secrets.token_urlsafe(32)


def hash_state(state: str | None) -> StateHash:
    """The hash stored for a state; anything that cannot be a state we issued is refused here,
    before any database work."""
    if state is None or not _STATE_PATTERN.fullmatch(state):
        raise InvalidState("the state is missing or malformed")
    return StateHash(hashlib.sha256(state.encode("ascii")).hexdigest())
