"""Linking an account: start (authorization request) and finish (callback, token exchange, save).

Every callback face of the API finishes through ``finish_link``, so they share one set of checks.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import secrets
import uuid
from collections.abc import Coroutine
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from authlib.oauth2.rfc6749.parameters import prepare_grant_uri

from linkvault.engine import catalog, events, id_tokens, outcomes, pkce, revocation, tokens
from linkvault.engine import state as states
from linkvault.engine.app_configurations import client_credentials
from linkvault.engine.observer import observe_token_call
from linkvault.engine.services import Services
from linkvault.engine.urls import check_after_link_redirect, same_url
from linkvault.errors import (
    AccountMismatch,
    Conflict,
    InvalidIdToken,
    InvalidInput,
    InvalidState,
    IssuerMismatch,
    LinkvaultError,
    NotFound,
    ProviderDenied,
    ServiceUnavailable,
    StateExpired,
    StateUsed,
)
from linkvault.limits import MAX_OWNER_ID_LENGTH, MAX_SCOPE_LENGTH
from linkvault.store import app_configurations, link_states, linked_accounts
from linkvault.store.database import Statements, transaction
from linkvault.store.models import AppConfiguration, LinkedAccount, LinkState
from linkvault.text import NOT_TEXT_REASON, is_valid_text

logger = logging.getLogger(__name__)

__all__ = [
    "BrowserFinish",
    "CallbackParameters",
    "FinishedLink",
    "StartedLink",
    "finish_link",
    "finish_link_in_browser",
    "redirect_uri_of",
    "start_link",
]

# RFC 6749 §4.1.2.1 and OpenID Connect Core §3.1.2.6 error codes; any other value is reported as
# "provider_error" so that provider text is never reflected.
# LinkState.outcome holds an error code of at most this many characters.
_MAX_OUTCOME_LENGTH = 40

_PROVIDER_ERRORS = outcomes.AUTHORIZATION_ERRORS | {
    "interaction_required", "login_required", "account_selection_required", "consent_required",
}  # fmt: skip


def redirect_uri_of(services: Services, app: AppConfiguration) -> str:
    return app.redirect_uri or services.settings.default_redirect_uri


async def start_link(
    services: Services,
    *,
    project_id: uuid.UUID,
    app_name: str,
    owner_id: str,
    after_redirect_url: str | None,
    allow_account_switch: bool = False,
    scopes: list[str] | None = None,
) -> StartedLink:
    """Store a new state and return the provider's authorization URL (RFC 6749 §4.1.1, RFC 7636 §4.3)
    with the id of the stored link (which those waiting for it use; the state itself is never stored).

    ``scopes`` replaces the app's configured scopes in the request (incremental authorization asks
    for more than those); None asks for the app's.

    When the app asks for ``openid`` and its issuer publishes keys, a nonce goes with the request
    (OpenID Connect Core §3.1.2.1) so that the ID token can be tied to this link. A re-link that comes
    back with another provider subject is refused unless ``allow_account_switch``.
    Raises InvalidInput (owner id, post-link URL, an app that does not use OAuth2) and NotFound (no
    such app)."""
    if not owner_id or len(owner_id) > MAX_OWNER_ID_LENGTH:
        raise InvalidInput(
            f"linked_account_owner_id must have 1 to {MAX_OWNER_ID_LENGTH} characters",
            field=("linked_account_owner_id",),
        )
    state = states.new_state()
    verifier = pkce.new_code_verifier()
    nonce = id_tokens.new_nonce()
    async with transaction(services.db_engine) as statements:
        app = await app_configurations.get_app_configuration(
            statements, project_id=project_id, app_name=app_name
        )
        if app is None:
            raise NotFound("no such app configuration")
        if app.security_scheme != "oauth2":
            raise InvalidInput(
                f"the app's security_scheme is {app.security_scheme}: its accounts are not linked through OAuth2",
                field=("app_name",),
            )
        requested = list(app.scopes) if scopes is None else scopes
        if len(" ".join(requested)) > MAX_SCOPE_LENGTH:
            raise InvalidInput(
                f"the scopes add up to more than {MAX_SCOPE_LENGTH} characters", field=("scopes",)
            )
        if after_redirect_url is not None:
            check_after_link_redirect(
                after_redirect_url,
                allowed=app.allowed_redirect_urls,
                field=("after_oauth2_link_redirect_url",),
            )
        redirect_uri = redirect_uri_of(services, app)
        sends_nonce = _validates_id_tokens(app) and "openid" in requested
        now = services.clock()
        link_state = await link_states.add_link_state(
            statements,
            link_state=LinkState(
                state_hash=states.hash_state(state),
                project_id=project_id,
                app_configuration_id=app.id,
                app_name=app.app_name,
                linked_account_owner_id=owner_id,
                redirect_uri=redirect_uri,
                expected_issuer=app.issuer,
                issuer_required=app.authorization_response_iss_parameter_supported,
                after_redirect_url=after_redirect_url,
                code_verifier_encrypted=services.cipher.encrypt(verifier),
                nonce_hash=id_tokens.hash_nonce(nonce) if sends_nonce else None,
                allow_account_switch=allow_account_switch,
                scope=" ".join(requested) or None,
                expires_at=now + timedelta(seconds=services.settings.state_ttl_seconds),
                created_at=now,
            ),
        )
    url: str = prepare_grant_uri(
        app.authorize_url,
        client_id=app.client_id,
        response_type="code",
        redirect_uri=redirect_uri,
        # RFC 6749 §3.3 joins scopes with spaces; a catalog provider may want commas instead.
        scope=catalog.scope_separator_of(app.provider).join(requested) or None,
        state=state,
        code_challenge=pkce.code_challenge(verifier),
        code_challenge_method=pkce.CODE_CHALLENGE_METHOD,
        **({"nonce": nonce} if sends_nonce else {}),
        **app.authorize_params,
    )
    services.observer.link_started()
    return StartedLink(url=url, link_id=link_state.id)


def _validates_id_tokens(app: AppConfiguration) -> bool:
    """ID tokens are validated for apps whose issuer's discovery metadata names a ``jwks_uri``."""
    return app.issuer is not None and app.jwks_uri is not None


