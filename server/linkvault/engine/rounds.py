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


def _rounds(count: int) -> str:
    return f"{count} failed round" if count == 1 else f"{count} failed rounds"


class RoundLog:
    """The log lines of one background loop's rounds (``what`` names a round: "pruning link states").

    A run of failed rounds (each round that fails after one that failed, whatever the failure) is
    reported in a few lines. Each kind of failure the run meets is reported once, at its first round:
    a WARNING with its code for an expected failure (``ServiceUnavailable``: the database down, say),
    like a request that fails the same way; an ERROR with its traceback for anything else (a bug).
    While the rounds keep failing, one line every ``REPEAT_EVERY`` seconds (``clock``: monotonic
    seconds) gives the run's count, at the level of its latest failure, and the rounds between are
    DEBUG lines; the first round that works again is an INFO line with the run's count."""

    def __init__(
        self, logger: logging.Logger, *, what: str, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._logger = logger
        self._what = what
        self._clock = clock
        self._failed = 0
        self._kinds: set[str] = set()
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
        self._failed += 1
        if kind not in self._kinds:
            self._kinds.add(kind)
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
                "%s failed again (%s): %s in a row; trying again in the next round",
                self._what,
                why,
                _rounds(self._failed),
                extra=extra,
            )
        else:
            self._logger.debug("%s failed again (%s)", self._what, kind)

    def succeeded(self) -> None:
        """Report a round that worked: one INFO line when it ends a run of failed rounds."""
        if self._failed:
            self._logger.info("%s works again after %s", self._what, _rounds(self._failed))
            self._failed = 0
            self._kinds.clear()
