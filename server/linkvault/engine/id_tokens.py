"""ID Token validation (OpenID Connect Core 1.0 §3.1.3.7) for the token response of a link.

JOSE mechanics are joserfc's: the signature is checked against the provider's JWKS (fetched from the
discovered ``jwks_uri``) with asymmetric algorithms only (never ``none``, never an HMAC keyed by
something an attacker may know); then ``iss``, ``aud`` (and ``azp``), ``exp`` and the ``nonce`` sent in
the authorization request. What linkvault keeps is the provider's subject (``sub``).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any, NewType

from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from linkvault.engine import http
from linkvault.errors import InvalidIdToken, ProviderUnavailable

if TYPE_CHECKING:
    # Only a type here: engine/http.py is the one module that calls httpx.
    import httpx

__all__ = ["ALGORITHMS", "NonceHash", "hash_nonce", "new_nonce", "verify_id_token"]

NonceHash = NewType("NonceHash", str)

# JWA algorithms a provider signs ID tokens with (RFC 7518 §3.1, RFC 8037); OIDC Core §3.1.3.7 step 6
# allows HMAC keyed by the client secret, which linkvault does not accept.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]
# Clock skew tolerated on exp and iat, in seconds.
_LEEWAY_SECONDS = 60


def new_nonce() -> str:
    """256 random bits, url-safe (OIDC Core §3.1.2.1 ``nonce``)."""
    return secrets.token_urlsafe(32)


def hash_nonce(nonce: str) -> NonceHash:
    """What is stored of a nonce until the callback, like a state: only its SHA-256."""
    return NonceHash(hashlib.sha256(nonce.encode("utf-8")).hexdigest())


async def verify_id_token(
    http_client: httpx.AsyncClient,
    *,
    id_token: str,
    issuer: str,
    jwks_uri: str,
    client_id: str,
    nonce_hash: str | None,
    now: datetime,
) -> str:
    """The ``sub`` of a valid ID token, checked as OIDC Core §3.1.3.7 asks.

    Raises InvalidIdToken (bad signature or algorithm, wrong ``iss``/``aud``/``azp``, expired, nonce
    missing or not the one sent), ProviderUnavailable or ProviderTimeout (the JWKS cannot be read)."""
    key_set = await _key_set(http_client, jwks_uri)
    try:
        token = jwt.decode(id_token, key_set, algorithms=ALGORITHMS)
    except (JoseError, ValueError) as exc:
        raise InvalidIdToken("the ID token's signature does not verify with the provider's keys") from exc
    claims: dict[str, Any] = token.claims
    _check_claims(claims, issuer=issuer, client_id=client_id, now=now)
    if nonce_hash is not None:
        nonce = claims.get("nonce")
        if not isinstance(nonce, str) or not secrets.compare_digest(hash_nonce(nonce), nonce_hash):
            raise InvalidIdToken("the ID token's nonce is not the one this link sent")
    subject = claims.get("sub")
    if not isinstance(subject, str) or not subject or len(subject) > 255:
        raise InvalidIdToken("the ID token has no valid sub")
    return subject


def _check_claims(claims: dict[str, Any], *, issuer: str, client_id: str, now: datetime) -> None:
    if claims.get("iss") != issuer:
        raise InvalidIdToken("the ID token was issued by another issuer")
    audience = claims.get("aud")
    audiences = [audience] if isinstance(audience, str) else audience
    if not isinstance(audiences, list) or client_id not in audiences:
        raise InvalidIdToken("the ID token is not meant for this client")
    if len(audiences) > 1 and claims.get("azp") != client_id:
        raise InvalidIdToken("the ID token has several audiences and another authorized party")
    expires = claims.get("exp")
    if isinstance(expires, bool) or not isinstance(expires, int | float):
        raise InvalidIdToken("the ID token has no exp")
    if expires + _LEEWAY_SECONDS < now.timestamp():
        raise InvalidIdToken("the ID token has expired")


async def _key_set(http_client: httpx.AsyncClient, jwks_uri: str) -> KeySet:
    response = await http.get(http_client, jwks_uri)
    document = response.json()
    if response.status_code != 200 or not isinstance(document, dict):
        raise ProviderUnavailable(f"the provider's JWKS answered HTTP {response.status_code}")
    try:
        return KeySet.import_key_set(document)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise ProviderUnavailable("the provider's JWKS is not a valid key set") from exc
