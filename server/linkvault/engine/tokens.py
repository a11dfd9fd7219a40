"""The token request and response of the authorization code grant (RFC 6749 §4.1.3, §5.1, §5.2)."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote

from authlib.oauth2.rfc6749.parameters import prepare_token_request

from linkvault.engine import http
from linkvault.errors import ProviderUnavailable, TokenRequestRejected
from linkvault.text import is_valid_text

if TYPE_CHECKING:
    # Only a type here: engine/http.py is the one module that calls httpx.
    import httpx

__all__ = [
    "ClientCredentials",
    "TokenSet",
    "client_authentication",
    "exchange_code",
    "parse_token_response",
    "refresh",
]

# RFC 6749 §5.2 error codes that mean "this grant will not work"; anything else from the token
# endpoint (invalid_client, unknown codes, 5xx) is the provider's or our configuration's failure.
_GRANT_ERRORS = {
    "invalid_grant",
    "invalid_request",
    "unauthorized_client",
    "unsupported_grant_type",
    "invalid_scope",
}
# RFC 6749 §5.2 allows nearly any printable character in an error code; only the usual word-like
# codes are named in our answers, so that no markup a provider sends is ever shown.
_ERROR_CODE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
_MAX_EXPIRES_IN = 100 * 365 * 86_400  # seconds


@dataclass(frozen=True)
class ClientCredentials:
    client_id: str
    client_secret: str | None = field(repr=False)
    auth_method: str  # client_secret_basic or client_secret_post


@dataclass(frozen=True)
class TokenSet:
    access_token: str = field(repr=False)
    refresh_token: str | None = field(repr=False)
    token_type: str
    expires_in: int | None
    scope: str | None
    # OpenID Connect Core §3.1.3.3: present when the scope held openid; validated by engine.id_tokens.
    id_token: str | None = field(default=None, repr=False)


def client_authentication(client: ClientCredentials, form: str) -> tuple[str, dict[str, str]]:
    """The form and headers of a request to the token or revocation endpoint, with the client's
    authentication added (RFC 6749 §2.3.1). Authlib's client_secret_basic skips the form-encoding the RFC asks for
    before base64, which breaks secrets with reserved characters, so this is written out here."""
    if client.client_secret is None:
        return form + "&client_id=" + quote(client.client_id, safe=""), {}
    if client.auth_method == "client_secret_post":
        extra = f"&client_id={quote(client.client_id, safe='')}&client_secret={quote(client.client_secret, safe='')}"
        return form + extra, {}
    pair = f"{quote(client.client_id, safe='')}:{quote(client.client_secret, safe='')}"
    return form, {"Authorization": "Basic " + base64.b64encode(pair.encode()).decode("ascii")}


async def exchange_code(
    http_client: httpx.AsyncClient,
    *,
    token_url: str,
    client: ClientCredentials,
    code: str,
    redirect_uri: str,
    code_verifier: str,
) -> TokenSet:
    # A bridged face can be handed a code that is not text; no provider issued it and it cannot be sent.
    if not is_valid_text(code):
        raise TokenRequestRejected("the authorization code is not valid text", code="invalid_grant")
    form = prepare_token_request(
        "authorization_code", code=code, redirect_uri=redirect_uri, code_verifier=code_verifier
    )
    body, headers = client_authentication(client, form)
    response = await http.post_form(http_client, token_url, body=body, headers=headers)
    return parse_token_response(response)


async def refresh(
    http_client: httpx.AsyncClient, *, token_url: str, client: ClientCredentials, refresh_token: str
) -> TokenSet:
    """The refresh token grant (RFC 6749 §6), without ``scope``: the grant keeps the scope it had.

    Raises TokenRequestRejected (RFC 6749 §5.2, e.g. ``invalid_grant``), ProviderUnavailable or
    ProviderTimeout."""
    form = prepare_token_request("refresh_token", refresh_token=refresh_token)
    body, headers = client_authentication(client, form)
    response = await http.post_form(http_client, token_url, body=body, headers=headers)
    return parse_token_response(response)


def parse_token_response(response: http.ProviderResponse) -> TokenSet:
    document = response.json()
    if response.status_code != 200:
        error = document.get("error") if isinstance(document, dict) else None
        if response.status_code in (400, 401) and isinstance(error, str) and error in _GRANT_ERRORS:
            raise TokenRequestRejected(f"the provider refused the grant ({error})", code=error)
        shown = error if isinstance(error, str) and _ERROR_CODE.fullmatch(error) else "no OAuth error"
        raise ProviderUnavailable(f"the token endpoint answered HTTP {response.status_code} ({shown})")
    if not isinstance(document, dict):
        raise ProviderUnavailable("the token endpoint's answer is not a JSON object")
    access_token = document.get("access_token")
    token_type = document.get("token_type")
    if not isinstance(access_token, str) or not access_token:
        raise ProviderUnavailable("the token endpoint's answer has no access_token")
    # RFC 6749 §7.1: linkvault hands out bearer tokens only; another type needs other client code.
    if not isinstance(token_type, str) or token_type.lower() != "bearer":
        raise ProviderUnavailable("the token endpoint's answer is not a Bearer token")
    refresh_token = document.get("refresh_token")
    scope = document.get("scope")
    id_token = document.get("id_token")
    if not is_valid_text([access_token, refresh_token, scope, id_token]):
        raise ProviderUnavailable("the token endpoint's answer holds invalid text")
    return TokenSet(
        access_token=access_token,
        refresh_token=refresh_token if isinstance(refresh_token, str) and refresh_token else None,
        token_type="Bearer",
        expires_in=_expires_in(document.get("expires_in")),
        scope=scope if isinstance(scope, str) else None,
        id_token=id_token if isinstance(id_token, str) and id_token else None,
    )


def _expires_in(value: object) -> int | None:
    # Some providers send the number as a string (ASCII digits only: "²".isdigit() is true).
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    # NaN and infinity fail this test; a longer lifetime is no real expiry and would overflow the
    # datetime it is added to.
    return int(value) if 0 <= value <= _MAX_EXPIRES_IN else None
