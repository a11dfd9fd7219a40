"""Webhook endpoints of a project: where events go, their signing secrets and their deliveries.

An endpoint URL is ``https://`` (``http://`` only for a loopback IP address named in the URL), and its
host must not resolve to a link-local or cloud-metadata address, nor to a private one (names that
resolve to loopback included) unless LINKVAULT_WEBHOOKS_ALLOW_PRIVATE: checked here at creation and
update, and again after resolution at every delivery (``engine.http``), so a DNS answer that changes
later is caught too (SSRF).
"""

from __future__ import annotations

import ipaddress
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from linkvault.engine import cursors, events
from linkvault.engine.egress import is_loopback
from linkvault.engine.services import Services, webhook_policy
from linkvault.engine.webhook_signing import new_secret
from linkvault.errors import Conflict, InvalidInput, NotFound
from linkvault.limits import MAX_URL_LENGTH
from linkvault.store import webhooks as store
from linkvault.store.models import Event, WebhookAttempt, WebhookDelivery, WebhookEndpoint
from linkvault.text import NOT_TEXT_REASON, invalid_text_path

__all__ = [
    "SECRET_GRACE_SECONDS",
    "DeliveryPage",
    "DeliveryView",
    "NewSecret",
    "check_webhook_url",
    "create_endpoint",
    "delete_endpoint",
    "get_endpoint",
    "list_deliveries",
    "list_endpoints",
    "retry_delivery",
    "rotate_secret",
    "send_test",
    "signing_secrets",
    "update_endpoint",
]

# After a rotation the old secret still signs (beside the new one) for this long: a day to deploy
# the new secret to every receiver.
SECRET_GRACE_SECONDS = 86_400


async def check_webhook_url(services: Services, url: str, *, field: tuple[str, ...] = ("url",)) -> str:
    """``url`` if webhooks may be sent to it, else InvalidInput naming why (scheme, host, address)."""
    if len(url) > MAX_URL_LENGTH:
        raise InvalidInput(f"url must have at most {MAX_URL_LENGTH} characters", field=field)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidInput("url is not a valid URL", field=field) from exc
    host = parts.hostname
    if parts.scheme not in ("https", "http") or not host:
        raise InvalidInput("url must be an absolute https:// URL", field=field)
    if parts.username is not None or parts.password is not None:
        raise InvalidInput("url must not carry a user name or password", field=field)
    if parts.fragment:
        raise InvalidInput("url must not have a fragment", field=field)
    try:
        literal: ipaddress.IPv4Address | ipaddress.IPv6Address | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if parts.scheme == "http" and (literal is None or not is_loopback(literal)):
        raise InvalidInput("url must be https:// (http:// only for a loopback IP address)", field=field)
    policy = webhook_policy(services.settings)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            addresses = await services.resolver(host, port or (443 if parts.scheme == "https" else 80))
        except OSError as exc:
            raise InvalidInput(f"url: {host} does not resolve", field=field) from exc
    for address in addresses:
        reason = policy.refusal(address)
        if reason is not None:
            raise InvalidInput(f"url: {host} resolves to {reason}", field=field)
    return url


def _check_events(value: list[str]) -> list[str]:
    unknown = sorted(set(value) - set(events.EVENT_TYPES))
    if unknown:
        raise InvalidInput(f"unknown event types: {', '.join(unknown)}", field=("events",))
    return sorted(set(value))


async def _changes(services: Services, fields: dict[str, Any]) -> dict[str, Any]:
    for name, value in fields.items():
        if (where := invalid_text_path(value)) is not None:
            raise InvalidInput(f"{name} {NOT_TEXT_REASON}", field=(name, *where))
    changes: dict[str, Any] = {}
    if "url" in fields:
        changes["url"] = await check_webhook_url(services, fields["url"])
    if "events" in fields:
        changes["events"] = _check_events(fields["events"] or [])
    if "description" in fields:
        changes["description"] = fields["description"]
    if "enabled" in fields:
        changes["enabled"] = bool(fields["enabled"])
    return changes


@dataclass(frozen=True)
class NewSecret:
    """An endpoint with its new secret, shown this once; ``previous_secret_expires_at`` is when the
    secret it replaced stops signing (None at creation)."""

    endpoint: WebhookEndpoint
    secret: str
    previous_secret_expires_at: datetime | None = None


