"""The token request and response of the authorization code grant (RFC 6749 §4.1.3, §5.1, §5.2).

One parser reads every token response, the refresh grant's too; how a catalog provider departs from
RFC 6749 (``linkvault.engine.catalog.TokenResponseQuirks``) is data it is given, never a branch per
provider.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote

from authlib.oauth2.rfc6749.parameters import prepare_token_request

from linkvault.engine import http
from linkvault.engine.catalog import DEFAULT_QUIRKS, TokenResponseQuirks
from linkvault.errors import ProviderUnavailable, TokenRequestRejected
from linkvault.limits import MAX_SCOPE_LENGTH
from linkvault.text import is_valid_text

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
    http_client: http.OutboundClient,
    *,
    token_url: str,
    client: ClientCredentials,
    code: str,
    redirect_uri: str,
    code_verifier: str,
    quirks: TokenResponseQuirks = DEFAULT_QUIRKS,
    requested_scope: str | None = None,
) -> TokenSet:
    """The authorization code grant's token request (RFC 6749 §4.1.3, with the PKCE verifier of
    RFC 7636 §4.5), its answer read by ``parse_token_response``.

    Raises TokenRequestRejected (RFC 6749 §5.2, e.g. ``invalid_grant``), ProviderUnavailable or
    ProviderTimeout."""
    # No provider issued a code that is not text, and it cannot be sent. linking refuses one before the
    # state is used (every face); this keeps the function itself from sending it, whoever calls it.
    if not is_valid_text(code):
        raise TokenRequestRejected("the authorization code is not valid text", code="invalid_grant")
    form = prepare_token_request(
        "authorization_code", code=code, redirect_uri=redirect_uri, code_verifier=code_verifier
    )
    response = await _token_request(http_client, token_url, form=form, client=client, quirks=quirks)
    return parse_token_response(response, quirks=quirks, requested_scope=requested_scope)


async def refresh(
    http_client: http.OutboundClient,
    *,
    token_url: str,
    client: ClientCredentials,
    refresh_token: str,
    quirks: TokenResponseQuirks = DEFAULT_QUIRKS,
    requested_scope: str | None = None,
) -> TokenSet:
    """The refresh token grant (RFC 6749 §6), without ``scope``: the grant keeps the scope it had, so
    ``requested_scope`` is the account's present scope (what an answer without ``scope`` granted).

    Raises TokenRequestRejected (RFC 6749 §5.2, e.g. ``invalid_grant``), ProviderUnavailable or
    ProviderTimeout."""
    form = prepare_token_request("refresh_token", refresh_token=refresh_token)
    response = await _token_request(http_client, token_url, form=form, client=client, quirks=quirks)
    return parse_token_response(response, quirks=quirks, requested_scope=requested_scope)


async def _token_request(
    http_client: http.OutboundClient,
    token_url: str,
    *,
    form: str,
    client: ClientCredentials,
    quirks: TokenResponseQuirks,
) -> http.ProviderResponse:
    """POST a token request (``form``, RFC 6749 §4.1.3 / §6) with the client's authentication, as the
    form the RFC asks for, or as the JSON object a provider documents instead (``json_request``)."""
    body, headers = client_authentication(client, form)
    if not quirks.json_request:
        return await http.post_form(http_client, token_url, body=body, headers=headers)
    members = dict(parse_qsl(body, keep_blank_values=True))
    document = json.dumps(members).encode()
    return await http.post_json(
        http_client, token_url, body=document, headers={"Accept": "application/json", **headers}
    )


def parse_token_response(
    response: http.ProviderResponse,
    *,
    quirks: TokenResponseQuirks = DEFAULT_QUIRKS,
    requested_scope: str | None = None,
) -> TokenSet:
    """Read a token endpoint's answer: a token set (RFC 6749 §5.1) or an error (§5.2).

    ``quirks`` say how the provider departs from the RFC (where the token sits, other ``token_type``
    values of Bearer tokens, form-encoded bodies, comma-separated scopes, its own error codes).
    Whatever the provider: an answer carrying ``error`` is an error response, also with HTTP 200;
    ``token_type`` compares case-insensitively; ``expires_in`` may be a string of digits; a ``scope``
    array is joined with spaces; and an answer without ``scope`` granted ``requested_scope``
    (RFC 6749 §5.1: the scope is omitted when it is the one requested).

    Raises TokenRequestRejected for an error that means "this grant will not work" (``invalid_grant``
    and its kin, after ``quirks.error_codes`` mapped the provider's own code), ProviderUnavailable
    for anything else: another error, a 5xx, an answer outside the protocol, an access token of
    another type than Bearer (RFC 6749 §7.1: linkvault hands out Bearer tokens only)."""
    document = _document(response, quirks)
    error = document.get("error") if isinstance(document, dict) else None
    if isinstance(error, str) and response.status_code in (200, 400, 401):
        code = quirks.error_codes.get(error, error)
        if code in _GRANT_ERRORS:
            raise TokenRequestRejected(f"the provider refused the grant ({code})", code=code)
        shown = code if _ERROR_CODE.fullmatch(code) else "no OAuth error"
        raise ProviderUnavailable(f"the token endpoint answered HTTP {response.status_code} ({shown})")
    if response.status_code != 200:
        shown = error if isinstance(error, str) and _ERROR_CODE.fullmatch(error) else "no OAuth error"
        raise ProviderUnavailable(f"the token endpoint answered HTTP {response.status_code} ({shown})")
    if not isinstance(document, dict):
        raise ProviderUnavailable("the token endpoint's answer is not a JSON object")
    token = _token_member(document, quirks)
    if token is None:
        raise ProviderUnavailable("the token endpoint's answer has no access_token")
    access_token = token["access_token"]
    if not _is_bearer(token.get("token_type"), quirks):
        raise ProviderUnavailable("the token endpoint's answer is not a Bearer token")
    refresh_token = token.get("refresh_token")
    scope = _scope(token.get("scope"), quirks)
    id_token = token.get("id_token")
    if not is_valid_text([access_token, refresh_token, scope, id_token]):
        raise ProviderUnavailable("the token endpoint's answer holds invalid text")
    if scope is not None and len(scope) > MAX_SCOPE_LENGTH:
        raise ProviderUnavailable("the token endpoint's answer has a scope too long to keep")
    return TokenSet(
        access_token=access_token,
        refresh_token=refresh_token if isinstance(refresh_token, str) and refresh_token else None,
        token_type="Bearer",
        expires_in=_lifetime(token, quirks),
        scope=scope if scope is not None else requested_scope,
        id_token=id_token if isinstance(id_token, str) and id_token else None,
    )


def _document(response: http.ProviderResponse, quirks: TokenResponseQuirks) -> Any:
    """The answer's members: its JSON, or, where the provider may answer so, its form-encoded body."""
    document = response.json()
    if document is None and quirks.form_encoded and _is_form(response.content_type):
        try:
            pairs = parse_qsl(response.body.decode("utf-8"), strict_parsing=True, max_num_fields=100)
        except (UnicodeDecodeError, ValueError):
            return None
        names = [name for name, _ in pairs]
        # A repeated member is ambiguous (RFC 6749 §3.1 forbids repeats in requests and responses).
        return dict(pairs) if len(names) == len(set(names)) else None
    return document


def _is_form(content_type: str) -> bool:
    return content_type.split(";", 1)[0].strip().lower() == "application/x-www-form-urlencoded"


def _token_member(document: dict[str, Any], quirks: TokenResponseQuirks) -> dict[str, Any] | None:
    """The first place named by ``quirks.token_paths`` that holds a non-empty ``access_token``."""
    for path in quirks.token_paths:
        node = document if path == "" else document.get(path)
        if isinstance(node, dict):
            access_token = node.get("access_token")
            if isinstance(access_token, str) and access_token:
                return node
    return None


def _is_bearer(token_type: object, quirks: TokenResponseQuirks) -> bool:
    if token_type is None:
        return quirks.token_type_optional
    if not isinstance(token_type, str):
        return False
    # RFC 6749 §5.1: the value is case-insensitive.
    accepted = {"bearer", *(name.lower() for name in quirks.bearer_token_types)}
    return token_type.lower() in accepted


def _scope(value: object, quirks: TokenResponseQuirks) -> str | None:
    """The granted scope, space-separated (RFC 6749 §3.3); None when the answer gives none usable."""
    if isinstance(value, list):
        if not all(isinstance(item, str) for item in value):
            return None
        parts = value
    elif isinstance(value, str):
        separator = quirks.scope_separator if quirks.scope_separator != " " else None
        parts = value.split(separator)
    else:
        return None
    parts = [part.strip() for part in parts if part.strip()]
    return " ".join(parts)


def _lifetime(token: dict[str, Any], quirks: TokenResponseQuirks) -> int | None:
    """Seconds the access token lives, None for a token without expiry."""
    if "expires_in" not in token or token["expires_in"] is None:
        return quirks.access_token_lifetime_seconds
    expires_in = _expires_in(token["expires_in"])
    if expires_in == 0 and quirks.zero_expires_in_means_no_expiry:
        return None
    return expires_in


def _expires_in(value: object) -> int | None:
    # Some providers send the number as a string (ASCII digits only: "²".isdigit() is true).
    if isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= 12:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    # NaN and infinity fail this test; a longer lifetime is no real expiry and would overflow the
    # datetime it is added to.
    return int(value) if 0 <= value <= _MAX_EXPIRES_IN else None
