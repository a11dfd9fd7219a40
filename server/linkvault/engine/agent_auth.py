"""LangSmith's agent-auth API as a view of the one engine: a provider is an OAuth2 app configuration
(``provider_id`` is its ``app_name``), a user's token is their linked account's access token.

An agent asks for a user's token (``authenticate``): it gets it at once when the account exists, is
usable and was granted every scope asked for; otherwise a link is started for more scopes
(incremental authorization) and the agent waits on its id (``wait``) while the user consents.

Waiting holds nothing between looks at the database: no connection, no lock, no in-process record
another replica would need. The link's outcome is a column of its link state (written by
``linkvault.engine.linking.finish_link`` on whichever replica the callback reached), read every
``WAIT_POLL_SECONDS``. Each process serves at most ``LINKVAULT_AUTH_MAX_WAITERS`` waits at once, so
a flood of waiters costs bounded memory and a bounded rate of queries (at most
``max_waiters / WAIT_POLL_SECONDS`` per second per process).
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

from linkvault.engine import app_configurations as apps
from linkvault.engine import linked_accounts, linking, refresh
from linkvault.engine.services import Services
from linkvault.errors import InvalidInput, NeedsReauth, NotFound, TooManyWaiters
from linkvault.store import link_states
from linkvault.store import linked_accounts as account_store
from linkvault.store.database import connect
from linkvault.store.models import AppConfiguration

__all__ = [
    "WAIT_POLL_SECONDS",
    "AuthOutcome",
    "WaitOutcome",
    "authenticate",
    "create_provider",
    "delete_provider",
    "get_provider",
    "list_providers",
    "revoke_tokens",
    "token_exists",
    "update_provider",
    "wait",
]

# How often a wait looks at the database: a link finished on any replica is seen within this long.
WAIT_POLL_SECONDS = 0.5
# How many accounts one revoke_tokens call reads at a time.
_REVOKE_BATCH = 100
# LangSmith's provider fields and the app configuration's column each is.
_PROVIDER_FIELDS = {
    "name": "display_name",
    "client_id": "client_id",
    "client_secret": "client_secret",
    "auth_url": "authorize_url",
    "token_url": "token_url",
}


@dataclass(frozen=True)
class AuthOutcome:
    """``completed`` with the access token, or ``pending`` with the URL to send the user to and the
    id of the started link."""

    status: Literal["completed", "pending"]
    token: str | None = field(default=None, repr=False)
    url: str | None = None
    auth_id: uuid.UUID | None = None


@dataclass(frozen=True)
class WaitOutcome:
    """``completed`` (with the token), ``failed`` (with the callback's error code), ``timeout`` or
    ``not_found``."""

    status: Literal["completed", "failed", "timeout", "not_found"]
    token: str | None = field(default=None, repr=False)
    code: str | None = None


def _provider_fields(body: dict[str, Any]) -> dict[str, Any]:
    """The app configuration fields of a LangSmith provider body. linkvault always uses PKCE with
    S256 (RFC 7636), so ``uses_pkce`` changes nothing and another method is refused."""
    method = body.get("code_challenge_method")
    if method is not None and method != "S256":
        raise InvalidInput(
            "only the S256 code_challenge_method is supported", field=("code_challenge_method",)
        )
    return {column: body[name] for name, column in _PROVIDER_FIELDS.items() if name in body}


async def create_provider(
    services: Services, *, project_id: uuid.UUID, body: dict[str, Any]
) -> AppConfiguration:
    """Create the OAuth2 app configuration ``body["provider_id"]`` from LangSmith's provider fields.
    Raises InvalidInput, Conflict (the id is taken)."""
    fields = {"app_name": body["provider_id"], "security_scheme": "oauth2", **_provider_fields(body)}
    return await apps.create_app_configuration(services, project_id=project_id, fields=fields)


async def update_provider(
    services: Services, *, project_id: uuid.UUID, provider_id: str, body: dict[str, Any]
) -> AppConfiguration:
    """Change the given fields of the provider. Raises NotFound, InvalidInput (also for new
    endpoints of a provider configured from an issuer, which this face cannot drop)."""
    await get_provider(services, project_id=project_id, provider_id=provider_id)
    try:
        return await apps.update_app_configuration(
            services, project_id=project_id, app_name=provider_id, fields=_provider_fields(body)
        )
    except InvalidInput as exc:
        if exc.field[:1] != ("issuer",):
            raise
        # LangSmith's body has no issuer to send null in: name the field it sent, and where to go.
        sent = [name for name in ("auth_url", "token_url") if name in body]
        raise InvalidInput(
            f"this provider's endpoints come from its issuer; {' and '.join(sent)} cannot change them "
            f'here: use PATCH /v1/app-configurations/{provider_id} with "issuer": null and the new '
            "endpoints",
            field=(sent[-1],),
        ) from exc


async def get_provider(services: Services, *, project_id: uuid.UUID, provider_id: str) -> AppConfiguration:
    """The OAuth2 app configuration ``provider_id``. Raises NotFound (also for an app of another scheme)."""
    app = await apps.get_app_configuration(services, project_id=project_id, app_name=provider_id)
    if app.security_scheme != "oauth2":
        raise NotFound("no such provider")
    return app


async def list_providers(services: Services, *, project_id: uuid.UUID) -> list[AppConfiguration]:
    """The project's OAuth2 app configurations, by app name."""
    found = await apps.list_app_configurations(services, project_id=project_id)
    return [app for app in found if app.security_scheme == "oauth2"]


async def delete_provider(services: Services, *, project_id: uuid.UUID, provider_id: str) -> None:
    """Delete the provider. Raises NotFound, Conflict (it has linked accounts)."""
    await get_provider(services, project_id=project_id, provider_id=provider_id)
    await apps.delete_app_configuration(services, project_id=project_id, app_name=provider_id)


async def authenticate(
    services: Services, *, project_id: uuid.UUID, provider_id: str, user_id: str, scopes: list[str]
) -> AuthOutcome:
    """The user's fresh access token when their account of the provider is usable and was granted
    every scope in ``scopes`` (refreshed first when due, single-flight: ``linkvault.engine.refresh``);
    otherwise a started link for the app's scopes, the granted ones and ``scopes`` (RFC 6749 §3.3
    scopes; incremental authorization).

    Raises NotFound (no such provider), InvalidInput (an invalid user id), ProviderError (the
    refresh failed at the provider; the account is left as it was)."""
    app = await get_provider(services, project_id=project_id, provider_id=provider_id)
    async with connect(services.db_engine) as reader:
        account = await account_store.find_linked_account(
            reader, project_id=project_id, app_name=app.app_name, owner_id=user_id, for_update=False
        )
    granted = (account.scope or "").split() if account is not None else []
    if (
        account is not None
        and linked_accounts.public_status(account) == "active"
        and set(scopes) <= set(granted)
    ):
        try:
            found = await refresh.get_credentials(
                services, project_id=project_id, linked_account_id=account.id
            )
        except NeedsReauth:
            pass  # the grant died just now: the user must consent again, below
        else:
            assert isinstance(found, refresh.Credentials)  # a provider is an OAuth2 app
            return AuthOutcome(status="completed", token=found.access_token)
    wanted = list(dict.fromkeys([*app.scopes, *granted, *scopes]))
    try:
        started = await linking.start_link(
            services,
            project_id=project_id,
            app_name=app.app_name,
            owner_id=user_id,
            after_redirect_url=None,
            scopes=wanted,
        )
    except InvalidInput as exc:
        if exc.field[:1] != ("linked_account_owner_id",):
            raise
        # The caller sent user_id: the error names the field it knows.
        raise InvalidInput(
            exc.message.replace("linked_account_owner_id", "user_id"), field=("user_id", *exc.field[1:])
        ) from exc
    return AuthOutcome(status="pending", url=started.url, auth_id=started.link_id)


async def wait(
    services: Services, *, project_id: uuid.UUID, auth_id: str, timeout_seconds: float
) -> WaitOutcome:
    """Wait until the link ``auth_id`` (of ``authenticate``) finishes, at most ``timeout_seconds``
    capped at ``LINKVAULT_AUTH_WAIT_MAX_SECONDS``, judged by ``services.clock``.

    The database is read every ``WAIT_POLL_SECONDS`` in a session of its own, so no connection or
    lock is held between reads. Raises TooManyWaiters when this process already serves
    ``LINKVAULT_AUTH_MAX_WAITERS`` waits; AccountDisabled, NeedsReauth or ProviderError when the
    finished link's account gives no token."""
    try:
        link_id = uuid.UUID(auth_id)
    except ValueError:
        return WaitOutcome(status="not_found")
    waiters = services.auth_waiters
    if waiters.count >= services.settings.auth_max_waiters:
        raise TooManyWaiters("too many waits in progress; try again later")
    waiters.count += 1
    try:
        limit = min(timeout_seconds, services.settings.auth_wait_max_seconds)
        deadline = services.clock() + timedelta(seconds=limit)
        while True:
            async with services.sessions() as session:
                link = await link_states.get_link_state(session, link_state_id=link_id, project_id=project_id)
            now = services.clock()
            if link is None or (link.outcome is None and link.consumed_at is None and link.expires_at <= now):
                return WaitOutcome(status="not_found")
            if link.outcome == "completed" and link.linked_account_id is not None:
                try:
                    found = await refresh.get_credentials(
                        services, project_id=project_id, linked_account_id=link.linked_account_id
                    )
                except NotFound:
                    return WaitOutcome(status="not_found")  # its account was deleted since
                assert isinstance(found, refresh.Credentials)
                return WaitOutcome(status="completed", token=found.access_token)
            if link.outcome is not None:
                return WaitOutcome(status="failed", code=link.outcome)
            remaining = (deadline - now).total_seconds()
            if remaining <= 0:
                return WaitOutcome(status="timeout")
            await asyncio.sleep(min(WAIT_POLL_SECONDS, remaining))
    finally:
        waiters.count -= 1


async def token_exists(
    services: Services, *, project_id: uuid.UUID, provider_id: str, user_id: str | None
) -> bool:
    """Whether ``user_id``'s account of the provider (anyone's, without ``user_id``) is enabled and
    not ``needs_reauth``. Raises NotFound (no such provider)."""
    app = await get_provider(services, project_id=project_id, provider_id=provider_id)
    async with services.sessions() as session:
        return await account_store.has_usable_account(
            session, project_id=project_id, app_name=app.app_name, owner_id=user_id
        )


async def revoke_tokens(
    services: Services, *, project_id: uuid.UUID, provider_id: str, user_id: str | None
) -> int:
    """Revoke at the provider (RFC 7009) and delete ``user_id``'s account of the provider (every
    account of it, without ``user_id``), one at a time as ``DELETE /v1/linked-accounts/{id}`` does;
    returns how many were deleted. Raises NotFound (no such provider)."""
    app = await get_provider(services, project_id=project_id, provider_id=provider_id)
    deleted = 0
    while True:
        async with services.sessions() as session:
            ids = await account_store.list_account_ids(
                session, project_id=project_id, app_name=app.app_name, owner_id=user_id, limit=_REVOKE_BATCH
            )
        for account_id in ids:
            try:
                await linked_accounts.delete_linked_account(
                    services, project_id=project_id, linked_account_id=account_id
                )
            except NotFound:
                continue  # deleted concurrently: gone either way
            deleted += 1
        if len(ids) < _REVOKE_BATCH:
            return deleted
