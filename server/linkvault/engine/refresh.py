"""Fresh credentials on demand: refreshing an access token (RFC 6749 §6), once per account at a time.

Single flight, across replicas: before asking the provider, a refresh takes the account's refresh
lease, a column pair written by one conditional ``UPDATE`` (``store.linked_accounts.acquire_refresh_lease``),
so on SQLite and PostgreSQL alike exactly one process holds it and no database connection or lock
is held while the provider answers. Requests that find the lease taken wait for the account's
``sequence`` to move and answer the credentials the holder stored; when the holder gives the lease
back because the provider failed the refresh (it sets ``refresh_failed_at``), they fail too (502)
rather than ask the provider again; when it gives it back having had nothing to do (it started from
older credentials, found replaced), they take the lease themselves. A holder that dies (SIGKILL)
keeps the lease only until ``lease_seconds`` (the HTTP timeout plus five seconds) has passed; then
the next request takes it. Within one process, concurrent callers share one task.

Outcomes (RFC 6749 §5.2): a new token set is stored in one statement guarded by the ``sequence`` the
refresh started from, keeping the old refresh token when the provider sends none. ``invalid_grant``
marks the account ``needs_reauth``, unless the stored credentials changed meanwhile (a lost race with
another refresh, whose newer token is answered). Provider outages (5xx, timeouts, answers outside the
protocol) leave the account untouched.
"""

from __future__ import annotations

import asyncio
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from linkvault.engine import catalog, events, static_accounts, tokens
from linkvault.engine.app_configurations import client_credentials
from linkvault.engine.observer import observe_token_call
from linkvault.engine.services import Services
from linkvault.errors import (
    AccountDisabled,
    NeedsReauth,
    NotFound,
    ProviderTimeout,
    ProviderUnavailable,
    RefreshUnavailable,
    TokenRequestRejected,
)
from linkvault.store import linked_accounts
from linkvault.store.database import connect, transaction
from linkvault.store.linked_accounts import AccountCredentials
from linkvault.store.models import AppConfiguration, LinkedAccount

__all__ = ["Credentials", "Prefetched", "StaticSecret", "get_credentials", "is_due", "lease_seconds"]

# How often a request waiting for another process's refresh looks at the account again, in seconds.
_POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Credentials:
    """What the application may use to call the provider; never the refresh token."""

    access_token: str = field(repr=False)
    token_type: str
    expires_at: datetime | None
    scope: str | None
    sequence: int


@dataclass(frozen=True)
class StaticSecret:
    """The secret of an account whose app does not use OAuth2, as given when it was linked:
    ``{"api_key"}``, ``{"username", "password"}``, ``{"token"}`` or ``{}`` (``no_auth``)."""

    security_scheme: str
    secret: dict[str, str] = field(repr=False)
    sequence: int


@dataclass(frozen=True, slots=True)
class Prefetched:
    """A credentials read already done, in the API key's lookup statement
    (``api_keys.authenticate_reading_credentials``): ``account`` is None when the key's project has no
    account of ``linked_account_id``."""

    linked_account_id: uuid.UUID
    account: AccountCredentials | None


def lease_seconds(services: Services) -> float:
    """How long a refresh lease lasts: the provider call's bound plus a margin for storing the answer."""
    return services.settings.http_timeout_seconds + 5.0


def is_due(account: LinkedAccount | AccountCredentials, *, now: datetime, leeway_seconds: float) -> bool:
    """True when the access token expires within the leeway, which is capped at half the token's
    lifetime so that a provider issuing 60-second tokens is not refreshed on every call. A token
    without expiry is never due."""
    if account.expires_at is None:
        return False
    issued_at = account.token_issued_at or account.updated_at
    lifetime = (account.expires_at - issued_at).total_seconds()
    leeway = min(leeway_seconds, max(lifetime, 0.0) / 2)
    return now >= account.expires_at - timedelta(seconds=leeway)


