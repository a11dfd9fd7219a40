"""Token revocation at the provider (RFC 7009), done before a linked account is deleted."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import Literal

from authlib.common.urls import url_encode

from linkvault.engine import http
from linkvault.engine.app_configurations import client_credentials
from linkvault.engine.services import Services
from linkvault.engine.tokens import ClientCredentials, client_authentication
from linkvault.errors import ProviderError
from linkvault.store.models import AppConfiguration

__all__ = ["RevocationOutcome", "revoke", "revoke_grant"]

logger = logging.getLogger(__name__)

RevocationOutcome = Literal["revoked", "failed", "unsupported"]


async def revoke(
    http_client: http.OutboundClient,
    *,
    revocation_url: str | None,
    client: ClientCredentials,
    token: str,
    token_type_hint: Literal["refresh_token", "access_token"],
    timeout_seconds: float,
) -> RevocationOutcome:
    """Ask the provider to revoke ``token`` (RFC 7009 §2.1) within ``timeout_seconds`` in all.

    ``unsupported`` when there is no revocation endpoint; ``revoked`` on HTTP 200 (§2.2: also for a
    token the provider no longer knows); ``failed`` on any other answer, a network error or the
    deadline. Never raises for the provider's failures: a delete must not wait on them."""
    if revocation_url is None:
        return "unsupported"
    form = url_encode([("token", token), ("token_type_hint", token_type_hint)])
    body, headers = client_authentication(client, form)
    try:
        async with asyncio.timeout(timeout_seconds):
            response = await http.post_form(http_client, revocation_url, body=body, headers=headers)
    except (TimeoutError, ProviderError) as exc:
        logger.warning("revocation at %s failed: %s", revocation_url, type(exc).__name__)
        return "failed"
    if response.status_code != 200:
        logger.warning("revocation at %s answered HTTP %d", revocation_url, response.status_code)
        return "failed"
    return "revoked"


async def revoke_grant(
    services: Services, app: AppConfiguration, *, access_token: str, refresh_token: str | None
) -> RevocationOutcome:
    """Revoke a grant at the app's provider: its refresh token, which ends the whole grant at most
    providers, else its access token (RFC 7009 §2.1), within ``LINKVAULT_HTTP_TIMEOUT_SECONDS``.
    The observer hears each call made (not ``unsupported``, which makes none) and how long it took."""
    started = time.perf_counter()
    outcome = await revoke(
        services.http,
        revocation_url=app.revocation_url,
        client=client_credentials(services, app),
        token=refresh_token or access_token,
        token_type_hint="refresh_token" if refresh_token else "access_token",
        timeout_seconds=services.settings.http_timeout_seconds,
    )
    if outcome != "unsupported":
        services.observer.token_call("revocation", outcome, time.perf_counter() - started)
    return outcome
