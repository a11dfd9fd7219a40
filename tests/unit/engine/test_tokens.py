"""The token request (RFC 6749 §4.1.3, §2.3.1) and how its answer is read (§5.1, §5.2)."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import parse_qs, unquote_plus

import httpx
import pytest

from linkvault.engine.catalog import DEFAULT_QUIRKS, TokenResponseQuirks
from linkvault.engine.http import OutboundClient, ProviderResponse
from linkvault.engine.tokens import ClientCredentials, TokenSet, exchange_code, parse_token_response, refresh
from linkvault.errors import ProviderTimeout, ProviderUnavailable, TokenRequestRejected

pytestmark = pytest.mark.anyio

TOKEN_URL = "https://as.example/token"
REDIRECT_URI = "https://app.example/callback?tenant=a&x=1"
CODE = "SplxlOBeZQQYbYS6WxSbIA+/= &"
VERIFIER = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"
SECRET = "s3:cr+t%2F value"
BASIC = ClientCredentials(client_id="client:1", client_secret=SECRET, auth_method="client_secret_basic")
POST = ClientCredentials(client_id="client:1", client_secret=SECRET, auth_method="client_secret_post")
GOOD = {"access_token": "at-123", "token_type": "Bearer", "expires_in": 3600, "refresh_token": "rt-456"}

Handler = Callable[[httpx.Request], httpx.Response]


async def _exchange(handler: Handler, client: ClientCredentials = BASIC) -> TokenSet:
    async with OutboundClient(httpx.MockTransport(handler), timeout_seconds=5) as http_client:
        return await exchange_code(
            http_client,
            token_url=TOKEN_URL,
            client=client,
            code=CODE,
            redirect_uri=REDIRECT_URI,
            code_verifier=VERIFIER,
        )


def _answer(status: int, body: Any, content_type: str = "application/json") -> Handler:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return lambda request: httpx.Response(status, content=content, headers={"Content-Type": content_type})


class _Recorder:
    def __init__(self, body: Any = GOOD) -> None:
        self.requests: list[httpx.Request] = []
        self.body = body

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return httpx.Response(200, json=self.body)

    @property
    def form(self) -> dict[str, list[str]]:
        (request,) = self.requests
        assert request.headers["content-type"] == "application/x-www-form-urlencoded"
        return parse_qs(request.content.decode("ascii"), keep_blank_values=True, strict_parsing=True)


# The request


async def test_token_request_carries_the_authorization_code_grant() -> None:
    recorder = _Recorder()
    await _exchange(recorder)
    (request,) = recorder.requests
    assert request.method == "POST"
    assert str(request.url) == TOKEN_URL
    form = recorder.form
    assert form["grant_type"] == ["authorization_code"]
    assert form["code"] == [CODE]
    assert form["redirect_uri"] == [REDIRECT_URI]
    assert form["code_verifier"] == [VERIFIER]


async def test_client_secret_basic_form_encodes_id_and_secret_before_base64() -> None:
    recorder = _Recorder()
    await _exchange(recorder, BASIC)
    (request,) = recorder.requests
    scheme, _, encoded = request.headers["authorization"].partition(" ")
    assert scheme == "Basic"
    pair = base64.b64decode(encoded).decode("ascii")
    # RFC 6749 §2.3.1: ':' '+' and '%' are escaped, so the one raw ':' separates id from secret.
    assert pair.count(":") == 1
    assert "+" not in pair
    user, _, password = pair.partition(":")
    assert user == "client%3A1"
    assert unquote_plus(user) == BASIC.client_id
    assert unquote_plus(password) == SECRET
    assert "client_secret" not in recorder.form
    assert "client_id" not in recorder.form


async def test_client_secret_post_sends_credentials_in_the_body_only() -> None:
    recorder = _Recorder()
    await _exchange(recorder, POST)
    (request,) = recorder.requests
    assert "authorization" not in request.headers
    form = recorder.form
    assert form["client_id"] == [POST.client_id]
    assert form["client_secret"] == [SECRET]
    assert form["code_verifier"] == [VERIFIER]


async def test_public_client_sends_its_id_and_no_secret() -> None:
    recorder = _Recorder()
    await _exchange(recorder, ClientCredentials("public", None, "client_secret_basic"))
    (request,) = recorder.requests
    assert "authorization" not in request.headers
    assert recorder.form["client_id"] == ["public"]
    assert "client_secret" not in recorder.form


async def test_credentials_and_tokens_are_hidden_from_repr() -> None:
    token_set = await _exchange(_Recorder())
    assert SECRET not in repr(BASIC)
    assert "at-123" not in repr(token_set) and "rt-456" not in repr(token_set)


# The response


async def test_a_good_response_is_read() -> None:
    token_set = await _exchange(_answer(200, {**GOOD, "scope": "openid profile"}))
    assert token_set.access_token == "at-123"
    assert token_set.refresh_token == "rt-456"
    assert token_set.token_type == "Bearer"
    assert token_set.expires_in == 3600
    assert token_set.scope == "openid profile"


async def test_token_type_is_case_insensitive() -> None:
    token_set = await _exchange(_answer(200, {**GOOD, "token_type": "bearer"}))
    assert token_set.token_type == "Bearer"


async def test_optional_members_may_be_missing() -> None:
    token_set = await _exchange(_answer(200, {"access_token": "at", "token_type": "Bearer"}))
    assert token_set.refresh_token is None
    assert token_set.expires_in is None
    assert token_set.scope is None


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (3600, 3600),
        ("3600", 3600),
        (59.9, 59),
        (0, 0),
        (315_360_000, 315_360_000),  # ten years
        (-1, None),
        ("-1", None),
        ("soon", None),
        (True, None),
        (None, None),
    ],
)
async def test_expires_in_is_read_as_seconds(value: object, expected: int | None) -> None:
    token_set = await _exchange(_answer(200, {**GOOD, "expires_in": value}))
    assert token_set.expires_in == expected


@pytest.mark.parametrize(
    "raw",
    ["Infinity", "-Infinity", "NaN", "1e300", str(10**30), '"' + "9" * 5000 + '"', '"²"'],
)
async def test_unusable_expires_in_is_ignored_not_a_crash(raw: str) -> None:
    body = b'{"access_token": "at", "token_type": "Bearer", "expires_in": ' + raw.encode() + b"}"
    token_set = await _exchange(_answer(200, body))
    assert token_set.access_token == "at"
    assert token_set.expires_in is None


@pytest.mark.parametrize(
    "body",
    [
        pytest.param({"token_type": "Bearer"}, id="no-access-token"),
        pytest.param({"access_token": "", "token_type": "Bearer"}, id="empty-access-token"),
        pytest.param({"access_token": 42, "token_type": "Bearer"}, id="access-token-not-a-string"),
        pytest.param({"access_token": "at"}, id="no-token-type"),
        pytest.param({"access_token": "at", "token_type": "mac"}, id="mac-token"),
        pytest.param({"access_token": "at", "token_type": "DPoP"}, id="dpop-token"),
        pytest.param(["at"], id="not-an-object"),
        pytest.param({"access_token": "at\ud800", "token_type": "Bearer"}, id="lone-surrogate-in-token"),
        pytest.param(
            {"access_token": "at", "refresh_token": "r\x00t", "token_type": "Bearer"}, id="nul-in-refresh"
        ),
    ],
)
async def test_a_response_outside_the_protocol_is_refused(body: Any) -> None:
    with pytest.raises(ProviderUnavailable):
        await _exchange(_answer(200, body))


async def test_a_200_html_page_is_refused() -> None:
    with pytest.raises(ProviderUnavailable):
        await _exchange(_answer(200, b"<html>welcome</html>", "text/html"))


async def test_a_5xx_html_page_is_a_provider_failure_and_its_text_is_not_repeated() -> None:
    page = b"<html><body>Internal error for access_token=leaked</body></html>"
    with pytest.raises(ProviderUnavailable) as caught:
        await _exchange(_answer(502, page, "text/html"))
    assert "502" in caught.value.message
    assert "leaked" not in caught.value.message and "<html>" not in caught.value.message


@pytest.mark.parametrize("status", [400, 401])
async def test_invalid_grant_is_a_refused_link(status: int) -> None:
    body = {"error": "invalid_grant", "error_description": "code already used"}
    with pytest.raises(TokenRequestRejected) as caught:
        await _exchange(_answer(status, body))
    assert caught.value.code == "invalid_grant"
    assert "already used" not in caught.value.message


async def test_invalid_client_is_a_provider_failure_not_a_refused_link() -> None:
    with pytest.raises(ProviderUnavailable) as caught:
        await _exchange(_answer(401, {"error": "invalid_client"}))
    assert not isinstance(caught.value, TokenRequestRejected)
    assert "invalid_client" in caught.value.message


async def test_a_grant_error_on_a_5xx_is_a_provider_failure() -> None:
    with pytest.raises(ProviderUnavailable):
        await _exchange(_answer(500, {"error": "invalid_grant"}))


async def test_an_error_code_with_markup_is_not_repeated() -> None:
    with pytest.raises(ProviderUnavailable) as caught:
        await _exchange(_answer(400, {"error": "<script>alert(1)</script>"}))
    assert "script" not in caught.value.message
    assert "no OAuth error" in caught.value.message


async def test_an_unprintable_error_code_is_not_repeated() -> None:
    with pytest.raises(ProviderUnavailable) as caught:
        await _exchange(_answer(400, {"error": 'x"\\' + "y" * 100}))
    assert "yyyy" not in caught.value.message


@pytest.mark.parametrize(
    "exception",
    [httpx.ConnectTimeout, httpx.ReadTimeout, httpx.WriteTimeout, httpx.PoolTimeout],
)
async def test_timeouts_become_provider_timeout(exception: type[httpx.TimeoutException]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exception("too slow", request=request)

    with pytest.raises(ProviderTimeout) as caught:
        await _exchange(handler)
    assert isinstance(caught.value.__cause__, exception)


@pytest.mark.parametrize("exception", [httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError])
async def test_transport_errors_become_provider_unavailable(exception: type[httpx.TransportError]) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise exception("connection refused", request=request)

    with pytest.raises(ProviderUnavailable) as caught:
        await _exchange(handler)
    assert not isinstance(caught.value, ProviderTimeout)
    assert isinstance(caught.value.__cause__, exception)


async def test_an_oversize_response_is_refused() -> None:
    body = json.dumps({**GOOD, "padding": "x" * 1_100_000}).encode()
    with pytest.raises(ProviderUnavailable, match="too large"):
        await _exchange(_answer(200, body))


async def test_an_endless_response_is_cut_off_early() -> None:
    chunks_sent = 0

    async def endless() -> AsyncIterator[bytes]:
        nonlocal chunks_sent
        while chunks_sent < 10_000:  # 640 MiB: a bound only so that a regression cannot hang
            chunks_sent += 1
            yield b"x" * 65_536

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=endless())

    with pytest.raises(ProviderUnavailable, match="too large"):
        await _exchange(handler)
    assert chunks_sent <= 20


async def test_a_refresh_sends_the_refresh_token_grant_without_scope_and_with_client_authentication():
    recorder = _Recorder()
    async with OutboundClient(httpx.MockTransport(recorder), timeout_seconds=5) as http_client:
        token_set = await refresh(http_client, token_url=TOKEN_URL, client=POST, refresh_token="rt:+/ 1")

    assert recorder.form == {
        "grant_type": ["refresh_token"],
        "refresh_token": ["rt:+/ 1"],
        "client_id": ["client:1"],
        "client_secret": [SECRET],
    }
    assert token_set.access_token == "at-123"
    assert token_set.refresh_token == "rt-456"


async def test_invalid_grant_on_a_refresh_is_a_rejected_grant():
    async with OutboundClient(
        httpx.MockTransport(_answer(400, {"error": "invalid_grant"})), timeout_seconds=5
    ) as http:
        with pytest.raises(TokenRequestRejected) as caught:
            await refresh(http, token_url=TOKEN_URL, client=BASIC, refresh_token="rt")

    assert caught.value.code == "invalid_grant"


# How the one parser reads a provider's quirks (linkvault.engine.catalog.TokenResponseQuirks); each is
# also linked end to end against a fake provider in tests/integration/test_provider_quirks.py.


def _parse(
    body: Any,
    *,
    status: int = 200,
    content_type: str = "application/json",
    quirks: TokenResponseQuirks = DEFAULT_QUIRKS,
    requested_scope: str | None = None,
) -> TokenSet:
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = ProviderResponse(status_code=status, content_type=content_type, body=content)
    return parse_token_response(response, quirks=quirks, requested_scope=requested_scope)


def test_a_documented_lifetime_applies_only_when_expires_in_is_absent() -> None:
    quirks = TokenResponseQuirks(access_token_lifetime_seconds=7200)
    assert _parse({"access_token": "at", "token_type": "Bearer"}, quirks=quirks).expires_in == 7200
    assert (
        _parse({"access_token": "at", "token_type": "Bearer", "expires_in": 60}, quirks=quirks).expires_in
        == 60
    )
    assert _parse({"access_token": "at", "token_type": "Bearer"}).expires_in is None


def test_a_zero_expires_in_means_no_expiry_only_where_the_catalog_says_so() -> None:
    body = {"access_token": "at", "token_type": "Bearer", "expires_in": 0}
    assert _parse(body, quirks=TokenResponseQuirks(zero_expires_in_means_no_expiry=True)).expires_in is None
    assert _parse(body).expires_in == 0


def test_the_requested_scope_is_granted_only_when_the_answer_has_none() -> None:
    base = {"access_token": "at", "token_type": "Bearer"}
    assert _parse(base, requested_scope="a b").scope == "a b"
    assert _parse({**base, "scope": "a"}, requested_scope="a b").scope == "a"
    assert _parse({**base, "scope": ["a", "c"]}, requested_scope="a b").scope == "a c"


def test_commas_separate_scopes_only_where_the_catalog_says_so() -> None:
    body = {"access_token": "at", "token_type": "Bearer", "scope": "repo, gist,,user"}
    assert _parse(body, quirks=TokenResponseQuirks(scope_separator=",")).scope == "repo gist user"
    # RFC 6749 §3.3 allows a comma inside a scope token: without the quirk it stays one token.
    assert _parse({**body, "scope": "a,b c"}).scope == "a,b c"


def test_a_scope_too_long_to_keep_is_refused() -> None:
    with pytest.raises(ProviderUnavailable):
        _parse({"access_token": "at", "token_type": "Bearer", "scope": "s" * 5000})


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        pytest.param(b"access_token=a&access_token=b&token_type=bearer", "application/x-www-form-urlencoded", id="repeated"),
        pytest.param(b"access_token=a&token_type=bearer", "text/html", id="not-form-content-type"),
        pytest.param(b"\xff\xfe", "application/x-www-form-urlencoded", id="not-utf8"),
        pytest.param(b"no-equals-sign", "application/x-www-form-urlencoded", id="not-a-form"),
    ],
)  # fmt: skip
def test_a_form_encoded_answer_must_be_a_clean_form(body: bytes, content_type: str) -> None:
    with pytest.raises(ProviderUnavailable):
        _parse(body, content_type=content_type, quirks=TokenResponseQuirks(form_encoded=True))


def test_a_provider_error_code_is_mapped_and_an_unmapped_one_is_a_provider_failure() -> None:
    quirks = TokenResponseQuirks(error_codes={"invalid_code": "invalid_grant"})
    with pytest.raises(TokenRequestRejected) as rejected:
        _parse({"ok": False, "error": "invalid_code"}, quirks=quirks)
    assert rejected.value.code == "invalid_grant"
    with pytest.raises(ProviderUnavailable) as failed:
        _parse({"ok": False, "error": "ratelimited"}, quirks=quirks)
    assert "ratelimited" in failed.value.message
    with pytest.raises(ProviderUnavailable):
        _parse({"ok": False, "error": "invalid_code"})  # unmapped without the catalog's word


def test_the_token_is_read_from_the_first_place_that_holds_one() -> None:
    quirks = TokenResponseQuirks(token_paths=("", "authed_user"), bearer_token_types=("bot", "user"))
    both = {
        "access_token": "bot-token", "token_type": "bot",
        "authed_user": {"access_token": "user-token", "token_type": "user", "scope": "a,b"},
    }  # fmt: skip
    user_only = {"authed_user": both["authed_user"], "access_token": ""}
    assert _parse(both, quirks=quirks).access_token == "bot-token"
    assert _parse(user_only, quirks=quirks).access_token == "user-token"
    with pytest.raises(ProviderUnavailable):
        _parse(user_only)