@dataclass(frozen=True)
class StartedLink:
    """A started link: the authorization URL to send the user to, and the stored link's id."""

    url: str
    link_id: uuid.UUID


@dataclass(frozen=True)
class CallbackParameters:
    """What the provider's redirect carried (RFC 6749 §4.1.2, RFC 9207 §2)."""

    state: str | None
    code: str | None = None
    error: str | None = None
    iss: str | None = None


@dataclass(frozen=True)
class FinishedLink:
    account: LinkedAccount
    token_set: tokens.TokenSet
    redirect_uri: str
    after_redirect_url: str | None


async def finish_link(
    services: Services,
    callback: CallbackParameters,
    *,
    project_id: uuid.UUID | None = None,
    app_name: str | None = None,
) -> FinishedLink:
    """Consume the state, check the response, exchange the code and save the account.

    The state is consumed in its own transaction before anything else is saved or answered, so it is
    used up whatever happens next. The code goes to the provider while that transaction commits (the
    commit's wait for the disk overlaps the token request); nothing goes on until it has committed,
    and when the commit fails, or the callback is cancelled during it, any grant the exchange got is
    revoked (RFC 7009). A crash in between leaves the state unused and its code spent: a provider
    honours a code once (RFC 6749 §4.1.2), and the state links nothing but the owner it was started
    for.

    ``project_id`` and ``app_name`` narrow the state to the authenticated caller's; a state of another
    project or app is refused and not consumed.
    Raises InvalidState (StateExpired, StateUsed), then any LinkError or ProviderError of the
    authorization response, the token request or the ID token. The observer hears the outcome:
    finished, or failed with the error's ``code``.

    A used-up state that does not become a linked account is announced as ``link.failed`` with the
    error's code: in the consuming transaction when the response is refused on its face (issuer,
    provider error, no code), in a transaction of its own when the exchange or the save fails.

    A face that names the app (``app_name``, LangSmith's ``provider_id``) may lack the ``iss`` of a
    provider that sends one, when that app's redirect URI is used by no other app configuration of
    the project: the provider can only have sent the user back to that app's own URI, so the name in
    the path binds the response to its provider (RFC 9700 §4.4.2.2, distinct redirect URIs). An
    ``iss`` that is sent is always checked (RFC 9207 §2.4).
    """
    try:
        link, app, refusal, exchange = await _consume_state(
            services, callback, project_id=project_id, app_name=app_name
        )
        finished = await _complete(services, link, app, refusal, exchange)
    except LinkvaultError as exc:
        services.observer.link_failed(exc.code)
        raise
    services.observer.link_finished()
    return finished


