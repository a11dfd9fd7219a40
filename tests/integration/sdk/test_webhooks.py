"""The SDK's webhooks and events operations against a running linkvault, sync and async; deliveries go
to a receiver on loopback that verifies them with ``standardwebhooks``."""

from __future__ import annotations

import time
import uuid
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

import anyio
import pytest

from linkvault_client import AuthenticatedClient, Client
from linkvault_client.api.events import list_events
from linkvault_client.api.webhooks import (
    create_webhook_endpoint,
    delete_webhook_endpoint,
    get_webhook_endpoint,
    list_webhook_deliveries,
    list_webhook_endpoints,
    retry_webhook_delivery,
    rotate_webhook_endpoint_secret,
    send_webhook_test,
    update_webhook_endpoint,
)
from linkvault_client.models import (
    Event,
    EventType,
    LinkedAccountEventData,
    LinkedAccountStatus,
    WebhookDelivery,
    WebhookDeliveryStatus,
    WebhookEndpoint,
    WebhookEndpointCreate,
    WebhookEndpointDeliveryStatus,
    WebhookEndpointUpdate,
    WebhookEndpointWithSecret,
    WebhookSecretRotated,
)
from support.sdk import api_key_client, assert_problem, link_via_aci, opened
from support.webhooks import receiver

if TYPE_CHECKING:
    from conftest import AppFactory

    from support.projects import Project
    from support.server import RunningServer


def _succeeded(client: Any, endpoint_id: uuid.UUID) -> list[WebhookDelivery]:
    """The endpoint's deliveries once none is pending (the worker records the answer just after it)."""
    deadline = time.monotonic() + 20
    while True:
        found = list_webhook_deliveries.sync(endpoint_id, client=client)
        assert isinstance(found, list)
        if all(delivery.status is WebhookDeliveryStatus.SUCCEEDED for delivery in found):
            return found
        assert time.monotonic() < deadline, found
        time.sleep(0.05)


def test_webhooks_and_events_sync(
    bearer: AuthenticatedClient, anonymous: Client, make_app: AppFactory, project: Project
) -> None:
    app = make_app(project)
    with receiver() as hook:
        response = create_webhook_endpoint.sync_detailed(
            client=bearer,
            body=WebhookEndpointCreate(url=hook.url, events=[EventType.LINKED_ACCOUNT_CREATED], description="crm"),
        )
        assert response.status_code == HTTPStatus.CREATED
        created = response.parsed
        assert isinstance(created, WebhookEndpointWithSecret)
        hook.secrets.append(created.secret)
        assert created.events == [EventType.LINKED_ACCOUNT_CREATED]
        assert created.delivery_status is WebhookEndpointDeliveryStatus.HEALTHY

        account = link_via_aci(app.provider, bearer, anonymous, app.app_name, "ivy")
        [payload] = hook.wait_for_types("linked_account.created")
        pinged = send_webhook_test.sync(created.id, client=bearer)
        assert isinstance(pinged, WebhookDelivery)
        hook.wait_for_types("ping")
        deliveries = _succeeded(bearer, created.id)
        ping = next(delivery for delivery in deliveries if delivery.event_type == "ping")
        retried = retry_webhook_delivery.sync(created.id, ping.id, client=bearer)
        assert isinstance(retried, WebhookDelivery)
        hook.wait_for(lambda r: r.types().count("ping") == 2)
        detailed_test = send_webhook_test.sync_detailed(created.id, client=bearer)
        detailed_retry = retry_webhook_delivery.sync_detailed(created.id, ping.id, client=bearer)
        hook.wait_for(lambda r: r.types().count("ping") == 4)

    assert payload["data"]["linked_account_id"] == str(account.id)
    assert pinged.event_type == "ping"
    assert retried.status is WebhookDeliveryStatus.PENDING
    assert retried.event_id == ping.event_id
    assert detailed_test.status_code == HTTPStatus.ACCEPTED
    assert detailed_retry.status_code == HTTPStatus.ACCEPTED
    assert hook.counts()[str(ping.event_id)] == 3

    events = list_events.sync(client=bearer)
    assert isinstance(events, list)
    [event] = events
    assert isinstance(event, Event)
    assert str(event.id) == payload["id"]
    assert event.type_ == "linked_account.created"
    assert isinstance(event.data, LinkedAccountEventData)
    assert event.data.status is LinkedAccountStatus.ACTIVE
    assert event.data.linked_account_id == account.id
    filtered = list_events.sync_detailed(
        client=bearer, event_type=EventType.LINK_FAILED, linked_account_id=account.id
    )
    assert filtered.status_code == HTTPStatus.OK
    assert filtered.parsed == []

    assert list_webhook_endpoints.sync(client=bearer) == [get_webhook_endpoint.sync(created.id, client=bearer)]
    listed = list_webhook_endpoints.sync_detailed(client=bearer)
    assert listed.status_code == HTTPStatus.OK
    deliveries_detailed = list_webhook_deliveries.sync_detailed(
        created.id, client=bearer, status=WebhookDeliveryStatus.SUCCEEDED, limit=10
    )
    assert deliveries_detailed.status_code == HTTPStatus.OK
    assert {delivery.event_type for delivery in deliveries_detailed.parsed or []} == {
        "ping",
        "linked_account.created",
    }

    rotated = rotate_webhook_endpoint_secret.sync(created.id, client=bearer)
    assert isinstance(rotated, WebhookSecretRotated)
    assert rotated.secret.startswith("whsec_") and rotated.secret != created.secret
    rotated_again = rotate_webhook_endpoint_secret.sync_detailed(created.id, client=bearer)
    assert rotated_again.status_code == HTTPStatus.OK

    updated = update_webhook_endpoint.sync(created.id, client=bearer, body=WebhookEndpointUpdate(enabled=False))
    assert isinstance(updated, WebhookEndpoint)
    assert updated.enabled is False
    refused = update_webhook_endpoint.sync_detailed(
        created.id, client=bearer, body=WebhookEndpointUpdate(url="http://example.com/in")
    )
    assert_problem(refused.parsed, 400, "invalid_input")
    shown = get_webhook_endpoint.sync_detailed(created.id, client=bearer)
    assert isinstance(shown.parsed, WebhookEndpoint)
    assert shown.parsed.url == hook.url

    assert delete_webhook_endpoint.sync_detailed(created.id, client=bearer).status_code == HTTPStatus.NO_CONTENT
    assert delete_webhook_endpoint.sync(created.id, client=bearer) is not None  # a 404 Problem now
    assert_problem(get_webhook_endpoint.sync(created.id, client=bearer), 404, "not_found")

    loopback_https = create_webhook_endpoint.sync(client=bearer, body=WebhookEndpointCreate(url="https://127.0.0.1:9/in"))
    assert isinstance(loopback_https, WebhookEndpointWithSecret)
    assert loopback_https.enabled is True and loopback_https.events == []


