"""A state expires after LINKVAULT_STATE_TTL_SECONDS, and an expired state never reaches the provider."""

from __future__ import annotations

import time
from collections.abc import Iterator
from types import SimpleNamespace
from urllib.parse import urlsplit

import httpx
import pytest

from support.flows import consent, start_link
from support.oidc import OidcProvider
from support.projects import Project
from support.server import RunningServer, start_server


@pytest.fixture
def short_lived_server(migrated, encryption_key: str, tmp_path) -> Iterator[RunningServer]:
    server = start_server(
        database_url=migrated.database_url,
        encryption_keys=encryption_key,
        log_path=tmp_path / "linkvault.log",
        extra_env={"LINKVAULT_STATE_TTL_SECONDS": "2"},
    )
    yield server
    server.stop()


def test_an_expired_state_is_refused_without_a_token_request(
    short_lived_server: RunningServer, project: Project, oidc_provider: OidcProvider
):
    callback_url = f"{short_lived_server.base_url}/v1/linked-accounts/oauth2/callback"
    client = oidc_provider.register_client(redirect_uris=[callback_url])
    with httpx.Client(base_url=short_lived_server.base_url) as api:
        created = api.post(
            "/v1/app-configurations",
            json={
                "app_name": "expiring",
                "issuer": oidc_provider.issuer,
                "client_id": client.client_id,
                "client_secret": client.client_secret,
            },
            headers=project.headers,
        )
        assert created.status_code == 201, created.text

        app = SimpleNamespace(
            app_name="expiring", project=project, provider=oidc_provider, redirect_uri=callback_url
        )
        redirect = consent(app, start_link(api, app))
        time.sleep(2.5)
        parts = urlsplit(redirect)
        response = api.get(f"{parts.path}?{parts.query}")

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_state"
    assert oidc_provider.token_requests(client.client_id) == 0