@dataclass(frozen=True)
class BrowserFinish:
    """What the browser face does after a callback: ``redirect_to`` the application (after a link,
    or with an RFC 6749 §4.1.2.1 error after a failure), else answer ``finished`` itself."""

    finished: FinishedLink | None
    redirect_to: str | None


async def finish_link_in_browser(services: Services, callback: CallbackParameters) -> BrowserFinish:
    """``finish_link`` for the unauthenticated browser face (ACI.dev's GET callback).

    Once the state is validated, the stored ``after_oauth2_link_redirect_url`` (checked against the
    allow-list at start) is where the user goes, whatever the outcome: after a failure it carries
    ``error=<RFC 6749 §4.1.2.1 code>`` (``outcomes.error_redirect``), so the application learns of
    every failure. A failure before the state is validated (unknown, expired, used, malformed state;
    a repeated parameter) redirects nowhere: the redirect URL could not be trusted (RFC 9700 §4.11.1).
    Raises what ``finish_link`` raises when the link has no post-link URL. The observer hears the
    outcome as with ``finish_link``, a failure sent back to the application included."""
    try:
        link, app, refusal, exchange = await _consume_state(
            services, callback, project_id=None, app_name=None
        )
    except LinkvaultError as exc:
        services.observer.link_failed(exc.code)
        raise
    try:
        finished = await _complete(services, link, app, refusal, exchange)
    except Exception as exc:
        if isinstance(exc, LinkvaultError):
            services.observer.link_failed(exc.code)
        if link.after_redirect_url is None:
            raise
        redirect_to = outcomes.error_redirect(link.after_redirect_url, exc)
        outcomes.log_failure(exc, sent_back_with=outcomes.authorization_error(exc))
        return BrowserFinish(finished=None, redirect_to=redirect_to)
    services.observer.link_finished()
    return BrowserFinish(finished=finished, redirect_to=link.after_redirect_url)


async def _consume_state(
    services: Services,
    callback: CallbackParameters,
    *,
    project_id: uuid.UUID | None,
    app_name: str | None,
) -> tuple[LinkState, AppConfiguration | None, LinkvaultError | None, asyncio.Task[tokens.TokenSet] | None]:
    """The stored link of ``callback.state``, now used up, its app configuration (read in the same
    transaction; None if it was deleted since the link started), why its authorization response is
    refused on its face (None when it is not), and, when neither, the code's exchange, started as the
    transaction commits. A refusal is announced as ``link.failed`` in the transaction that uses the
    state up. Raises ServiceUnavailable when that transaction cannot commit, once the exchange has
    ended and any grant it got has been revoked; InvalidInput, leaving the state as it is, for a
    parameter that is not text (a bridged face passes on what it was handed; the GET faces refuse it
    in the query); StateExpired or StateUsed for a state of ours (within the caller's project and
    app, when given) that cannot be used, else InvalidState."""
    for name, value in dataclasses.asdict(callback).items():
        if value is not None and not is_valid_text(value):
            raise InvalidInput(f"{name} {NOT_TEXT_REASON}", field=(name,))
    state_hash = states.hash_state(callback.state)
    exchange: asyncio.Task[tokens.TokenSet] | None = None
    exchanging_for: AppConfiguration | None = None
    try:
        async with transaction(services.db_engine) as statements:
            now = services.clock()
            consumed = await link_states.consume_link_state(
                statements, state_hash=state_hash, now=now, project_id=project_id, app_name=app_name
            )
            if consumed is not None:
                link, app = consumed
                refusal = await _refusal(statements, services, link, callback, app_name=app_name)
                if refusal is not None:
                    await _record_link_failed(statements, link, refusal, now=now)
                    await link_states.record_outcome(
                        statements,
                        link_state_id=link.id,
                        outcome=refusal.code[:_MAX_OUTCOME_LENGTH],
                        linked_account_id=None,
                    )
                    return link, None, refusal, None
                if app is not None:
                    # Runs while the block's exit commits: the token request does not wait for the
                    # commit's flush to disk, and the caller awaits both.
                    assert callback.code is not None  # else _refusal refused it
                    exchange = asyncio.create_task(_code_exchange(services, link, app, callback.code))
                    exchanging_for = app
                return link, app, None, exchange
            # Looked up only within what the caller may see, so no other project's state is described.
            why = await link_states.why_unusable(
                statements, state_hash=state_hash, now=now, project_id=project_id, app_name=app_name
            )
    except Exception:
        if exchange is not None and exchanging_for is not None:
            await _revoke_what_it_got(services, exchanging_for, exchange)
        raise
    except BaseException:
        if exchange is not None and exchanging_for is not None:
            _revoke_when_done(services, exchanging_for, exchange)
        raise
    if why == "used":
        raise StateUsed("the state was already used")
    if why == "expired":
        raise StateExpired("the state has expired")
    raise InvalidState("the state is unknown, expired or already used")


