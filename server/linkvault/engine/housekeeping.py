"""Housekeeping a long-running server does in the background: expired link states are deleted."""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from linkvault.engine.rounds import RoundLog
from linkvault.engine.services import Services
from linkvault.store import link_states

__all__ = ["prune_link_states", "run_periodically"]

logger = logging.getLogger(__name__)


async def prune_link_states(services: Services, *, now: datetime | None = None, batch_size: int = 500) -> int:
    """Delete every link state that expired by ``now`` (used or not: an expired state is refused
    either way), one batch per short transaction so writers are never held up for long. Returns how
    many were deleted."""
    now = now or services.clock()
    deleted = 0
    while True:
        async with services.sessions.begin() as session:
            count = await link_states.delete_expired_link_states(session, now=now, limit=batch_size)
        deleted += count
        if count < batch_size:
            return deleted


async def run_periodically(services: Services) -> None:
    """Prune every ``LINKVAULT_PRUNE_INTERVAL_SECONDS`` until cancelled; a failed round is logged and
    the next one tried, so a database hiccup does not end housekeeping."""
    rounds = RoundLog(logger, what="pruning link states")
    while True:
        await asyncio.sleep(services.settings.prune_interval_seconds)
        try:
            deleted = await prune_link_states(services)
        except Exception as exc:
            rounds.failed(exc)
        else:
            rounds.succeeded()
            if deleted:
                logger.info("pruned %d expired link states", deleted)
