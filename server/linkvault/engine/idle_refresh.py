"""Keeping idle accounts alive: some providers let a refresh token die when it is not used (Google
after six months, others after days), so accounts whose refresh token has been idle longer than their
app configuration's ``refresh_idle_after`` are refreshed in the background, a small batch at a time,
through the single-flight refresh (``engine.refresh``). A refresh that finds the grant dead marks the
account ``needs_reauth`` and emits ``linked_account.needs_reauth``, so the application learns of it
before its user does."""

from __future__ import annotations

import asyncio
import logging

from linkvault.engine import refresh
from linkvault.engine.rounds import log_failed_round
from linkvault.engine.services import Services
from linkvault.errors import DecryptionError, LinkvaultError
from linkvault.store import linked_accounts

__all__ = ["refresh_idle_accounts", "run_periodically"]

logger = logging.getLogger(__name__)

_BATCH_SIZE = 20


async def refresh_idle_accounts(services: Services, *, batch_size: int = _BATCH_SIZE) -> int:
    """Refresh up to ``batch_size`` idle accounts, one after another (the provider sees no burst).
    Returns how many were tried; a failed refresh is logged and left to the next round (a dead grant
    has been marked by then, so it is not tried again)."""
    async with services.sessions() as session:
        accounts = await linked_accounts.list_idle_accounts(session, now=services.clock(), limit=batch_size)
    for account in accounts:
        try:
            await refresh.get_credentials(
                services, project_id=account.project_id, linked_account_id=account.id, force=True
            )
        except DecryptionError as exc:
            # Not the provider's doing and not transient: the operator must act.
            logger.error(
                "idle refresh of linked account %s failed: %s; %s",
                account.id, exc.code, exc.REMEDY, extra={"code": exc.code},
            )  # fmt: skip
        except LinkvaultError as exc:
            logger.info("idle refresh of linked account %s failed: %s", account.id, exc.code)
    return len(accounts)


async def run_periodically(services: Services) -> None:
    """A round every ``LINKVAULT_IDLE_REFRESH_INTERVAL_SECONDS`` until cancelled; a failed round is
    logged and the next one tried."""
    while True:
        await asyncio.sleep(services.settings.idle_refresh_interval_seconds)
        try:
            await refresh_idle_accounts(services)
        except Exception as exc:
            log_failed_round(logger, exc, what="refreshing idle accounts")
