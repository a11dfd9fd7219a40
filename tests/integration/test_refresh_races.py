"""Races a refresh can lose, driven in-process against the test database with a scripted token endpoint:
while this refresh waits for the provider, another process writes newer credentials. Also the account's
own lifecycle racing a delete."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta

import httpx
import pytest

from linkvault.engine import projects
from linkvault.engine.http import OutboundClient
from linkvault.engine.refresh import Credentials, get_credentials
from linkvault.engine.services import Services, open_services
from linkvault.errors import AccountDisabled, NeedsReauth, NotFound, ProviderUnavailable
from linkvault.settings import Settings
from linkvault.store import linked_accounts as account_store
from linkvault.store.database import transaction
from linkvault.store.models import AppConfiguration, LinkedAccount

pytestmark = pytest.mark.anyio

TOKEN_URL = "http://127.0.0.1:9/token"
Handler = Callable[[httpx.Request], Awaitable[httpx.Response]]


async def _account(services: Services) -> LinkedAccount:
    """A linked account of a project of its own, whose token is due, holding refresh token ``rt-1``."""
    created = await projects.create_project(services, name="races")
    now = services.clock()
    async with services.sessions.begin() as session:
        app = AppConfiguration(
            project_id=created.project_id,
            app_name="races",
            client_id="client",
            authorize_url="http://127.0.0.1:9/authorize",
            token_url=TOKEN_URL,
            token_endpoint_auth_method="client_secret_post",
        )
        session.add(app)
        await session.flush()
        account = LinkedAccount(
            project_id=created.project_id,
            app_configuration_id=app.id,
            app_name="races",
            linked_account_owner_id="owner",
            access_token_encrypted=services.cipher.encrypt("at-1"),
            refresh_token_encrypted=services.cipher.encrypt("rt-1"),
            token_type="Bearer",
            expires_at=now,
            token_issued_at=now - timedelta(hours=1),
            sequence=1,
        )
        session.add(account)
        await session.flush()
    return account


async def _credentials_with(services: Services, account: LinkedAccount, provider: Handler) -> Credentials:
    """The account's credentials, asked of the engine while ``provider`` plays the token endpoint."""
    scripted = dataclasses.replace(
        services, http=OutboundClient(httpx.MockTransport(provider), timeout_seconds=5)
    )
    try:
        found = await get_credentials(scripted, project_id=account.project_id, linked_account_id=account.id)
        assert isinstance(found, Credentials)
        return found
    finally:
        await scripted.http.aclose()


async def _stored(services: Services, account: LinkedAccount) -> LinkedAccount:
    async with services.sessions() as session:
        stored = await account_store.get_linked_account(
            session, project_id=account.project_id, linked_account_id=account.id
        )
    assert stored is not None
    return stored


async def _write_newer_credentials(services: Services, account: LinkedAccount) -> None:
    """What another replica's refresh stores meanwhile: sequence 2, with a rotated refresh token."""
    async with transaction(services.db_engine) as statements:
        stored = await account_store.store_refreshed_credentials(
            statements,
            linked_account_id=account.id,
            expected_sequence=1,
            access_token_encrypted=services.cipher.encrypt("at-2"),
            refresh_token_encrypted=services.cipher.encrypt("rt-2"),
            token_type="Bearer",
            scope=None,
            expires_at=services.clock() + timedelta(hours=1),
            now=services.clock(),
        )
    assert stored is not None


async def test_invalid_grant_after_another_refresh_stored_newer_credentials_is_a_lost_race(
    services: Services,
) -> None:
    account = await _account(services)

    async def provider(request: httpx.Request) -> httpx.Response:
        # The other replica used rt-1 first and rotated it: ours is now refused.
        await _write_newer_credentials(services, account)
        return httpx.Response(400, json={"error": "invalid_grant"})

    credentials = await _credentials_with(services, account, provider)

    assert (credentials.access_token, credentials.sequence) == ("at-2", 2)
    stored = await _stored(services, account)
    assert stored.credential_status == "active"
    assert stored.refresh_lease_id is None


