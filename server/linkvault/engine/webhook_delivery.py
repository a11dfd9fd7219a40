"""The delivery worker: posts each pending delivery, signed (Standard Webhooks), at least once.

Every replica of ``linkvault serve`` runs it. A pass claims a batch of due deliveries with one
``UPDATE … RETURNING`` (``store.webhooks.claim_due_deliveries``: ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, the single writer on SQLite), so no two workers send the same attempt; a worker that dies
mid-send loses its claim when the lease runs out and another sends the delivery again (the receiver
deduplicates by ``webhook-id``, the event id, which is the same on every attempt).

A 2xx answer delivers. Anything else (another status, a redirect, which is never followed, a timeout, a
refused address) is retried after ``RETRY_SCHEDULE_SECONDS`` (each delay ±20 % jitter, so that many
deliveries failed together do not retry together); after the last one the delivery is ``failed`` and
its endpoint is disabled. ``FAILING_AFTER`` failed attempts in a row mark the endpoint ``failing``.
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
from datetime import timedelta

from linkvault.engine import events, http
from linkvault.engine.rounds import RoundLog
from linkvault.engine.services import Services
from linkvault.engine.webhook_signing import signed_headers
from linkvault.engine.webhooks import signing_secrets
from linkvault.errors import AddressNotAllowed, ProviderError, ProviderTimeout
from linkvault.store import webhooks as store
from linkvault.store.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint

__all__ = ["FAILING_AFTER", "RETRY_SCHEDULE_SECONDS", "deliver_due", "retry_delay", "run_periodically"]

logger = logging.getLogger(__name__)

# The delay before each retry: 5 s, 30 s, 2 min, 10 min, 30 min, 2 h, 6 h, 12 h; nine attempts over
# about 21 hours in all.
RETRY_SCHEDULE_SECONDS = (5, 30, 120, 600, 1_800, 7_200, 21_600, 43_200)
FAILING_AFTER = 3
_BATCH_SIZE = 20
_JITTER = 0.2
# A claim lasts the attempt's bound plus this margin for recording the outcome.
_LEASE_MARGIN_SECONDS = 30.0


def retry_delay(failed_attempts: int, *, rng: random.Random | None = None) -> float | None:
    """Seconds to wait after the ``failed_attempts``-th failed attempt (1-based), jittered by ±20 %;
    None when the schedule is exhausted."""
    if failed_attempts > len(RETRY_SCHEDULE_SECONDS):
        return None
    base = RETRY_SCHEDULE_SECONDS[failed_attempts - 1]
    return float(base * (rng or random).uniform(1 - _JITTER, 1 + _JITTER))


async def deliver_due(services: Services, *, limit: int = _BATCH_SIZE) -> int:
    """One pass: claim up to ``limit`` due deliveries and attempt each (concurrently). Returns how many
    were attempted, so a caller knows whether more may be waiting."""
    now = services.clock()
    lease_id = secrets.token_hex(16)
    until = now + timedelta(seconds=services.settings.webhooks_timeout_seconds + _LEASE_MARGIN_SECONDS)
    async with services.sessions.begin() as session:
        claimed = await store.claim_due_deliveries(
            session, now=now, lease_id=lease_id, until=until, limit=limit
        )
        found = await store.events_by_id(session, event_ids=[delivery.event_id for delivery in claimed])
        endpoints = await store.endpoints_by_id(
            session, endpoint_ids=list({delivery.endpoint_id for delivery in claimed})
        )
    # An endpoint deleted meanwhile takes its deliveries with it: nothing to send.
    claimed = [d for d in claimed if d.event_id in found and d.endpoint_id in endpoints]
    outcomes = await asyncio.gather(
        *(
            _attempt(services, delivery, found[delivery.event_id], endpoints[delivery.endpoint_id], lease_id)
            for delivery in claimed
        ),
        return_exceptions=True,
    )
    for delivery, outcome in zip(claimed, outcomes, strict=True):
        if isinstance(outcome, Exception):
            # Its claim runs out and another pass sends it again (at least once).
            logger.error("webhook delivery %s failed unexpectedly", delivery.id, exc_info=outcome)
    return len(claimed)


async def _attempt(
    services: Services, delivery: WebhookDelivery, event: Event, endpoint: WebhookEndpoint, lease_id: str
) -> None:
    started = services.clock()
    body = events.envelope_bytes(event)
    headers = signed_headers(
        secrets_=signing_secrets(services, endpoint, now=started),
        message_id=str(event.id),
        timestamp=started,
        body=body,
    )
    status_code: int | None = None
    error_class: str | None = None
    clock = asyncio.get_running_loop().time
    began = clock()
    try:
        response = await http.post_json(services.webhook_http, endpoint.url, body=body, headers=headers)
    except ProviderTimeout:
        error_class = "timeout"
    except AddressNotAllowed:
        error_class = "address_not_allowed"
    except ProviderError:
        error_class = "connection_error"
    else:
        status_code = response.status_code
        if not 200 <= status_code < 300:
            error_class = "http_status"
    latency_ms = round((clock() - began) * 1000)
    now = services.clock()
    succeeded = error_class is None
    delay = None if succeeded else retry_delay(delivery.attempt_count + 1)
    exhausted = not succeeded and delay is None
    status = "succeeded" if succeeded else ("failed" if exhausted else "pending")
    async with services.sessions.begin() as session:
        held = await store.finish_attempt(
            session,
            delivery_id=delivery.id,
            lease_id=lease_id,
            attempt=WebhookAttempt(
                delivery_id=delivery.id,
                attempted_at=started,
                status_code=status_code,
                latency_ms=latency_ms,
                error_class=error_class,
            ),
            status=status,
            next_attempt_at=None if delay is None else now + timedelta(seconds=delay),
            now=now,
        )
        if held:
            await store.note_endpoint_outcome(
                session,
                endpoint_id=endpoint.id,
                succeeded=succeeded,
                failing_after=FAILING_AFTER,
                disable=exhausted,
                now=now,
            )
    if not succeeded:
        # The endpoint by id, not URL: a URL may carry the receiver's own credentials.
        logger.info(
            "webhook delivery %s to endpoint %s failed (%s%s); %s",
            delivery.id, endpoint.id, error_class, f" {status_code}" if status_code else "",
            "endpoint disabled" if exhausted else f"retrying in {delay:.0f} s",
        )  # fmt: skip


async def run_periodically(services: Services) -> None:
    """Deliver until cancelled: a pass right after one that found work, else one every
    ``LINKVAULT_WEBHOOKS_POLL_INTERVAL_SECONDS``; a failed pass is logged and the next one tried."""
    rounds = RoundLog(logger, what="a webhook delivery pass")
    while True:
        attempted = 0
        try:
            attempted = await deliver_due(services)
        except Exception as exc:
            rounds.failed(exc)
        else:
            rounds.succeeded()
        if attempted < _BATCH_SIZE:
            await asyncio.sleep(services.settings.webhooks_poll_interval_seconds)
