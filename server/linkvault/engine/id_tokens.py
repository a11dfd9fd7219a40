"""ID Token validation (OpenID Connect Core 1.0 §3.1.3.7) for the token response of a link.

JOSE mechanics are joserfc's: the signature is checked against the provider's JWKS (fetched from the
discovered ``jwks_uri`` and kept for a few minutes, see ``KeySetCache``) with asymmetric algorithms
only (never ``none``, never an HMAC keyed by something an attacker may know); then ``iss``, ``aud``
(and ``azp``), ``exp`` and the ``nonce`` sent in the authorization request. What linkvault keeps is the
provider's subject (``sub``).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, NewType

from cachetools import TTLCache
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet

from linkvault.engine import http
from linkvault.errors import InvalidIdToken, ProviderUnavailable

__all__ = ["ALGORITHMS", "KeySetCache", "NonceHash", "hash_nonce", "new_nonce", "verify_id_token"]

NonceHash = NewType("NonceHash", str)

# JWA algorithms a provider signs ID tokens with (RFC 7518 §3.1, RFC 8037); OIDC Core §3.1.3.7 step 6
# allows HMAC keyed by the client secret, which linkvault does not accept.
ALGORITHMS = ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA"]
# Clock skew tolerated on exp and iat, in seconds.
_LEEWAY_SECONDS = 60


class KeySetCache:
    """Providers' key sets (RFC 7517 JWKS) by ``jwks_uri``, each kept ``max_age_seconds`` (default 300)
    so that a callback does not fetch the JWKS again; at most ``max_entries`` (256) URIs, the least
    recently used forgotten first. A key set is public, so keeping it in one process's memory puts
    nothing at risk; a provider that rotates its keys is followed at once, since an ID token that does
    not verify with a kept set is checked again with a fresh one (at most once per
    ``refetch_after_seconds``, 10, per URI: a forged token cannot make every callback fetch).
    ``timer`` is in seconds (tests inject their own)."""

    def __init__(
        self,
        *,
        max_age_seconds: float = 300,
        refetch_after_seconds: float = 10,
        max_entries: int = 256,
        timer: Callable[[], float] = time.monotonic,
    ) -> None:
        self._timer = timer
        self._refetch_after = refetch_after_seconds
        # jwks_uri -> (key set, when it was fetched)
        self._sets: TTLCache[str, tuple[KeySet, float]] = TTLCache(max_entries, max_age_seconds, timer=timer)

    async def get(self, http_client: http.OutboundClient, jwks_uri: str) -> tuple[KeySet, bool]:
        """The key set at ``jwks_uri`` and whether it was just fetched. Raises ProviderUnavailable or
        ProviderTimeout when it has to be fetched and cannot be."""
        kept = self._sets.get(jwks_uri)
        if kept is not None:
            return kept[0], False
        return await self._fetch(http_client, jwks_uri), True

    async def refetched(self, http_client: http.OutboundClient, jwks_uri: str) -> KeySet | None:
        """A fresh key set, or None when the kept one is younger than ``refetch_after_seconds``."""
        kept = self._sets.get(jwks_uri)
        if kept is not None and self._timer() - kept[1] < self._refetch_after:
            return None
        return await self._fetch(http_client, jwks_uri)

    async def _fetch(self, http_client: http.OutboundClient, jwks_uri: str) -> KeySet:
        key_set = await _key_set(http_client, jwks_uri)
        self._sets[jwks_uri] = (key_set, self._timer())
        return key_set


def new_nonce() -> str:
    """256 random bits, url-safe (OIDC Core §3.1.2.1 ``nonce``)."""
    return secrets.token_urlsafe(32)


def hash_nonce(nonce: str) -> NonceHash:
    """What is stored of a nonce until the callback, like a state: only its SHA-256."""
    return NonceHash(hashlib.sha256(nonce.encode("utf-8")).hexdigest())


async def verify_id_token(
    http_client: http.OutboundClient,
    key_sets: KeySetCache,
    *,
    id_token: str,
    issuer: str | tuple[str, ...],
    jwks_uri: str,
    client_id: str,
    nonce_hash: str | None,
    now: datetime,
) -> str:
    """The ``sub`` of a valid ID token, checked as OIDC Core §3.1.3.7 asks, against the provider's
    key set from ``key_sets`` (fetched with ``http_client`` when not kept). ``issuer`` is the one
    ``iss`` accepted, or several where the provider documents aliases (Google).

    Raises InvalidIdToken (bad signature or algorithm, wrong ``iss``/``aud``/``azp``, expired, nonce
    missing or not the one sent), ProviderUnavailable or ProviderTimeout (the JWKS cannot be read)."""
    key_set, fresh = await key_sets.get(http_client, jwks_uri)
    try:
        token = jwt.decode(id_token, key_set, algorithms=ALGORITHMS)
    except (JoseError, ValueError) as exc:
        # The provider may have rotated its keys since the set was kept: once more with a fresh one.
        newer = None if fresh else await key_sets.refetched(http_client, jwks_uri)
        if newer is None:
            raise InvalidIdToken("the ID token's signature does not verify with the provider's keys") from exc
        try:
            token = jwt.decode(id_token, newer, algorithms=ALGORITHMS)
        except (JoseError, ValueError) as again:
            raise InvalidIdToken(
                "the ID token's signature does not verify with the provider's keys"
            ) from again
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


def _check_claims(
    claims: dict[str, Any], *, issuer: str | tuple[str, ...], client_id: str, now: datetime
) -> None:
    if claims.get("iss") not in ((issuer,) if isinstance(issuer, str) else issuer):
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


async def _key_set(http_client: http.OutboundClient, jwks_uri: str) -> KeySet:
    response = await http.get(http_client, jwks_uri)
    document = response.json()
    if response.status_code != 200 or not isinstance(document, dict):
        raise ProviderUnavailable(f"the provider's JWKS answered HTTP {response.status_code}")
    try:
        return KeySet.import_key_set(document)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError) as exc:
        raise ProviderUnavailable("the provider's JWKS is not a valid key set") from exc