async def get_credentials(
    services: Services,
    *,
    project_id: uuid.UUID,
    linked_account_id: uuid.UUID,
    force: bool = False,
    prefetched: Prefetched | None = None,
) -> Credentials | StaticSecret:
    """The account's credentials, refreshed first when due (or always, with ``force``); the stored
    secret of an account whose app does not use OAuth2 (refreshing does not apply to it). With
    ``prefetched`` (of this account, read for this request), the account is not read again.

    Raises NotFound (no such account in the project), AccountDisabled, NeedsReauth (the refresh
    token is dead, or an expired token has none), RefreshUnavailable (``force`` without a refresh
    token, or of a non-OAuth2 account), ProviderUnavailable or ProviderTimeout (the account is left
    as it was)."""
    if prefetched is not None and prefetched.linked_account_id == linked_account_id:
        account = _found(prefetched.account)
    else:
        account = await _read_credentials(
            services, project_id=project_id, linked_account_id=linked_account_id
        )
    if account.security_scheme != "oauth2":
        if force:
            raise RefreshUnavailable(f"refreshing does not apply to {account.security_scheme} accounts")
        return StaticSecret(
            security_scheme=account.security_scheme,
            secret=static_accounts.decode_secret(services, account),
            sequence=account.sequence,
        )
    if not force and not is_due(
        account, now=services.clock(), leeway_seconds=services.settings.refresh_leeway_seconds
    ):
        return _credentials(services, account)
    key = (account.id, account.sequence, force)
    task = services.refreshes.get(key)
    if task is None:
        task = asyncio.ensure_future(_refresh(services, account, force=force))
        services.refreshes[key] = task
        task.add_done_callback(lambda _done: services.refreshes.pop(key, None))
    # shield: one caller giving up (a closed connection) must not cancel the refresh for the others.
    return await asyncio.shield(task)


async def _read_credentials(
    services: Services, *, project_id: uuid.UUID, linked_account_id: uuid.UUID
) -> AccountCredentials:
    """The hot path's one read: the credential columns only, on a plain connection (no session)."""
    async with connect(services.db_engine) as connection:
        account = await linked_accounts.read_account_credentials(
            connection, project_id=project_id, linked_account_id=linked_account_id
        )
    return _found(account)


def _found(account: AccountCredentials | None) -> AccountCredentials:
    if account is None:
        raise NotFound("no such linked account")
    _check_usable(account)
    return account


async def _read(services: Services, *, project_id: uuid.UUID, linked_account_id: uuid.UUID) -> LinkedAccount:
    async with services.sessions() as session:
        account = await linked_accounts.get_linked_account(
            session, project_id=project_id, linked_account_id=linked_account_id
        )
    if account is None:
        raise NotFound("no such linked account")
    _check_usable(account)
    return account


def _check_usable(account: LinkedAccount | AccountCredentials) -> None:
    if not account.enabled:
        raise AccountDisabled("the linked account is disabled")
    if account.credential_status == "needs_reauth":
        raise NeedsReauth("the linked account must be authorized again")


def _credentials(services: Services, account: LinkedAccount | AccountCredentials) -> Credentials:
    return Credentials(
        access_token=services.cipher.decrypt_recent(account.access_token_encrypted),
        token_type=account.token_type,
        expires_at=account.expires_at,
        scope=account.scope,
        sequence=account.sequence,
    )


async def _refresh(services: Services, seen: AccountCredentials, *, force: bool) -> Credentials:
    lease_id = secrets.token_hex(16)
    deadline = asyncio.get_running_loop().time() + 2 * lease_seconds(services)
    waited = False
    while True:
        now = services.clock()
        leased = await linked_accounts.acquire_refresh_lease(
            services.db_engine,
            linked_account_id=seen.id,
            lease_id=lease_id,
            now=now,
            until=now + timedelta(seconds=lease_seconds(services)),
            unless_failed=waited,
        )
        if leased is not None:
            break
        # Another process refreshes this account: wait for what it stores.
        waited = True
        await asyncio.sleep(_POLL_SECONDS)
        current = await _read(services, project_id=seen.project_id, linked_account_id=seen.id)
        if current.sequence != seen.sequence:
            return _credentials(services, current)
        if current.refresh_lease_id is None:
            if current.refresh_failed_at is not None:
                # That refresh failed at the provider. Its caller got the reason; asking the provider
                # again at once would only double the load on it.
                raise ProviderUnavailable("the refresh of this account failed; try again later")
            continue  # given back with nothing done for the credentials this request saw
        # A lease that ran out (its holder died) is taken over by the next acquire.
        if asyncio.get_running_loop().time() > deadline:
            raise ProviderTimeout("another refresh of this account did not finish in time")
    account, app = leased
    lease = _Lease(lease_id)
    failed_at: datetime | None = None
    try:
        _check_usable(account)
        if account.sequence != seen.sequence:
            return _credentials(services, account)  # refreshed by another process meanwhile
        return await _refresh_holding_lease(services, account, app, force=force, lease=lease)
    except (ProviderUnavailable, ProviderTimeout):
        failed_at = services.clock()
        raise
    finally:
        if not lease.released:
            async with transaction(services.db_engine) as statements:
                await linked_accounts.release_refresh_lease(
                    statements, linked_account_id=seen.id, lease_id=lease_id, failed_at=failed_at
                )


