"""How the background loops (housekeeping, webhook delivery, idle-account refresh) report a failed round."""

from __future__ import annotations

import logging

from linkvault.errors import ServiceUnavailable

__all__ = ["log_failed_round"]


def log_failed_round(logger: logging.Logger, exc: Exception, *, what: str) -> None:
    """One log line for a background round that failed (``what`` names it; the loop tries again later).

    An expected failure (``ServiceUnavailable``: the database down, say) is a WARNING with its code,
    like a request that fails the same way; anything else is a bug, logged as an ERROR with its
    traceback."""
    if isinstance(exc, ServiceUnavailable):
        why = exc.code if exc.reason is None else f"{exc.code}: {exc.reason}"
        logger.warning("%s failed (%s); trying again in the next round", what, why, extra={"code": exc.code})
    else:
        logger.error("%s failed; trying again in the next round", what, exc_info=exc)