async def create_endpoint(services: Services, *, project_id: uuid.UUID, fields: dict[str, Any]) -> NewSecret:
    """Create an endpoint with a new ``whsec_`` secret (stored encrypted: it must sign, so it cannot be
    a hash). Raises InvalidInput (URL, event types)."""
    changes = await _changes(services, fields)
    secret = new_secret()
    now = services.clock()
    endpoint = WebhookEndpoint(
        project_id=project_id,
        url=changes["url"],
        description=changes.get("description"),
        events=changes.get("events", []),
        enabled=changes.get("enabled", True),
        secret_encrypted=services.cipher.encrypt(secret),
        created_at=now,
        updated_at=now,
    )
    async with services.sessions.begin() as session:
        await store.add_endpoint(session, endpoint=endpoint)
    return NewSecret(endpoint=endpoint, secret=secret)


async def list_endpoints(services: Services, *, project_id: uuid.UUID) -> list[WebhookEndpoint]:
    async with services.sessions() as session:
        return await store.list_endpoints(session, project_id=project_id)


async def get_endpoint(
    services: Services, *, project_id: uuid.UUID, endpoint_id: uuid.UUID
) -> WebhookEndpoint:
    """Raises NotFound."""
    async with services.sessions() as session:
        endpoint = await store.get_endpoint(session, project_id=project_id, endpoint_id=endpoint_id)
    if endpoint is None:
        raise NotFound("no such webhook endpoint")
    return endpoint


async def update_endpoint(
    services: Services, *, project_id: uuid.UUID, endpoint_id: uuid.UUID, fields: dict[str, Any]
) -> WebhookEndpoint:
    """Change the fields given. Enabling an endpoint clears its failure count and status, and the
    deliveries still pending resume. Raises NotFound, InvalidInput."""
    changes = await _changes(services, fields)
    async with services.sessions.begin() as session:
        endpoint = await store.get_endpoint(
            session, project_id=project_id, endpoint_id=endpoint_id, for_update=True
        )
        if endpoint is None:
            raise NotFound("no such webhook endpoint")
        if changes.get("enabled") and not endpoint.enabled:
            endpoint.consecutive_failures = 0
            endpoint.delivery_status = "healthy"
            endpoint.disabled_reason = None
        for name, value in changes.items():
            setattr(endpoint, name, value)
        endpoint.updated_at = services.clock()
        await session.flush()
        return endpoint


async def delete_endpoint(services: Services, *, project_id: uuid.UUID, endpoint_id: uuid.UUID) -> None:
    """Delete the endpoint and its deliveries. Raises NotFound."""
    async with services.sessions.begin() as session:
        endpoint = await store.get_endpoint(
            session, project_id=project_id, endpoint_id=endpoint_id, for_update=True
        )
        if endpoint is None:
            raise NotFound("no such webhook endpoint")
        await store.delete_endpoint(session, endpoint=endpoint)


async def rotate_secret(services: Services, *, project_id: uuid.UUID, endpoint_id: uuid.UUID) -> NewSecret:
    """Issue a new secret; the current one keeps signing beside it for ``SECRET_GRACE_SECONDS`` (both
    signatures in ``webhook-signature``). Raises NotFound."""
    secret = new_secret()
    now = services.clock()
    async with services.sessions.begin() as session:
        endpoint = await store.get_endpoint(
            session, project_id=project_id, endpoint_id=endpoint_id, for_update=True
        )
        if endpoint is None:
            raise NotFound("no such webhook endpoint")
        endpoint.previous_secret_encrypted = endpoint.secret_encrypted
        endpoint.previous_secret_expires_at = now + timedelta(seconds=SECRET_GRACE_SECONDS)
        endpoint.secret_encrypted = services.cipher.encrypt(secret)
        endpoint.updated_at = now
        await session.flush()
    return NewSecret(
        endpoint=endpoint, secret=secret, previous_secret_expires_at=endpoint.previous_secret_expires_at
    )


