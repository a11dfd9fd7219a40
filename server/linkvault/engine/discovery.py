"""Authorization server metadata: RFC 8414, falling back to OpenID Connect Discovery 1.0 §4."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from linkvault.engine import http
from linkvault.engine.urls import check_endpoint_url
from linkvault.errors import InvalidInput, ProviderUnavailable

__all__ = ["ProviderMetadata", "discover", "metadata_urls"]


@dataclass(frozen=True)
class ProviderMetadata:
    issuer: str
    authorization_endpoint: str
    token_endpoint: str
    revocation_endpoint: str | None
    jwks_uri: str | None
    authorization_response_iss_parameter_supported: bool


def metadata_urls(issuer: str) -> list[str]:
    """RFC 8414 §3.1 puts the well-known segment before the issuer's path; OpenID Connect after it."""
    parts = urlsplit(issuer)
    path = parts.path.rstrip("/")
    return [
        urlunsplit((parts.scheme, parts.netloc, "/.well-known/oauth-authorization-server" + path, "", "")),
        urlunsplit((parts.scheme, parts.netloc, path + "/.well-known/openid-configuration", "", "")),
    ]


async def discover(client: http.OutboundClient, issuer: str) -> ProviderMetadata:
    field = ("issuer",)
    check_endpoint_url(issuer, what="issuer", field=field)
    if urlsplit(issuer).query:
        raise InvalidInput("issuer must not have a query", field=field)
    for url in metadata_urls(issuer):
        response = await http.get(client, url)
        if response.status_code == 200:
            return _parse(response.json(), issuer)
        if response.status_code >= 500:
            raise ProviderUnavailable(f"metadata at {url}: HTTP {response.status_code}")
    raise InvalidInput("no authorization server metadata was found for this issuer", field=field)


def _parse(document: object, issuer: str) -> ProviderMetadata:
    field = ("issuer",)
    if not isinstance(document, dict):
        raise InvalidInput("the issuer's metadata is not a JSON object", field=field)
    # RFC 8414 §3.3: the metadata must name exactly the issuer it was fetched for (mix-up defence).
    if document.get("issuer") != issuer:
        raise InvalidInput("the metadata names another issuer", field=field)

    def endpoint(name: str, *, required: bool) -> str | None:
        value = document.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, str):
            raise InvalidInput(f"the issuer's metadata has no valid {name}", field=field)
        return check_endpoint_url(value, what=name, field=field)

    authorization_endpoint = endpoint("authorization_endpoint", required=True)
    token_endpoint = endpoint("token_endpoint", required=True)
    assert authorization_endpoint is not None and token_endpoint is not None
    return ProviderMetadata(
        issuer=issuer,
        authorization_endpoint=authorization_endpoint,
        token_endpoint=token_endpoint,
        revocation_endpoint=endpoint("revocation_endpoint", required=False),
        jwks_uri=endpoint("jwks_uri", required=False),
        authorization_response_iss_parameter_supported=document.get(
            "authorization_response_iss_parameter_supported"
        )
        is True,
    )