@dataclass
class _Lease:
    """The refresh lease this process holds; ``released`` once a write gave it back."""

    id: str
    released: bool = False


async def _refresh_holding_lease(
    services: Services, account: LinkedAccount, app: AppConfiguration | None, *, force: bool, lease: _Lease
) -> Credentials:
    if account.refresh_token_encrypted is None:
        expired = account.expires_at is not None and services.clock() >= account.expires_at
        if expired:
            await _mark_needs_reauth(services, account, reason="no_refresh_token")
            raise NeedsReauth("the access token expired and the provider gave no refresh token")
        if force:
            raise RefreshUnavailable("the provider gave no refresh token for this account")
        return _credentials(services, account)
    if app is None:
        raise NotFound("the app configuration of this account was deleted")
    try:
        token_set = await observe_token_call(
            services.observer,
            "refresh",
            _bounded_refresh(
                services,
                app,
                refresh_token=services.cipher.decrypt(account.refresh_token_encrypted),
                scope=account.scope,
            ),
        )
    except TimeoutError as exc:
        raise ProviderTimeout("the token endpoint did not answer in time") from exc
    except TokenRequestRejected as exc:
        if exc.code != "invalid_grant":
            raise ProviderUnavailable(f"the token endpoint refused the refresh ({exc.code})") from exc
        current = await _read_any(services, account)
        if current.sequence != account.sequence:
            _check_usable(current)
            return _credentials(services, current)  # a lost race: the stored token is newer
        await _mark_needs_reauth(services, account, reason="invalid_grant")
        raise NeedsReauth("the provider refused the refresh token (invalid_grant)") from exc
    now = services.clock()
    async with transaction(services.db_engine) as statements:
        stored = await linked_accounts.store_refreshed_credentials(
            statements,
            linked_account_id=account.id,
            expected_sequence=account.sequence,
            access_token_encrypted=services.cipher.encrypt(token_set.access_token),
            refresh_token_encrypted=(
                services.cipher.encrypt(token_set.refresh_token) if token_set.refresh_token else None
            ),
            token_type=token_set.token_type,
            # RFC 6749 §5.1: a response without scope granted the scope asked for, here the old one
            # (tokens.refresh answers it so).
            scope=token_set.scope,
            expires_at=now + timedelta(seconds=token_set.expires_in)
            if token_set.expires_in is not None
            else None,
            now=now,
            # Given back in the same statement: one write transaction fewer per refresh.
            release_lease_id=lease.id,
        )
        if stored is not None:
            await events.record_account_event(
                statements, event_type=events.ACCOUNT_REFRESHED, account=stored, now=now
            )
    if stored is None:
        return _credentials(services, await _read_any(services, account))
    lease.released = True
    # Disabled while the provider answered: what it issued is kept (a rotated refresh token must not
    # be lost) but not handed out.
    _check_usable(stored)
    return _credentials(services, stored)


async def _bounded_refresh(
    services: Services, app: AppConfiguration, *, refresh_token: str, scope: str | None
) -> tokens.TokenSet:
    """The refresh request (RFC 6749 §6), bounded as a whole by ``LINKVAULT_HTTP_TIMEOUT_SECONDS``
    (raises TimeoutError past it). ``scope`` is the account's, for a response that omits it."""
    async with asyncio.timeout(services.settings.http_timeout_seconds):
        return await tokens.refresh(
            services.http,
            token_url=app.token_url,
            client=client_credentials(services, app),
            refresh_token=refresh_token,
            quirks=catalog.quirks_of(app.provider),
            requested_scope=scope,
        )


async def _read_any(services: Services, account: LinkedAccount) -> LinkedAccount:
    return await _read(services, project_id=account.project_id, linked_account_id=account.id)


async def _mark_needs_reauth(services: Services, account: LinkedAccount, *, reason: str) -> None:
    """Mark the account ``needs_reauth`` and announce it (``linked_account.needs_reauth`` with the
    reason) in one transaction, unless newer credentials were stored meanwhile."""
    now = services.clock()
    async with transaction(services.db_engine) as statements:
        marked = await linked_accounts.mark_needs_reauth(
            statements,
            linked_account_id=account.id,
            expected_sequence=account.sequence,
            reason=reason,
            now=now,
        )
        if marked is not None:
            await events.record_account_event(
                statements, event_type=events.ACCOUNT_NEEDS_REAUTH, account=marked, now=now, reason=reason
            )