def _code_exchange(
    services: Services, link: LinkState, app: AppConfiguration, code: str
) -> Coroutine[Any, Any, tokens.TokenSet]:
    """The token request of RFC 6749 §4.1.3 with the link's PKCE verifier (RFC 7636 §4.5), its
    arguments read from ``link`` and ``app`` now, while their transaction is still open."""
    return observe_token_call(
        services.observer,
        "code_exchange",
        tokens.exchange_code(
            services.http,
            token_url=app.token_url,
            client=client_credentials(services, app),
            code=code,
            redirect_uri=link.redirect_uri,
            code_verifier=services.cipher.decrypt(link.code_verifier_encrypted),
            quirks=catalog.quirks_of(app.provider),
            requested_scope=link.scope,
        ),
    )


async def _revoke_what_it_got(
    services: Services, app: AppConfiguration, exchange: asyncio.Task[tokens.TokenSet]
) -> None:
    """Let the exchange of a link whose state's use did not commit end, and revoke the grant it got
    (RFC 7009), since nothing will keep its tokens. Waiting rather than cancelling: a cancelled
    request may have been answered by the provider all the same, leaving a grant nobody knows of."""
    try:
        token_set = await exchange
    except Exception:
        return
    await revocation.revoke_grant(
        services, app, access_token=token_set.access_token, refresh_token=token_set.refresh_token
    )


# Revocations of grants got for callbacks that were cancelled: referenced until they end, since the
# event loop keeps only weak references to tasks.
_REVOKING: set[asyncio.Task[revocation.RevocationOutcome]] = set()


def _revoke_when_done(
    services: Services, app: AppConfiguration, exchange: asyncio.Task[tokens.TokenSet]
) -> None:
    """For a callback cancelled while its state's use committed (a shutdown, an embedder's timeout):
    cancel its exchange, and where it had already got a grant, revoke that in the background (RFC
    7009), since nothing awaits the callback any more. An exchange that failed is forgotten with it."""

    def revoke(ended: asyncio.Task[tokens.TokenSet]) -> None:
        if ended.cancelled() or ended.exception() is not None:
            return
        token_set = ended.result()
        revoking = asyncio.ensure_future(
            revocation.revoke_grant(
                services, app, access_token=token_set.access_token, refresh_token=token_set.refresh_token
            )
        )
        _REVOKING.add(revoking)
        revoking.add_done_callback(_REVOKING.discard)

    exchange.cancel()
    exchange.add_done_callback(revoke)


async def _complete(
    services: Services,
    link: LinkState,
    app: AppConfiguration | None,
    refusal: LinkvaultError | None,
    exchange: asyncio.Task[tokens.TokenSet] | None,
) -> FinishedLink:
    """Raise the response's ``refusal``, or await the code's ``exchange`` and save the account; a
    failure after that point is announced as ``link.failed`` in a transaction of its own. How the
    link ended is noted on its state for those waiting on it (``linkvault.engine.agent_auth.wait``):
    ``completed`` in the transaction that saves the account."""
    if refusal is not None:
        raise refusal
    try:
        finished = await _finish_consumed_link(services, link, app, exchange)
    except LinkvaultError as exc:
        if isinstance(exc, ServiceUnavailable):
            raise
        try:
            async with transaction(services.db_engine) as statements:
                await _record_link_failed(statements, link, exc, now=services.clock())
                await link_states.record_outcome(
                    statements,
                    link_state_id=link.id,
                    outcome=exc.code[:_MAX_OUTCOME_LENGTH],
                    linked_account_id=None,
                )
        except ServiceUnavailable:
            # The caller learns why the link failed; the event is lost with the database, and a
            # waiter sees the link pending until its deadline.
            logger.warning("link.failed could not be recorded: the database is unavailable")
        raise
    return finished


