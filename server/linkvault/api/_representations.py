"""The JSON bodies of the spec's schemas, built from engine results."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response

# The command line shows an account the same way, so the representation lives with the engine.
from linkvault.engine.catalog import Provider
from linkvault.engine.durations import format_duration
from linkvault.engine.events import envelope
from linkvault.engine.linked_accounts import linked_account_public
from linkvault.engine.linking import FinishedLink
from linkvault.engine.refresh import Credentials, StaticSecret
from linkvault.engine.webhooks import DeliveryView
from linkvault.store.models import AppConfiguration, Event, WebhookEndpoint

__all__ = [
    "CALLBACK_HEADERS",
    "NO_STORE",
    "app_configuration",
    "catalog_entry",
    "connection",
    "credentials",
    "event",
    "html_response",
    "json_response",
    "linked_account_public",
    "next_page_headers",
    "oauth_connection",
    "oauth_provider",
    "webhook_delivery",
    "webhook_endpoint",
]

# RFC 6749 §5.1: responses with tokens must not be cached.
NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}
# Every answer of a callback face, errors included (added by ``linkvault.middleware.CallbackHeaders``):
# the page the user lands on must not leak its URL (code, state) through the Referer header, nor be
# cached (RFC 9700 §4.2.4).
CALLBACK_HEADERS = {**NO_STORE, "Referrer-Policy": "no-referrer"}


def json_response(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    # Built here rather than returned as a dict: Connexion cannot pick a media type for an
    # operation whose responses declare both application/json and application/problem+json.
    return Response(
        json.dumps(body, separators=(",", ":")).encode("utf-8"),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def html_response(page: str, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(
        page.encode("utf-8"), status_code=status, media_type="text/html; charset=utf-8", headers=headers
    )


def _timestamp(value: datetime) -> str:
    return value.isoformat()


def _optional_timestamp(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def app_configuration(app: AppConfiguration, *, redirect_uri: str) -> dict[str, Any]:
    return {
        "id": str(app.id),
        "project_id": str(app.project_id),
        "app_name": app.app_name,
        "security_scheme": app.security_scheme,
        "issuer": app.issuer,
        "authorize_url": app.authorize_url,
        "token_url": app.token_url,
        "revocation_url": app.revocation_url,
        "client_id": app.client_id,
        "has_client_secret": app.client_secret_encrypted is not None,
        "scopes": list(app.scopes),
        "token_endpoint_auth_method": app.token_endpoint_auth_method,
        "authorize_params": dict(app.authorize_params),
        "redirect_uri": redirect_uri,
        "allowed_redirect_urls": list(app.allowed_redirect_urls),
        "authorization_response_iss_parameter_supported": app.authorization_response_iss_parameter_supported,
        "provider": app.provider,
        "provider_params": dict(app.provider_params),
        "refresh_idle_after": (
            None
            if app.refresh_idle_after_seconds is None
            else format_duration(app.refresh_idle_after_seconds)
        ),
        "created_at": _timestamp(app.created_at),
        "updated_at": _timestamp(app.updated_at),
    }


def catalog_entry(provider: Provider) -> dict[str, Any]:
    """CatalogEntry: every field of the entry, null where the provider's documentation says nothing."""
    body: dict[str, Any] = provider.model_dump(mode="json")
    return body


def oauth_provider(app: AppConfiguration) -> dict[str, Any]:
    """LangSmith's OAuthProvider: the app configuration seen as a provider, never its secret."""
    return {
        "id": str(app.id),
        "organization_id": str(app.project_id),
        "provider_id": app.app_name,
        "name": app.display_name or app.app_name,
        "client_id": app.client_id,
        "auth_url": app.authorize_url,
        "token_url": app.token_url,
        "uses_pkce": True,
        "code_challenge_method": "S256",
        "provider_type": "oauth2",
        "created_at": _timestamp(app.created_at),
        "updated_at": _timestamp(app.updated_at),
    }


def connection(finished: FinishedLink) -> dict[str, Any]:
    """Peaka's Connection: the account id, the owner id as its name, the app as its type."""
    account = finished.account
    return {
        "id": str(account.id),
        "name": account.linked_account_owner_id,
        "type": account.app_name,
        "url": finished.redirect_uri,
    }


def oauth_connection(finished: FinishedLink) -> dict[str, Any]:
    """quiva.ai's OauthConnection: the tokens themselves, for the authenticated caller only."""
    account, token_set = finished.account, finished.token_set
    body: dict[str, Any] = {
        "access_token": token_set.access_token,
        "token_type": token_set.token_type,
        "sequence": account.sequence,
        "subject": f"linkvault.oauth.{account.project_id}.{account.app_name}.{account.linked_account_owner_id}",
        "modified": int(account.updated_at.timestamp()),
    }
    if token_set.refresh_token is not None:
        body["refresh_token"] = token_set.refresh_token
    if account.expires_at is not None and token_set.expires_in is not None:
        body["expiry"] = _timestamp(account.expires_at)
        body["expires_in"] = token_set.expires_in
    return body


def credentials(found: Credentials | StaticSecret) -> dict[str, Any]:
    """LinkedAccountSecret: what the application calls the provider with, never a refresh token; an
    OAuth2 account's LinkedAccountCredentials, or another scheme's secret, tagged with its scheme."""
    if isinstance(found, StaticSecret):
        return {"security_scheme": found.security_scheme, **found.secret}
    return {
        "security_scheme": "oauth2",
        "access_token": found.access_token,
        "token_type": found.token_type,
        "expires_at": _optional_timestamp(found.expires_at),
        "scope": found.scope,
        "sequence": found.sequence,
    }


def webhook_endpoint(endpoint: WebhookEndpoint) -> dict[str, Any]:
    """WebhookEndpoint: never the secret."""
    return {
        "id": str(endpoint.id),
        "project_id": str(endpoint.project_id),
        "url": endpoint.url,
        "events": list(endpoint.events),
        "enabled": endpoint.enabled,
        "delivery_status": endpoint.delivery_status,
        "disabled_reason": endpoint.disabled_reason,
        "description": endpoint.description,
        "previous_secret_expires_at": _optional_timestamp(endpoint.previous_secret_expires_at),
        "created_at": _timestamp(endpoint.created_at),
        "updated_at": _timestamp(endpoint.updated_at),
    }


def webhook_delivery(view: DeliveryView) -> dict[str, Any]:
    delivery = view.delivery
    return {
        "id": str(delivery.id),
        "event_id": str(view.event.id),
        "event_type": view.event.type,
        "status": delivery.status,
        "attempt_count": delivery.attempt_count,
        "next_attempt_at": _optional_timestamp(
            delivery.next_attempt_at if delivery.status == "pending" else None
        ),
        "created_at": _timestamp(delivery.created_at),
        "attempts": [
            {
                "attempted_at": _timestamp(attempt.attempted_at),
                "status_code": attempt.status_code,
                "latency_ms": attempt.latency_ms,
                "error_class": attempt.error_class,
            }
            for attempt in view.attempts
        ],
    }


def event(found: Event) -> dict[str, Any]:
    """Event: the same envelope a webhook delivers."""
    return envelope(found)


def next_page_headers(request: Any, next_cursor: str | None) -> dict[str, str]:
    """The ``Link`` header of a listing's page (RFC 8288): ``rel="next"`` is this request with the
    cursor moved on; no header on the last page."""
    if next_cursor is None:
        return {}
    query = [(name, value) for name, value in request.query_params.items() if name != "cursor"]
    query.append(("cursor", next_cursor))
    return {"Link": f'<{request.url.path}?{urlencode(query)}>; rel="next"'}
