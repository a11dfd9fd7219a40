"""Keeping idle accounts alive: some providers let a refresh token die when it is not used (Google
after six months, others after days), so accounts whose refresh token has been idle longer than their
app configuration's ``refresh_idle_after`` are refreshed in the background, a small batch at a time,
through the single-flight refresh (``engine.refresh``). A refresh that finds the grant dead marks the
account ``needs_reauth`` and emits ``linked_account.needs_reauth``, so the application learns of it
before its user does."""

from __future__ import annotations

import asyncio
import logging
import uuid
from datetime import datetime, timedelta

from linkvault.engine import refresh
from linkvault.engine.rounds import RoundLog
from linkvault.engine.services import Services
from linkvault.errors import DecryptionError, LinkvaultError
from linkvault.store import linked_accounts

__all__ = ["refresh_idle_accounts", "run_periodically"]

logger = logging.getLogger(__name__)

_BATCH_SIZE = 20
# How long an account whose idle refresh failed (its provider down, a key missing from the
# configuration) waits before it is tried again: the longest idle come first, so a batch of accounts
# failing at the head of the queue would otherwise be all each round ever tried.
RETRY_AFTER = timedelta(hours=1)
# The most failed accounts a loop remembers (the oldest failure is forgotten first): each is a bound
# parameter of the next round's query, which PostgreSQL caps at 32,767; with more failing accounts
# than this, some are tried again before their hour is out, and the others still get their turns.
MAX_REMEMBERED = 1_000


async def refresh_idle_accounts(
    services: Services, *, batch_size: int = _BATCH_SIZE, failed: dict[uuid.UUID, datetime] | None = None
) -> int:
    """Refresh up to ``batch_size`` idle accounts, one after another (the provider sees no burst).
    Returns how many were tried. A failed refresh is logged and, with ``failed`` (account id -> when
    it failed, kept by the caller from round to round, at most ``MAX_REMEMBERED``), left out for
    ``RETRY_AFTER``; a dead grant has been marked ``needs_reauth`` by then, so it is not tried again."""
    now = services.clock()
    if failed is not None:
        for account_id in [account_id for account_id, at in failed.items() if now - at >= RETRY_AFTER]:
            del failed[account_id]
    async with services.sessions() as session:
        accounts = await linked_accounts.list_idle_accounts(
            session, now=now, limit=batch_size, exclude=() if failed is None else failed.keys()
        )
    for account in accounts:
        try:
            await refresh.get_credentials(
                services, project_id=account.project_id, linked_account_id=account.id, force=True
            )
            continue
        except DecryptionError as exc:
            # Not the provider's doing and not transient: the operator must act.
            logger.error(
                "idle refresh of linked account %s failed: %s; %s",
                account.id, exc.code, exc.REMEDY, extra={"code": exc.code},
            )  # fmt: skip
        except LinkvaultError as exc:
            logger.info("idle refresh of linked account %s failed: %s", account.id, exc.code)
        if failed is not None:
            failed[account.id] = services.clock()
            while len(failed) > MAX_REMEMBERED:
                del failed[next(iter(failed))]  # dicts keep insertion order: the oldest failure
    return len(accounts)


async def run_periodically(services: Services) -> None:
    """A round every ``LINKVAULT_IDLE_REFRESH_INTERVAL_SECONDS`` until cancelled; a failed round is
    logged and the next one tried. The accounts whose refresh failed are remembered here, in this
    process (at most a batch a round, each for ``RETRY_AFTER``): losing them with a restart only means
    they are tried once more."""
    failed: dict[uuid.UUID, datetime] = {}
    rounds = RoundLog(logger, what="refreshing idle accounts")
    while True:
        await asyncio.sleep(services.settings.idle_refresh_interval_seconds)
        try:
            await refresh_idle_accounts(services, failed=failed)
        except Exception as exc:
            rounds.failed(exc)
        else:
            rounds.succeeded()
