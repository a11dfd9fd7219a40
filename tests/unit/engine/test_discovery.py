"""Authorization server metadata: RFC 8414 first, then OpenID Connect Discovery."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from linkvault.engine.discovery import ProviderMetadata, discover, metadata_urls
from linkvault.engine.http import OutboundClient
from linkvault.errors import InvalidInput, ProviderTimeout, ProviderUnavailable

ISSUER = "https://as.example/tenant"


@pytest.mark.parametrize(
    ("issuer", "expected"),
    [
        (
            "https://as.example",
            [
                "https://as.example/.well-known/oauth-authorization-server",
                "https://as.example/.well-known/openid-configuration",
            ],
        ),
        (
            "https://as.example/",
            [
                "https://as.example/.well-known/oauth-authorization-server",
                "https://as.example/.well-known/openid-configuration",
            ],
        ),
        (
            "https://as.example/tenant/a",
            [
                "https://as.example/.well-known/oauth-authorization-server/tenant/a",
                "https://as.example/tenant/a/.well-known/openid-configuration",
            ],
        ),
        (
            "https://as.example/tenant/",
            [
                "https://as.example/.well-known/oauth-authorization-server/tenant",
                "https://as.example/tenant/.well-known/openid-configuration",
            ],
        ),
        (
            "http://127.0.0.1:8080/t",
            [
                "http://127.0.0.1:8080/.well-known/oauth-authorization-server/t",
                "http://127.0.0.1:8080/t/.well-known/openid-configuration",
            ],
        ),
    ],
)
def test_well_known_urls_follow_rfc_8414_then_openid_connect(issuer: str, expected: list[str]) -> None:
    assert metadata_urls(issuer) == expected


def _metadata(issuer: str = ISSUER, **overrides: Any) -> dict[str, Any]:
    base = "https://as.example/tenant"
    document = {
        "issuer": issuer,
        "authorization_endpoint": f"{base}/authorize",
        "token_endpoint": f"{base}/token",
        "revocation_endpoint": f"{base}/revoke",
    }
    document.update(overrides)
    return {key: value for key, value in document.items() if value is not None}


class _Provider:
    """Answers the given URLs with the given (status, JSON) pairs and 404 otherwise; records requests."""

    def __init__(self, answers: dict[str, tuple[int, Any]]) -> None:
        self.answers = answers
        self.requested: list[str] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        url = str(request.url)
        self.requested.append(url)
        status, body = self.answers.get(url, (404, {"error": "not found"}))
        if isinstance(body, bytes):
            return httpx.Response(status, content=body)
        return httpx.Response(status, json=body)


async def _discover(provider: Any, issuer: str = ISSUER) -> ProviderMetadata:
    async with OutboundClient(httpx.MockTransport(provider), timeout_seconds=5) as client:
        return await discover(client, issuer)


RFC8414_URL, OIDC_URL = metadata_urls(ISSUER)


@pytest.mark.anyio
async def test_rfc_8414_metadata_is_used_when_present() -> None:
    provider = _Provider({RFC8414_URL: (200, _metadata())})
    metadata = await _discover(provider)
    assert provider.requested == [RFC8414_URL]
    assert metadata == ProviderMetadata(
        issuer=ISSUER,
        authorization_endpoint="https://as.example/tenant/authorize",
        token_endpoint="https://as.example/tenant/token",
        revocation_endpoint="https://as.example/tenant/revoke",
        jwks_uri=None,
        authorization_response_iss_parameter_supported=False,
    )


@pytest.mark.anyio
async def test_the_jwks_uri_is_read_for_id_token_validation() -> None:
    provider = _Provider({RFC8414_URL: (200, _metadata(jwks_uri="https://as.example/tenant/jwks"))})

    assert (await _discover(provider)).jwks_uri == "https://as.example/tenant/jwks"


@pytest.mark.anyio
async def test_openid_configuration_is_the_fallback_on_404() -> None:
    provider = _Provider({OIDC_URL: (200, _metadata(token_endpoint="https://as.example/oidc/token"))})
    metadata = await _discover(provider)
    assert provider.requested == [RFC8414_URL, OIDC_URL]
    assert metadata.token_endpoint == "https://as.example/oidc/token"


@pytest.mark.anyio
async def test_no_metadata_at_either_url_is_the_callers_error() -> None:
    provider = _Provider({})
    with pytest.raises(InvalidInput) as caught:
        await _discover(provider)
    assert caught.value.field == ("issuer",)
    assert provider.requested == [RFC8414_URL, OIDC_URL]


@pytest.mark.anyio
async def test_a_5xx_is_a_provider_failure() -> None:
    provider = _Provider({RFC8414_URL: (503, b"<html>down</html>")})
    with pytest.raises(ProviderUnavailable):
        await _discover(provider)


@pytest.mark.anyio
async def test_a_timeout_is_a_provider_timeout() -> None:
    def provider(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("slow", request=request)

    with pytest.raises(ProviderTimeout):
        await _discover(provider)


@pytest.mark.anyio
@pytest.mark.parametrize(
    "named",
    [
        pytest.param("https://as.example/tenant/", id="trailing-slash"),
        pytest.param("https://as.example/Tenant", id="case"),
        pytest.param("https://as.example", id="parent"),
        pytest.param("https://evil.example/tenant", id="other-host"),
        pytest.param(None, id="missing"),
    ],
)
async def test_metadata_naming_another_issuer_is_refused(named: str | None) -> None:
    provider = _Provider({RFC8414_URL: (200, _metadata(issuer=named))})
    with pytest.raises(InvalidInput, match="another issuer"):
        await _discover(provider)


@pytest.mark.anyio
async def test_issuer_with_trailing_slash_matches_only_itself() -> None:
    issuer = "https://as.example/tenant/"
    provider = _Provider({metadata_urls(issuer)[0]: (200, _metadata(issuer=issuer))})
    assert (await _discover(provider, issuer)).issuer == issuer


@pytest.mark.anyio
@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param({"authorization_endpoint": "http://as.example/authorize"}, id="http-authorize"),
        pytest.param({"token_endpoint": "http://as.example/token"}, id="http-token"),
        pytest.param({"revocation_endpoint": "http://as.example/revoke"}, id="http-revoke"),
        pytest.param({"token_endpoint": "https://user:pw@as.example/token"}, id="userinfo"),
        pytest.param({"authorization_endpoint": "https://as.example/authorize#x"}, id="fragment"),
        pytest.param({"token_endpoint": None}, id="no-token-endpoint"),
        pytest.param({"authorization_endpoint": ["https://as.example/a"]}, id="endpoint-not-a-string"),
    ],
)
async def test_unusable_endpoints_in_metadata_are_refused(overrides: dict[str, Any]) -> None:
    provider = _Provider({RFC8414_URL: (200, _metadata(**overrides))})
    with pytest.raises(InvalidInput):
        await _discover(provider)


@pytest.mark.anyio
async def test_a_metadata_document_that_is_not_an_object_is_refused() -> None:
    provider = _Provider({RFC8414_URL: (200, b"<html>hello</html>")})
    with pytest.raises(InvalidInput):
        await _discover(provider)


@pytest.mark.anyio
async def test_loopback_http_issuer_and_endpoints_are_allowed() -> None:
    issuer = "http://127.0.0.1:9000"
    document = {
        "issuer": issuer,
        "authorization_endpoint": f"{issuer}/auth",
        "token_endpoint": f"{issuer}/token",
    }
    provider = _Provider({metadata_urls(issuer)[0]: (200, document)})
    metadata = await _discover(provider, issuer)
    assert metadata.token_endpoint == "http://127.0.0.1:9000/token"
    assert metadata.revocation_endpoint is None


@pytest.mark.anyio
@pytest.mark.parametrize(
    "issuer",
    [
        pytest.param("http://as.example", id="http-not-loopback"),
        pytest.param("https://as.example/tenant?x=1", id="query"),
        pytest.param("https://as.example/tenant#x", id="fragment"),
        pytest.param("https://user@as.example", id="userinfo"),
    ],
)
async def test_an_unusable_issuer_is_refused_without_a_request(issuer: str) -> None:
    provider = _Provider({})
    with pytest.raises(InvalidInput):
        await _discover(provider, issuer)
    assert provider.requested == []


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("advertised", "expected"),
    [(True, True), (False, False), (None, False), ("true", False), (1, False)],
)
async def test_iss_parameter_support_is_read_from_metadata(advertised: object, expected: bool) -> None:
    document = _metadata(authorization_response_iss_parameter_supported=advertised)
    provider = _Provider({RFC8414_URL: (200, document)})
    metadata = await _discover(provider)
    assert metadata.authorization_response_iss_parameter_supported is expected
