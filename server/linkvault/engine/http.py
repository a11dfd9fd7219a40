"""The one seam to outbound HTTP: httpx's exceptions become ``ProviderError``s here."""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass
from typing import Any

import httpx

from linkvault.errors import ProviderTimeout, ProviderUnavailable

__all__ = ["ProviderResponse", "get", "new_client", "post_form"]

# A provider's answer larger than this is not a token response or metadata document.
_MAX_RESPONSE_BYTES = 1_048_576


def new_client(*, timeout_seconds: float) -> httpx.AsyncClient:
    """The outbound client for every provider call (discovery, token, revocation)."""
    # trust_env keeps SSL_CERT_FILE and the proxy variables working; redirects are never followed,
    # since a provider endpoint that redirects is misconfigured or hostile.
    return httpx.AsyncClient(timeout=timeout_seconds, follow_redirects=False, trust_env=True)


@dataclass(frozen=True)
class ProviderResponse:
    status_code: int
    content_type: str
    body: bytes

    def json(self) -> Any:
        """The body as JSON, or None when it is not JSON."""
        try:
            return json.loads(self.body)
        except ValueError:
            return None


async def get(client: httpx.AsyncClient, url: str) -> ProviderResponse:
    return await _send(client, client.build_request("GET", url, headers={"Accept": "application/json"}))


async def post_form(
    client: httpx.AsyncClient, url: str, *, body: str, headers: dict[str, str]
) -> ProviderResponse:
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
        **headers,
    }
    return await _send(client, client.build_request("POST", url, content=body.encode(), headers=headers))


async def _send(client: httpx.AsyncClient, request: httpx.Request) -> ProviderResponse:
    # The URL is the provider's endpoint, which we built; it holds no secret, so it may be named.
    where = f"{request.method} {request.url.copy_with(query=None)}"
    try:
        response = await client.send(request, stream=True)
        try:
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > _MAX_RESPONSE_BYTES:
                    raise ProviderUnavailable(f"{where}: the response is too large")
        finally:
            await response.aclose()
    except httpx.TimeoutException as exc:
        raise ProviderTimeout(f"{where}: no answer in time") from exc
    except httpx.HTTPError as exc:
        raise ProviderUnavailable(f"{where}: {_reason(exc)}") from exc
    return ProviderResponse(
        status_code=response.status_code,
        content_type=response.headers.get("content-type", ""),
        body=bytes(body),
    )


def _reason(exc: httpx.HTTPError) -> str:
    """What went wrong, for the operator: a refused certificate says so (it is fixed by trusting a CA,
    e.g. with SSL_CERT_FILE), anything else is named by its httpx class."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"the TLS certificate could not be verified ({cause.verify_message})"
        cause = cause.__cause__ or cause.__context__
    return type(exc).__name__
