"""Signatures computed once for the functions Connexion calls on every request."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any, TypeVar

__all__ = ["remember_signature"]

F = TypeVar("F", bound=Callable[..., Any])


def remember_signature(function: F) -> F:
    """``function`` with its ``inspect.signature`` stored as ``__signature__``, and returned.

    Connexion 3.3 asks for the signature of a handler (``connexion/decorators/parameter.py``) and of
    a security function (``connexion/security.py``, twice) on every request, to learn which keywords
    to pass; ``inspect.signature`` returns a function's own ``__signature__`` first, at a fifth of the
    cost of working it out (about 40 µs a call on a small machine)."""
    if getattr(function, "__signature__", None) is None:
        setattr(function, "__signature__", inspect.signature(function))  # noqa: B010
    return function