async def _refusal(
    statements: Statements,
    services: Services,
    link: LinkState,
    callback: CallbackParameters,
    *,
    app_name: str | None,
) -> LinkvaultError | None:
    """Why the authorization response itself is refused (issuer, provider error, no code), or None.
    A missing ``iss`` is forgiven on a face that names the app where the app's redirect URI is its own
    (``_check_redirect_uri_is_own``)."""
    try:
        if callback.iss is None and link.issuer_required and app_name is not None:
            await _check_redirect_uri_is_own(statements, services, link)
        else:
            _check_issuer(link, callback.iss)
    except IssuerMismatch as exc:
        return exc
    if callback.error is not None:
        code = callback.error if callback.error in _PROVIDER_ERRORS else "provider_error"
        return ProviderDenied(f"the provider refused the authorization ({code})", code=code)
    if not callback.code:
        return InvalidInput("the callback carries no code", field=("code",))
    return None


async def _record_link_failed(
    statements: Statements, link: LinkState, exc: LinkvaultError, *, now: datetime
) -> None:
    # The error's code (``access_denied``, ``invalid_grant``, ``account_mismatch``...), never its text:
    # a provider's words do not travel on.
    reason = "missing_code" if isinstance(exc, InvalidInput) else exc.code
    await events.record_link_failed(
        statements,
        project_id=link.project_id,
        app_name=link.app_name,
        owner_id=link.linked_account_owner_id,
        reason=reason,
        now=now,
    )


async def _finish_consumed_link(
    services: Services,
    link: LinkState,
    app: AppConfiguration | None,
    exchange: asyncio.Task[tokens.TokenSet] | None,
) -> FinishedLink:
    if app is None or exchange is None:
        raise InvalidState("the app configuration of this state was deleted")
    token_set = await exchange
    try:
        subject = await _subject(services, app, link, token_set)
        account = await _save_account(services, link, token_set, subject)
    except (InvalidIdToken, AccountMismatch, InvalidState):
        # The tokens are thrown away: revoke them (RFC 7009), so no live grant is left behind.
        await revocation.revoke_grant(
            services, app, access_token=token_set.access_token, refresh_token=token_set.refresh_token
        )
        raise
    return FinishedLink(
        account=account,
        token_set=token_set,
        redirect_uri=link.redirect_uri,
        after_redirect_url=link.after_redirect_url,
    )


async def _subject(
    services: Services, app: AppConfiguration, link: LinkState, token_set: tokens.TokenSet
) -> str | None:
    """The provider's subject from a valid ID token, None where the app does not validate them.
    Raises InvalidIdToken."""
    if token_set.id_token is not None and _validates_id_tokens(app):
        assert app.issuer is not None and app.jwks_uri is not None
        return await id_tokens.verify_id_token(
            services.http,
            services.key_sets,
            id_token=token_set.id_token,
            issuer=catalog.id_token_issuers_of(app.provider, app.provider_params, app.issuer),
            jwks_uri=app.jwks_uri,
            client_id=app.client_id,
            nonce_hash=link.nonce_hash,
            now=services.clock(),
        )
    if link.nonce_hash is not None:
        # A nonce was sent with "openid": the provider owes an ID token (OIDC Core §3.1.3.3).
        raise InvalidIdToken("the token response carries no ID token")
    return None


async def _check_redirect_uri_is_own(statements: Statements, services: Services, link: LinkState) -> None:
    """RFC 9700 §4.4.2.2: the mix-up defence without ``iss`` holds only where the link's redirect URI
    belongs to its app configuration alone (compared as RFC 3986 §6.2.2.1 says). Raises
    IssuerMismatch, saying how to fix it, where another app configuration of the project shares it."""
    default = services.settings.default_redirect_uri
    others = await app_configurations.redirect_uris(statements, project_id=link.project_id)
    if any(
        same_url(redirect_uri or default, link.redirect_uri)
        for app_id, redirect_uri in others
        if app_id != link.app_configuration_id
    ):
        raise IssuerMismatch(
            "the authorization response has no iss parameter, and this app configuration shares its "
            "redirect_uri with another one of the project, so nothing tells which provider answered; "
            "send the iss the provider returned, or give each app configuration its own redirect_uri"
        )