async def test_a_refresh_whose_answer_arrives_after_a_newer_write_does_not_overwrite_it(
    services: Services,
) -> None:
    account = await _account(services)

    async def provider(request: httpx.Request) -> httpx.Response:
        await _write_newer_credentials(services, account)
        body = {
            "access_token": "at-late",
            "token_type": "Bearer",
            "expires_in": 3600,
            "refresh_token": "rt-late",
        }
        return httpx.Response(200, content=json.dumps(body), headers={"Content-Type": "application/json"})

    credentials = await _credentials_with(services, account, provider)

    assert (credentials.access_token, credentials.sequence) == ("at-2", 2)


async def test_invalid_grant_on_the_current_refresh_token_needs_reauth(services: Services) -> None:
    account = await _account(services)
    sent: list[str] = []

    async def provider(request: httpx.Request) -> httpx.Response:
        sent.append(request.content.decode())
        return httpx.Response(400, json={"error": "invalid_grant"})

    with pytest.raises(NeedsReauth):
        await _credentials_with(services, account, provider)
    with pytest.raises(NeedsReauth):
        await _credentials_with(services, account, provider)

    assert len(sent) == 1  # a dead grant is not asked again
    assert "refresh_token=rt-1" in sent[0]


async def test_an_account_disabled_while_the_provider_answers_gets_nothing_but_keeps_the_new_tokens(
    services: Services,
) -> None:
    account = await _account(services)

    async def provider(request: httpx.Request) -> httpx.Response:
        async with services.sessions.begin() as session:
            current = await account_store.get_linked_account(
                session, project_id=account.project_id, linked_account_id=account.id
            )
            assert current is not None
            await account_store.set_enabled(session, account=current, enabled=False)
        body = {"access_token": "at-2", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "rt-2"}
        return httpx.Response(200, json=body)

    with pytest.raises(AccountDisabled):
        await _credentials_with(services, account, provider)

    stored = await _stored(services, account)
    assert (stored.enabled, stored.sequence) == (False, 2)
    # The rotated refresh token is kept: enabling the account again needs no new link.
    assert services.cipher.decrypt(stored.refresh_token_encrypted or "") == "rt-2"


async def _held_by_another_replica(services: Services, account: LinkedAccount) -> None:
    now = services.clock()
    held = await account_store.acquire_refresh_lease(
        services.db_engine,
        linked_account_id=account.id,
        lease_id="other-replica",
        now=now,
        until=now + timedelta(minutes=1),
    )
    assert held is not None


async def _given_back_by_the_other_replica(
    services: Services, account: LinkedAccount, *, failed: bool
) -> None:
    async with transaction(services.db_engine) as statements:
        await account_store.release_refresh_lease(
            statements,
            linked_account_id=account.id,
            lease_id="other-replica",
            failed_at=services.clock() if failed else None,
        )


async def _waiting_on_another_replica(
    services: Services, account: LinkedAccount, provider: Handler, *, failed: bool
) -> asyncio.Task[Credentials]:
    """A request for the account's credentials, waiting while another replica holds the refresh lease;
    that replica has then given the lease back, marking its refresh ``failed`` at the provider or not."""
    await _held_by_another_replica(services, account)
    waiter = asyncio.create_task(_credentials_with(services, account, provider))
    await asyncio.sleep(0.2)
    assert not waiter.done()
    await _given_back_by_the_other_replica(services, account, failed=failed)
    return waiter


