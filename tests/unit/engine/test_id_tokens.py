"""ID Token validation (OpenID Connect Core §3.1.3.7): signature against the provider's JWKS, iss, aud,
azp, exp and the nonce sent with the authorization request."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import OctKey, RSAKey

from linkvault.engine.http import OutboundClient
from linkvault.engine.id_tokens import KeySetCache, hash_nonce, new_nonce, verify_id_token
from linkvault.errors import InvalidIdToken, ProviderUnavailable

pytestmark = pytest.mark.anyio

ISSUER = "https://as.example"
JWKS_URI = "https://as.example/jwks"
CLIENT_ID = "client-1"
NOW = datetime(2026, 6, 1, tzinfo=UTC)
KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
OTHER_KEY = RSAKey.generate_key(2048, parameters={"kid": "k1"})
NONCE = new_nonce()


def _claims(**changes: Any) -> dict[str, Any]:
    claims = {
        "iss": ISSUER,
        "sub": "user-7",
        "aud": CLIENT_ID,
        "exp": int(NOW.timestamp()) + 3600,
        "iat": int(NOW.timestamp()),
        "nonce": NONCE,
        **changes,
    }
    return {name: value for name, value in claims.items() if value is not None}


def _signed(claims: dict[str, Any], key: Any = KEY, alg: str = "RS256") -> str:
    return jwt.encode({"alg": alg, "kid": "k1"}, claims, key)


async def _verify(
    id_token: str, *, jwks: Any = None, status: int = 200, nonce_hash: str | None = None
) -> str:
    document = {"keys": [KEY.as_dict(private=False)]} if jwks is None else jwks

    def answer(request: httpx.Request) -> httpx.Response:
        assert str(request.url) == JWKS_URI
        return httpx.Response(status, json=document)

    async with OutboundClient(httpx.MockTransport(answer), timeout_seconds=5) as http_client:
        return await verify_id_token(
            http_client,
            KeySetCache(),
            id_token=id_token,
            issuer=ISSUER,
            jwks_uri=JWKS_URI,
            client_id=CLIENT_ID,
            nonce_hash=hash_nonce(NONCE) if nonce_hash is None else nonce_hash,
            now=NOW,
        )


async def test_a_valid_id_token_gives_its_subject() -> None:
    assert await _verify(_signed(_claims())) == "user-7"


async def test_an_audience_list_with_this_client_as_authorized_party_is_accepted() -> None:
    token = _signed(_claims(aud=[CLIENT_ID, "other"], azp=CLIENT_ID))

    assert await _verify(token) == "user-7"


def _unsigned(claims: dict[str, Any]) -> str:
    def part(value: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none'})}.{part(claims)}."


@pytest.mark.parametrize(
    "token",
    [
        pytest.param(_signed(_claims(), key=OTHER_KEY), id="signed-by-another-key"),
        pytest.param(_unsigned(_claims()), id="alg-none"),
        pytest.param(_signed(_claims(), key=OctKey.generate_key(256), alg="HS256"), id="hmac"),
        pytest.param(_signed(_claims(iss="https://evil.example")), id="another-issuer"),
        pytest.param(_signed(_claims(aud="another-client")), id="another-audience"),
        pytest.param(_signed(_claims(aud=[CLIENT_ID, "other"])), id="several-audiences-no-azp"),
        pytest.param(_signed(_claims(aud=[CLIENT_ID, "other"], azp="other")), id="another-azp"),
        pytest.param(_signed(_claims(exp=int(NOW.timestamp()) - 61)), id="expired"),
        pytest.param(_signed(_claims(exp=None)), id="no-exp"),
        pytest.param(_signed(_claims(nonce="replayed-" + NONCE)), id="another-nonce"),
        pytest.param(_signed(_claims(nonce=None)), id="no-nonce"),
        pytest.param(_signed(_claims(sub=None)), id="no-sub"),
        pytest.param("not.a.jwt", id="garbage"),
    ],
)
async def test_an_invalid_id_token_is_refused(token: str) -> None:
    with pytest.raises(InvalidIdToken):
        await _verify(token)


@pytest.mark.parametrize(
    ("jwks", "status"),
    [({"keys": [KEY.as_dict(private=False)]}, 500), ({"keys": "nope"}, 200), ([], 200)],
    ids=["5xx", "keys-not-a-list", "not-an-object"],
)
async def test_an_unreadable_jwks_is_the_providers_failure(jwks: Any, status: int) -> None:
    with pytest.raises(ProviderUnavailable):
        await _verify(_signed(_claims()), jwks=jwks, status=status)


class _Provider:
    """A JWKS endpoint whose keys can change, counting how often it is read; and a clock."""

    def __init__(self) -> None:
        self.keys = [KEY]
        self.fetches = 0
        self.now = 1000.0
        self.cache = KeySetCache(timer=lambda: self.now)

    def answer(self, _request: httpx.Request) -> httpx.Response:
        self.fetches += 1
        return httpx.Response(200, json={"keys": [key.as_dict(private=False) for key in self.keys]})

    async def verify(self, id_token: str) -> str:
        async with OutboundClient(httpx.MockTransport(self.answer), timeout_seconds=5) as http_client:
            return await verify_id_token(
                http_client, self.cache, id_token=id_token, issuer=ISSUER, jwks_uri=JWKS_URI,
                client_id=CLIENT_ID, nonce_hash=hash_nonce(NONCE), now=NOW,
            )  # fmt: skip


async def test_the_key_set_is_kept_for_five_minutes() -> None:
    provider = _Provider()

    for _ in range(3):
        assert await provider.verify(_signed(_claims())) == "user-7"
    provider.now += 299
    await provider.verify(_signed(_claims()))
    kept = provider.fetches
    provider.now += 2
    await provider.verify(_signed(_claims()))

    assert kept == 1
    assert provider.fetches == 2


async def test_a_rotated_key_is_fetched_at_once() -> None:
    provider = _Provider()
    await provider.verify(_signed(_claims()))
    provider.keys = [OTHER_KEY]
    provider.now += 11

    assert await provider.verify(_signed(_claims(), key=OTHER_KEY)) == "user-7"
    assert provider.fetches == 2


async def test_tokens_that_do_not_verify_fetch_the_key_set_at_most_once_in_ten_seconds() -> None:
    provider = _Provider()
    await provider.verify(_signed(_claims()))
    provider.now += 11
    forged = _signed(_claims(), key=OTHER_KEY)

    for _ in range(5):
        with pytest.raises(InvalidIdToken):
            await provider.verify(forged)

    assert provider.fetches == 2


async def test_an_issuer_alias_is_accepted_only_when_given() -> None:
    aliased = _signed(_claims(iss="as.example"))
    provider = _Provider()

    async def verify(issuer: str | tuple[str, ...]) -> str:
        async with OutboundClient(httpx.MockTransport(provider.answer), timeout_seconds=5) as http_client:
            return await verify_id_token(
                http_client, provider.cache, id_token=aliased, issuer=issuer, jwks_uri=JWKS_URI,
                client_id=CLIENT_ID, nonce_hash=hash_nonce(NONCE), now=NOW,
            )  # fmt: skip

    assert await verify((ISSUER, "as.example")) == "user-7"
    with pytest.raises(InvalidIdToken):
        await verify(ISSUER)