def signing_secrets(services: Services, endpoint: WebhookEndpoint, *, now: datetime) -> list[str]:
    """The secrets that sign a delivery now: the current one, and the previous one in its grace period."""
    found = [services.cipher.decrypt(endpoint.secret_encrypted)]
    expires_at = endpoint.previous_secret_expires_at
    if endpoint.previous_secret_encrypted is not None and expires_at is not None and now < expires_at:
        found.append(services.cipher.decrypt(endpoint.previous_secret_encrypted))
    return found


@dataclass(frozen=True)
class DeliveryView:
    """A delivery with its event and every attempt, oldest first."""

    delivery: WebhookDelivery
    event: Event
    attempts: list[WebhookAttempt]


@dataclass(frozen=True)
class DeliveryPage:
    """One page of an endpoint's deliveries, newest first, and the cursor of the next (None: the last)."""

    items: list[DeliveryView]
    next_cursor: str | None


async def list_deliveries(
    services: Services,
    *,
    project_id: uuid.UUID,
    endpoint_id: uuid.UUID,
    status: str | None,
    limit: int,
    cursor: str | None = None,
) -> DeliveryPage:
    """A page of the endpoint's deliveries, newest first (keyset pagination, so every attempt can be
    reached, however many there are). Raises NotFound, InvalidInput for a cursor this server did not
    give out."""
    before = cursors.decode_time_and_id(cursor) if cursor else None
    async with services.sessions() as session:
        if await store.get_endpoint(session, project_id=project_id, endpoint_id=endpoint_id) is None:
            raise NotFound("no such webhook endpoint")
        rows = await store.list_deliveries(
            session, endpoint_id=endpoint_id, status=status, limit=limit + 1, before=before
        )
        more = len(rows) > limit
        rows = rows[:limit]
        attempts = await store.attempts_of(session, delivery_ids=[delivery.id for delivery, _ in rows])
    last = rows[-1][0] if more else None
    return DeliveryPage(
        items=[DeliveryView(delivery, event, attempts[delivery.id]) for delivery, event in rows],
        next_cursor=None if last is None else cursors.encode_time_and_id(last.created_at, last.id),
    )


async def retry_delivery(
    services: Services, *, project_id: uuid.UUID, endpoint_id: uuid.UUID, delivery_id: uuid.UUID
) -> DeliveryView:
    """Send the delivery again as soon as the worker gets to it, with a fresh retry schedule (the same
    event, so the same ``webhook-id``). Raises NotFound, Conflict (the endpoint is disabled)."""
    now = services.clock()
    async with services.sessions.begin() as session:
        endpoint = await store.get_endpoint(
            session, project_id=project_id, endpoint_id=endpoint_id, for_update=True
        )
        if endpoint is None:
            raise NotFound("no such webhook endpoint")
        if not endpoint.enabled:
            raise Conflict("the webhook endpoint is disabled; enable it first")
        found = await store.get_delivery(session, endpoint_id=endpoint_id, delivery_id=delivery_id)
        if found is None:
            raise NotFound("no such delivery")
        await store.reschedule_delivery(session, delivery_id=delivery_id, now=now)
        found = await store.get_delivery(session, endpoint_id=endpoint_id, delivery_id=delivery_id)
        assert found is not None
        attempts = await store.attempts_of(session, delivery_ids=[delivery_id])
    return DeliveryView(found[0], found[1], attempts[delivery_id])


async def send_test(services: Services, *, project_id: uuid.UUID, endpoint_id: uuid.UUID) -> DeliveryView:
    """Queue a ``ping`` for this endpoint alone (delivered by the worker, signed like every event).
    Raises NotFound, Conflict (the endpoint is disabled)."""
    now = services.clock()
    async with services.sessions.begin() as session:
        endpoint = await store.get_endpoint(
            session, project_id=project_id, endpoint_id=endpoint_id, for_update=True
        )
        if endpoint is None:
            raise NotFound("no such webhook endpoint")
        if not endpoint.enabled:
            raise Conflict("the webhook endpoint is disabled; enable it first")
        event_id = await events.record_ping(session, project_id=project_id, endpoint_id=endpoint_id, now=now)
        delivery = await store.find_delivery(session, event_id=event_id, endpoint_id=endpoint_id)
        event = (await store.events_by_id(session, event_ids=[event_id]))[event_id]
    assert delivery is not None  # record_ping adds it for an enabled endpoint
    return DeliveryView(delivery, event, [])