async def test_waiters_fail_with_the_holder_instead_of_asking_the_provider_again(services: Services) -> None:
    account = await _account(services)
    asked: list[httpx.Request] = []

    async def provider(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(503)

    # The other replica's refresh failed: it gives the lease back without new credentials.
    waiter = await _waiting_on_another_replica(services, account, provider, failed=True)

    with pytest.raises(ProviderUnavailable):
        await asyncio.wait_for(waiter, timeout=10)

    assert asked == []


async def test_a_holder_failing_just_before_the_waiter_tries_again_fails_the_waiter_too(
    services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The holder gives the lease back failed between the waiter's read (lease held) and its next try
    for the lease. That try used to take the free lease and ask the provider a second time (a CI run
    on PostgreSQL caught it); the lease's own statement now refuses a waiter after a failed holder."""
    account = await _account(services)
    await _held_by_another_replica(services, account)
    acquire = account_store.acquire_refresh_lease
    tries: list[object] = []

    async def holder_fails_first(engine, **arguments):  # type: ignore[no-untyped-def]
        tries.append(arguments)
        if len(tries) == 2:
            await _given_back_by_the_other_replica(services, account, failed=True)
        return await acquire(engine, **arguments)

    monkeypatch.setattr(account_store, "acquire_refresh_lease", holder_fails_first)
    asked: list[httpx.Request] = []

    async def provider(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        return httpx.Response(503)

    with pytest.raises(ProviderUnavailable):
        await asyncio.wait_for(_credentials_with(services, account, provider), timeout=10)

    assert asked == []
    # A request arriving afterwards is no waiter: it takes the lease and asks the provider itself.
    with pytest.raises(ProviderUnavailable):
        await _credentials_with(services, account, provider)
    assert len(asked) == 1


async def test_a_waiter_refreshes_itself_when_the_holder_gives_the_lease_back_with_nothing_done(
    services: Services,
) -> None:
    """A holder that started from older credentials finds them replaced when it gets the lease, and
    gives the lease back without asking the provider. A waiter that saw the newer, due credentials
    must then refresh them itself: it used to take the unmoved sequence for a failed refresh (502)."""
    account = await _account(services)
    asked: list[httpx.Request] = []

    async def provider(request: httpx.Request) -> httpx.Response:
        asked.append(request)
        body = {"access_token": "at-2", "token_type": "Bearer", "expires_in": 3600}
        return httpx.Response(200, json=body)

    waiter = await _waiting_on_another_replica(services, account, provider, failed=False)

    found = await asyncio.wait_for(waiter, timeout=10)

    assert (found.access_token, found.sequence) == ("at-2", 2)
    assert len(asked) == 1


@pytest.mark.parametrize("change", ["disable", "delete"])
async def test_a_change_to_an_account_deleted_meanwhile_is_not_found(
    services: Services, migrated: Settings, change: str
):
    """SQLite has no row lock: a PATCH or DELETE racing a DELETE (in another process, since one
    process's SQLite transactions take turns) read the row before it went, and the write that then
    matched nothing was a 500 (StaleDataError) instead of a 404."""
    account = await _account(services)
    other_process = open_services(migrated)
    try:
        async with services.sessions.begin() as session:
            stale = await account_store.get_linked_account(
                session, project_id=account.project_id, linked_account_id=account.id
            )
            assert stale is not None
            async with other_process.sessions.begin() as other:
                gone = await account_store.get_linked_account(
                    other, project_id=account.project_id, linked_account_id=account.id
                )
                assert gone is not None
                await account_store.delete_linked_account(other, account=gone)
            with pytest.raises(NotFound):
                if change == "disable":
                    await account_store.set_enabled(session, account=stale, enabled=False)
                else:
                    await account_store.delete_linked_account(session, account=stale)
    finally:
        await other_process.aclose()


async def test_the_refresh_lease_goes_to_one_holder_until_its_time_runs_out(services: Services) -> None:
    """The lease is taken in one statement committed alone (store.linked_accounts): whoever asks while
    it is held gets nothing, and a holder whose time ran out (it died) is replaced. The holder gets the
    account as leased and its app, which the refresh needs next."""
    account = await _account(services)
    now = services.clock()

    async def take(lease_id: str, at: timedelta) -> tuple[LinkedAccount, AppConfiguration | None] | None:
        return await account_store.acquire_refresh_lease(
            services.db_engine,
            linked_account_id=account.id,
            lease_id=lease_id,
            now=now + at,
            until=now + at + timedelta(seconds=30),
        )

    first = await take("first", timedelta(0))
    assert first is not None
    leased, app = first
    assert (leased.id, leased.sequence, leased.refresh_lease_id) == (account.id, 1, "first")
    assert services.cipher.decrypt(leased.refresh_token_encrypted or "") == "rt-1"
    assert app is not None and (app.id, app.token_url) == (account.app_configuration_id, TOKEN_URL)
    assert (await _stored(services, account)).refresh_lease_id == "first"  # committed, for every process

    assert await take("second", timedelta(seconds=29)) is None
    assert (await _stored(services, account)).refresh_lease_id == "first"

    taken_over = await take("second", timedelta(seconds=30))
    assert taken_over is not None and taken_over[0].refresh_lease_id == "second"
    assert await take("third", timedelta(seconds=31)) is None
