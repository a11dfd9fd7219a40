"""How the background loops (housekeeping, webhook delivery, idle-account refresh) report their rounds."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from linkvault.errors import ServiceUnavailable

__all__ = ["RoundLog"]

# Seconds between two reports of the same run of failed rounds: a loop that tries again every second
# during a ten-minute outage says so ten times, not six hundred.
REPEAT_EVERY = 60.0


class RoundLog:
    """The log lines of one background loop's rounds (``what`` names a round: "pruning link states").

    The first failed round of a run of failures is one line: a WARNING with its code for an expected
    failure (``ServiceUnavailable``: the database down, say), like a request that fails the same way;
    an ERROR with its traceback for anything else (a bug). While the rounds keep failing, one line
    every ``REPEAT_EVERY`` seconds (``clock``: monotonic seconds) says so with the count, at the same
    level, and the rounds between are DEBUG lines; the first round that works again is an INFO line
    with the count of failed rounds. A failure of another kind (another code, or a bug after an
    outage) is reported at once, as a run's first."""

    def __init__(
        self, logger: logging.Logger, *, what: str, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._logger = logger
        self._what = what
        self._clock = clock
        self._failed = 0
        self._kind: str | None = None
        self._reported_at = 0.0

    def failed(self, exc: Exception) -> None:
        """Report a failed round; the loop tries again in its next one."""
        if isinstance(exc, ServiceUnavailable):
            level, kind, extra = logging.WARNING, exc.code, {"code": exc.code}
            why = exc.code if exc.reason is None else f"{exc.code}: {exc.reason}"
        else:
            level, kind, extra = logging.ERROR, f"bug: {type(exc).__name__}", {}
            why = type(exc).__name__
        now = self._clock()
        first = self._failed == 0 or kind != self._kind
        self._failed = 1 if first else self._failed + 1
        self._kind = kind
        if first:
            self._reported_at = now
            self._logger.log(
                level,
                "%s failed (%s); trying again in the next round",
                self._what,
                why,
                # A bug's traceback, once a run: an outage's is noise.
                exc_info=exc if level == logging.ERROR else None,
                extra=extra,
            )
        elif now - self._reported_at >= REPEAT_EVERY:
            self._reported_at = now
            self._logger.log(
                level,
                "%s still failing (%s): %d rounds in a row; trying again in the next round",
                self._what,
                why,
                self._failed,
                extra=extra,
            )
        else:
            self._logger.debug("%s failed again (%s)", self._what, kind)

    def succeeded(self) -> None:
        """Report a round that worked: one INFO line when it ends a run of failed rounds."""
        if self._failed:
            self._logger.info("%s works again after %d failed rounds", self._what, self._failed)
            self._failed, self._kind = 0, None
