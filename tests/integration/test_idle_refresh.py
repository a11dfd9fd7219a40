"""Idle accounts are kept alive: accounts whose refresh token has not been used for longer than their
app configuration's ``refresh_idle_after`` are refreshed through the single-flight refresh, and a dead
grant is announced (``linked_account.needs_reauth``) to the application's webhook. The idle round runs
in the test process on accounts whose refresh token was last used a while ago (their ``token_issued_at``
moved back); the shared server delivers the events."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import update
from sqlmodel import col

from linkvault.engine import idle_refresh
from linkvault.engine.services import open_services
from linkvault.settings import Settings
from linkvault.store.models import LinkedAccount
from linkvault.store.types import utc_now
from support.faces import callback_path
from support.flows import consent, start_link
from support.projects import Project
from support.webhooks import receiver

INVALID_GRANT = json.dumps({"error": "invalid_grant"})


def _link(api: httpx.Client, app: Any, owner: str) -> dict[str, Any]:
    response = api.get(callback_path(consent(app, start_link(api, app, owner=owner))))
    assert response.status_code == 200, response.text
    account: dict[str, Any] = response.json()
    return account


def _make_idle(settings: Settings, accounts: list[str], *, idle_days: float) -> None:
    """Make ``accounts`` look idle for ``idle_days``: their refresh token last used then."""

    async def run() -> None:
        services = open_services(settings)
        try:
            async with services.sessions.begin() as session:
                await session.execute(
                    update(LinkedAccount)
                    .where(col(LinkedAccount.id).in_([uuid.UUID(account) for account in accounts]))
                    .values(token_issued_at=utc_now() - timedelta(days=idle_days))
                )
        finally:
            await services.aclose()

    asyncio.run(run())


def _idle_round(
    settings: Settings,
    accounts: list[str],
    *,
    idle_days: float,
    batch_size: int = 20,
    failed: dict[uuid.UUID, datetime] | None = None,
) -> int:
    """Make ``accounts`` look idle for ``idle_days`` and run one round of the idle refresh (with
    ``failed``, the loop's memory of failed accounts)."""
    _make_idle(settings, accounts, idle_days=idle_days)

    async def run() -> int:
        services = open_services(settings)
        try:
            return await idle_refresh.refresh_idle_accounts(services, batch_size=batch_size, failed=failed)
        finally:
            await services.aclose()

    return asyncio.run(run())


def test_idle_accounts_are_refreshed_and_a_dead_grant_is_announced(
    api: httpx.Client, project: Project, make_app, migrated: Settings
) -> None:
    kept = make_app(project, refresh_idle_after="P1D")
    dead = make_app(project, refresh_idle_after="86400")
    untouched = make_app(project)
    assert kept.body["refresh_idle_after"] == "P1D"
    assert dead.body["refresh_idle_after"] == "P1D"
    assert untouched.body["refresh_idle_after"] is None
    with receiver() as hook:
        endpoint = api.post(
            "/v1/webhook-endpoints",
            json={"url": hook.url, "events": ["linked_account.refreshed", "linked_account.needs_reauth"]},
            headers=project.headers,
        ).json()
        hook.secrets.append(endpoint["secret"])
        accounts = {app.app_name: _link(api, app, "olga") for app in (kept, dead, untouched)}
        dead.provider.set_knobs(
            dead.client.client_id, fail_status=400, fail_body=INVALID_GRANT, only_grant_type="refresh_token"
        )

        ids = [account["id"] for account in accounts.values()]
        not_yet = _idle_round(migrated, ids, idle_days=0.5)
        tried = _idle_round(migrated, ids, idle_days=2)
        again = _idle_round(migrated, [], idle_days=2)
        [refreshed] = hook.wait_for_types("linked_account.refreshed")
        [needs_reauth] = hook.wait_for_types("linked_account.needs_reauth")

    assert (not_yet, tried, again) == (0, 2, 0)
    assert kept.provider.token_requests(kept.client.client_id, "refresh_token") == 1
    assert untouched.provider.token_requests(untouched.client.client_id, "refresh_token") == 0
    assert refreshed["data"]["linked_account_id"] == accounts[kept.app_name]["id"]
    assert needs_reauth["data"]["linked_account_id"] == accounts[dead.app_name]["id"]
    assert needs_reauth["data"]["reason"] == "invalid_grant"
    shown = api.get(f"/v1/linked-accounts/{accounts[dead.app_name]['id']}", headers=project.headers).json()
    assert shown["status"] == "needs_reauth"


def test_accounts_whose_refresh_fails_do_not_starve_the_others(
    api: httpx.Client, project: Project, make_app, migrated: Settings
) -> None:
    """The longest idle come first. Accounts whose provider is down are left out for a while after
    they fail, so the next round reaches the others (of another app, idle for less long); they are
    tried again once that while has passed."""
    down = make_app(project, refresh_idle_after="P1D")
    healthy = make_app(project, refresh_idle_after="P1D")
    failing = [_link(api, down, f"down-{index}")["id"] for index in range(2)]
    waiting = _link(api, healthy, "healthy")["id"]
    down.provider.set_knobs(down.client.client_id, fail_status=503, only_grant_type="refresh_token")
    failed: dict[uuid.UUID, datetime] = {}

    _make_idle(migrated, [waiting], idle_days=2)  # the healthy account, idle for less long
    first = _idle_round(migrated, failing, idle_days=3, batch_size=2, failed=failed)
    second = _idle_round(migrated, [], idle_days=3, batch_size=2, failed=failed)
    for account_id in failing:  # the while has passed
        failed[uuid.UUID(account_id)] -= idle_refresh.RETRY_AFTER
    third = _idle_round(migrated, [], idle_days=3, batch_size=2, failed=failed)

    assert (first, second, third) == (2, 1, 2)
    assert down.provider.token_requests(down.client.client_id, "refresh_token") == 4
    assert healthy.provider.token_requests(healthy.client.client_id, "refresh_token") == 1


@pytest.mark.parametrize("value", ["PT5S", "P1Y", "soon", "P", "-60", "P1DT"])
def test_an_unusable_idle_threshold_is_refused(
    api: httpx.Client, project: Project, make_app, value: str
) -> None:
    app = make_app(project)

    response = api.patch(
        f"/v1/app-configurations/{app.app_name}", json={"refresh_idle_after": value}, headers=project.headers
    )

    assert response.status_code == 400, response.text
    assert "refresh_idle_after" in response.text