def _check_issuer(link: LinkState, iss: str | None) -> None:
    """RFC 9207 §2.4: compare ``iss`` with the issuer the request was sent to, exactly (no
    normalisation), and require it where the provider advertises that it sends it."""
    if iss is None:
        if link.issuer_required:
            raise IssuerMismatch("the authorization response has no iss parameter")
        return
    if link.expected_issuer is not None and iss != link.expected_issuer:
        raise IssuerMismatch("the authorization response comes from another issuer")


async def _save_account(
    services: Services, link: LinkState, token_set: tokens.TokenSet, subject: str | None
) -> LinkedAccount:
    """Create or update the one account for (project, app, owner) in one transaction, which also notes
    the link ``completed`` on its state. The row is locked where the database can; a concurrent first
    insert is retried as an update.

    Raises AccountMismatch, changing nothing, when the account belongs to another provider subject
    than ``subject`` and the link was not started with ``allow_account_switch``; InvalidState when
    the app was deleted meanwhile. A token response without ``scope`` granted the scope the link
    asked for (RFC 6749 §5.1)."""
    for attempt in range(2):
        try:
            async with transaction(services.db_engine) as statements:
                account = await linked_accounts.find_linked_account(
                    statements,
                    project_id=link.project_id,
                    app_name=link.app_name,
                    owner_id=link.linked_account_owner_id,
                )
                now = services.clock()
                if (
                    account is not None
                    and subject is not None
                    and account.provider_subject is not None
                    and not secrets.compare_digest(account.provider_subject, subject)
                    and not link.allow_account_switch
                ):
                    raise AccountMismatch(
                        "the provider signed in another user than the one this account belongs to"
                    )
                announced = events.link_events(account)
                # What a link writes, to a new account or to the one it has.
                relinked: dict[str, Any] = {
                    "app_configuration_id": link.app_configuration_id,
                    "access_token_encrypted": services.cipher.encrypt(token_set.access_token),
                    "token_type": token_set.token_type,
                    "scope": token_set.scope if token_set.scope is not None else link.scope,
                    "expires_at": (
                        now + timedelta(seconds=token_set.expires_in)
                        if token_set.expires_in is not None
                        else None
                    ),
                    "enabled": True,
                    # A new link re-authorizes: whatever killed the old grant no longer applies.
                    "credential_status": "active",
                    "status_reason": None,
                    "token_issued_at": now,
                    "sequence": (0 if account is None else account.sequence) + 1,
                    "updated_at": now,
                }
                # A provider that sends no new refresh token keeps the old one valid (RFC 6749 §6).
                if token_set.refresh_token is not None:
                    relinked["refresh_token_encrypted"] = services.cipher.encrypt(token_set.refresh_token)
                if subject is not None:
                    relinked["provider_subject"] = subject
                if account is not None:
                    account = linked_accounts.with_columns(account, relinked)
                    await linked_accounts.update_linked_account(statements, account=account, columns=relinked)
                else:
                    account = linked_accounts.new_linked_account(
                        project_id=link.project_id,
                        app_name=link.app_name,
                        linked_account_owner_id=link.linked_account_owner_id,
                        created_at=now,
                        **relinked,
                    )
                    await linked_accounts.insert_linked_account(statements, account=account)
                # The outcome before the events: both writes are put off, and on PostgreSQL they then
                # ride in the event's statement (``Statements.execute_later``).
                await link_states.record_outcome(
                    statements, link_state_id=link.id, outcome="completed", linked_account_id=account.id
                )
                for event_type in announced:
                    await events.record_account_event(
                        statements, event_type=event_type, account=account, now=now
                    )
                return account
        except Conflict as exc:
            if attempt == 1:
                # The second try found the account, or none, and still broke a constraint: only the
                # app's foreign key is left. The app was deleted while the code was exchanged, as
                # it may be once it has no account; a state of a deleted app links nothing.
                raise InvalidState("the app configuration of this state was deleted") from exc
    raise AssertionError("unreachable")
