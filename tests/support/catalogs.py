"""A catalog entry for the test provider (tests/oidc_provider), added to the catalog linkvault reads in
this process, so that a configuration naming it is discovered at loopback like a real entry with an
issuer would be at the provider."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from linkvault.engine import catalog
from support.oidc import OidcProvider

__all__ = ["TEST_ENTRY", "add_test_entry"]

TEST_ENTRY = "test-oidc"


def add_test_entry(monkeypatch: pytest.MonkeyPatch, provider: OidcProvider) -> dict[str, str]:
    """Add the entry ``test-oidc`` for ``provider`` to the catalog of this process (undone when the
    test ends) and answer the ``provider_params`` that name it.

    Its issuer is templated like a real tenant's (``http://127.0.0.1:{port}``, the port a param) and its
    own URLs lead nowhere (``.invalid``, RFC 2606), so a configuration reaches the provider only through
    discovery. A real entry must be https; this one is built without validation, for a provider that is
    http on loopback."""
    port = str(urlsplit(provider.issuer).port)
    assert provider.issuer == f"http://127.0.0.1:{port}", provider.issuer
    entry = catalog.Provider.model_construct(
        name=TEST_ENTRY,
        display_name="Test provider",
        authorize_url="https://idp.invalid/authorize",
        token_url="https://idp.invalid/token",
        issuer="http://127.0.0.1:{port}",
        params={
            "port": catalog.Param(kind="label", pattern="[0-9]{1,5}", description="port", example="8080")
        },
        scopes=("openid", "offline_access", "profile"),
        authorize_params={"prompt": "consent"},
        token_endpoint_auth_method="client_secret_post",
    )
    shipped = catalog.catalog()
    extended = catalog.Catalog.model_construct(providers=(*shipped.providers, entry))
    monkeypatch.setattr(catalog, "catalog", lambda: extended)
    return {"port": port}