@pytest.mark.anyio
async def test_webhooks_and_events_async(linkvault_server: RunningServer, project: Project) -> None:
    with receiver() as hook:
        async with opened(api_key_client(linkvault_server, project)) as client:
            created = await create_webhook_endpoint.asyncio(client=client, body=WebhookEndpointCreate(url=hook.url))
            assert isinstance(created, WebhookEndpointWithSecret)
            hook.secrets.append(created.secret)
            detailed = await create_webhook_endpoint.asyncio_detailed(
                client=client, body=WebhookEndpointCreate(url="https://169.254.169.254/")
            )
            assert_problem(detailed.parsed, 400, "invalid_input")

            pinged = await send_webhook_test.asyncio(created.id, client=client)
            assert isinstance(pinged, WebhookDelivery)
            await anyio.to_thread.run_sync(lambda: hook.wait_for_types("ping"))
            await _wait_succeeded_async(client, created.id)
            retried = await retry_webhook_delivery.asyncio(created.id, pinged.id, client=client)
            retried_detailed = await retry_webhook_delivery.asyncio_detailed(created.id, pinged.id, client=client)
            second = await send_webhook_test.asyncio_detailed(created.id, client=client)
            await anyio.to_thread.run_sync(lambda: hook.wait_for(lambda r: len(r.verified) >= 3))

            listed = await list_webhook_endpoints.asyncio(client=client)
            listed_detailed = await list_webhook_endpoints.asyncio_detailed(client=client)
            shown = await get_webhook_endpoint.asyncio(created.id, client=client)
            shown_detailed = await get_webhook_endpoint.asyncio_detailed(created.id, client=client)
            rotated = await rotate_webhook_endpoint_secret.asyncio(created.id, client=client)
            rotated_detailed = await rotate_webhook_endpoint_secret.asyncio_detailed(created.id, client=client)
            updated = await update_webhook_endpoint.asyncio(
                created.id, client=client, body=WebhookEndpointUpdate(description="billing")
            )
            updated_detailed = await update_webhook_endpoint.asyncio_detailed(
                created.id, client=client, body=WebhookEndpointUpdate(events=[EventType.LINKED_ACCOUNT_DELETED])
            )
            events = await list_events.asyncio(client=client)
            events_detailed = await list_events.asyncio_detailed(client=client, limit=1)
            deleted = await delete_webhook_endpoint.asyncio_detailed(created.id, client=client)
            deleted_again = await delete_webhook_endpoint.asyncio(created.id, client=client)

    assert isinstance(retried, WebhookDelivery) and retried.event_id == pinged.event_id
    assert retried_detailed.status_code == HTTPStatus.ACCEPTED
    assert second.status_code == HTTPStatus.ACCEPTED
    assert isinstance(listed, list) and [endpoint.id for endpoint in listed] == [created.id]
    assert listed_detailed.status_code == HTTPStatus.OK
    assert isinstance(shown, WebhookEndpoint) and shown.id == created.id
    assert shown_detailed.status_code == HTTPStatus.OK
    assert isinstance(rotated, WebhookSecretRotated)
    assert rotated_detailed.status_code == HTTPStatus.OK
    assert isinstance(updated, WebhookEndpoint) and updated.description == "billing"
    assert isinstance(updated_detailed.parsed, WebhookEndpoint)
    assert updated_detailed.parsed.events == [EventType.LINKED_ACCOUNT_DELETED]
    assert events == []  # pings are not in the stream
    assert events_detailed.status_code == HTTPStatus.OK
    assert deleted.status_code == HTTPStatus.NO_CONTENT
    assert_problem(deleted_again, 404, "not_found")


async def _wait_succeeded_async(client: Any, endpoint_id: uuid.UUID) -> None:
    with anyio.fail_after(20):
        while True:
            found = await list_webhook_deliveries.asyncio(endpoint_id, client=client)
            assert isinstance(found, list)
            if found and all(delivery.status is WebhookDeliveryStatus.SUCCEEDED for delivery in found):
                detailed = await list_webhook_deliveries.asyncio_detailed(endpoint_id, client=client)
                assert detailed.status_code == HTTPStatus.OK
                return
            await anyio.sleep(0.05)


