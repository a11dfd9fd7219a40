"""Idle accounts are kept alive: accounts whose refresh token has not been used for longer than their
app configuration's ``refresh_idle_after`` are refreshed through the single-flight refresh, and a dead
grant is announced (``linked_account.needs_reauth``) to the application's webhook. The idle round runs
in the test process on accounts whose refresh token was last used a while ago (their ``token_issued_at``
moved back); the shared server delivers the events."""

from __future__ import annotations

import asyncio
import json
import uuid
from datetime import timedelta
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


def _idle_round(settings: Settings, accounts: list[str], *, idle_days: float) -> int:
    """Make ``accounts`` look idle for ``idle_days`` (their refresh token last used then), and run one
    round of the idle refresh."""

    async def run() -> int:
        services = open_services(settings)
        try:
            async with services.sessions.begin() as session:
                await session.execute(
                    update(LinkedAccount)
                    .where(col(LinkedAccount.id).in_([uuid.UUID(account) for account in accounts]))
                    .values(token_issued_at=utc_now() - timedelta(days=idle_days))
                )
            return await idle_refresh.refresh_idle_accounts(services)
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
