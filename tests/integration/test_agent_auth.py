"""LangSmith's agent-auth API and ACI.dev's non-OAuth2 accounts over raw HTTP, sent the way those
services' own Python clients send them (``langchain-auth``'s ``Client`` and ``aci-sdk``'s ``ACI``: a
lowercase ``x-api-key`` header, JSON bodies, query parameters, bare arrays), including a wait
answered by one replica for a link finished on another, and the limits of waiting."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from support.flows import FRONTEND_CALLBACK, query_of
from support.oidc import OidcProvider
from support.projects import Project
from support.server import RunningServer, ServerFactory

# The members langchain-auth's Client reads from a provider (Client._map_provider_response).
PROVIDER_MEMBERS = {
    "id", "organization_id", "provider_id", "name", "client_id", "auth_url", "token_url", "uses_pkce",
    "code_challenge_method", "provider_type", "created_at", "updated_at",
}  # fmt: skip
_counter = iter(range(1_000))


def langsmith(server: RunningServer, project: Project) -> httpx.Client:
    """An HTTP client set up as langchain-auth's: ``x-api-key``, redirects followed."""
    return httpx.Client(
        base_url=server.base_url + "/v2/auth",
        headers={"x-api-key": project.api_key},
        follow_redirects=True,
        timeout=90,
    )


def aci(server: RunningServer, project: Project) -> httpx.Client:
    """An HTTP client set up as aci-sdk's: base URL ``.../v1/``, ``x-api-key``."""
    return httpx.Client(base_url=server.base_url + "/v1/", headers={"x-api-key": project.api_key}, timeout=30)


def create_provider(
    client: httpx.Client, oidc_provider: OidcProvider, project: Project, api: httpx.Client
) -> dict[str, Any]:
    """A provider whose redirect URI is the application frontend, which posts the code and state to
    LangSmith's bridged callback."""
    registered = oidc_provider.register_client(redirect_uris=[FRONTEND_CALLBACK])
    payload = {
        "provider_id": f"raw{next(_counter)}",
        "name": "Raw provider",
        "client_id": registered.client_id,
        "client_secret": registered.client_secret,
        "auth_url": oidc_provider.authorization_endpoint,
        "token_url": oidc_provider.token_endpoint,
        "uses_pkce": True,
        "code_challenge_method": "S256",
    }
    created = client.post("/providers", json=payload, headers={"Content-Type": "application/json"})
    assert created.status_code == 200, created.text
    provider: dict[str, Any] = created.json()
    assert set(provider) == PROVIDER_MEMBERS
    assert registered.client_secret not in created.text
    patched = api.patch(
        f"/v1/app-configurations/{payload['provider_id']}",
        json={"redirect_uri": FRONTEND_CALLBACK},
        headers=project.headers,
    )
    assert patched.status_code == 200, patched.text
    return provider


@pytest.fixture
def replicas(server_factory: ServerFactory) -> list[RunningServer]:
    """Two replicas on the test database, as behind a load balancer."""
    return [server_factory.start(f"agent-replica-{number}") for number in range(2)]


def test_a_wait_on_one_replica_sees_a_link_finished_on_another(
    api: httpx.Client, oidc_provider: OidcProvider, project: Project, replicas: list[RunningServer]
) -> None:
    first, second = (langsmith(replica, project) for replica in replicas)
    with first, second:
        provider = create_provider(first, oidc_provider, project, api)
        listed = second.get("/providers")
        assert listed.status_code == 200
        assert [p["provider_id"] for p in listed.json()] == [provider["provider_id"]]
        ask = {"user_id": "raw-user", "provider": provider["provider_id"], "scopes": ["openid", "profile"]}
        started = first.post("/authenticate", json=ask)
        assert started.status_code == 200, started.text
        assert started.json()["status"] == "pending" and set(started.json()) == {"status", "url", "auth_id"}
        auth_id, url = started.json()["auth_id"], started.json()["url"]

        with ThreadPoolExecutor(max_workers=1) as pool:
            waiting = pool.submit(second.get, f"/wait/{auth_id}?timeout=60")
            redirect = query_of(oidc_provider.authorize(url))
            # The frontend posts the code and state to the first replica's bridged callback.
            finished = first.post(
                f"/callback/{provider['provider_id']}",
                json={"code": redirect["code"], "state": redirect["state"]},
            )
            assert finished.status_code == 200, finished.text
            waited = waiting.result(timeout=60)

        assert waited.status_code == 200, waited.text
        assert waited.headers["cache-control"] == "no-store"
        assert waited.json()["status"] == "completed"
        token = waited.json()["token"]
        account = api.get(f"/v1/linked-accounts/{finished.json()['id']}/credentials", headers=project.headers)
        assert account.json()["access_token"] == token
        again = second.post("/authenticate", json=ask)
        assert again.json() == {"status": "completed", "token": token}
        assert second.get(f"/tokens/exists?provider_id={provider['provider_id']}").json() == {
            "has_token": True
        }
        revoked = first.delete(f"/tokens?provider_id={provider['provider_id']}")
        assert revoked.status_code == 200
        assert revoked.json()["provider_id"] == provider["provider_id"] and revoked.json()["message"]
        assert second.get(f"/tokens/exists?provider_id={provider['provider_id']}").json() == {
            "has_token": False
        }
        deleted = second.delete(f"/providers/{provider['provider_id']}")
        assert deleted.status_code == 200 and set(deleted.json()) == {"message"}


def test_waiting_is_capped_and_bounded(
    api: httpx.Client, oidc_provider: OidcProvider, project: Project, server_factory: ServerFactory
) -> None:
    """A wait ends at LINKVAULT_AUTH_WAIT_MAX_SECONDS whatever it asked for, and beyond
    LINKVAULT_AUTH_MAX_WAITERS waits in progress another is refused at once with 503."""
    server = server_factory.start(
        "waiters", extra_env={"LINKVAULT_AUTH_MAX_WAITERS": "1", "LINKVAULT_AUTH_WAIT_MAX_SECONDS": "2"}
    )
    with langsmith(server, project) as client:
        provider = create_provider(client, oidc_provider, project, api)
        ask = {"user_id": "u", "provider": provider["provider_id"], "scopes": ["openid"]}
        auth_id = client.post("/authenticate", json=ask).json()["auth_id"]
        answers: list[httpx.Response] = []
        began = time.monotonic()

        def wait() -> None:
            # One of the probes below may hold the one slot for a moment: then this wait is refused
            # too, and asks again.
            while (answer := client.get(f"/wait/{auth_id}?timeout=600")).status_code == 503:
                pass
            answers.append(answer)

        waiter = threading.Thread(target=wait)
        waiter.start()
        refused = None
        while refused is None and waiter.is_alive():
            extra = client.get(f"/wait/{auth_id}?timeout=0")
            if extra.status_code == 503:
                refused = extra
        waiter.join(timeout=30)

        assert refused is not None, "the second wait was never refused"
        assert refused.headers["content-type"] == "application/problem+json"
        assert refused.json()["code"] == "too_many_waiters"
        assert refused.headers["retry-after"]
        assert answers[0].json() == {"status": "timeout"}
        assert 2 <= time.monotonic() - began < 15
        # The slot is free again.
        assert client.get(f"/wait/{auth_id}?timeout=0").json() == {"status": "timeout"}


def test_aci_client_requests_for_non_oauth_accounts(
    api: httpx.Client, linkvault_server: RunningServer, project: Project
) -> None:
    created = api.post(
        "/v1/app-configurations",
        json={"app_name": "raw-key-app", "security_scheme": "api_key"},
        headers=project.headers,
    )
    assert created.status_code == 201, created.text
    assert created.json()["security_scheme"] == "api_key"
    with aci(linkvault_server, project) as client:
        linked = client.post(
            "linked-accounts/api-key",
            json={
                "app_name": "raw-key-app",
                "linked_account_owner_id": "johndoe",
                "api_key": "sk-raw-secret",
            },
        )
        no_auth_app = api.post(
            "/v1/app-configurations",
            json={"app_name": "raw-open-app", "security_scheme": "no_auth"},
            headers=project.headers,
        )
        assert no_auth_app.status_code == 201
        open_account = client.post(
            "linked-accounts/no-auth", json={"app_name": "raw-open-app", "linked_account_owner_id": "johndoe"}
        )
        listed = client.get("linked-accounts", params={"linked_account_owner_id": "johndoe"})
        disabled = client.patch(f"linked-accounts/{linked.json()['id']}", json={"enabled": False})
        mismatch = client.post(
            "linked-accounts/api-key",
            json={"app_name": "raw-open-app", "linked_account_owner_id": "x", "api_key": "k"},
        )
        missing_key = client.post(
            "linked-accounts/api-key", json={"app_name": "raw-key-app", "linked_account_owner_id": "x"}
        )
        enabled = client.patch(f"linked-accounts/{linked.json()['id']}", json={"enabled": True})
        secret = client.get(f"linked-accounts/{linked.json()['id']}/credentials")
        deleted = client.delete(f"linked-accounts/{linked.json()['id']}")

    assert linked.status_code == 200, linked.text
    assert set(linked.json()) >= {
        "id",
        "project_id",
        "app_name",
        "linked_account_owner_id",
        "security_scheme",
        "enabled",
        "created_at",
        "updated_at",
    }
    assert (linked.json()["security_scheme"], linked.json()["enabled"]) == ("api_key", True)
    assert open_account.status_code == 200 and open_account.json()["security_scheme"] == "no_auth"
    assert listed.status_code == 200 and isinstance(listed.json(), list)
    assert {account["app_name"] for account in listed.json()} == {"raw-key-app", "raw-open-app"}
    assert "sk-raw-secret" not in listed.text
    assert disabled.json()["enabled"] is False and enabled.json()["enabled"] is True
    for refused in (mismatch, missing_key):
        assert refused.status_code == 422
        assert isinstance(refused.json()["detail"], list) and refused.json()["detail"][0]["loc"][0] == "body"
    assert secret.json() == {"security_scheme": "api_key", "api_key": "sk-raw-secret"}
    assert deleted.json() == {"id": linked.json()["id"], "revocation": "unsupported"}


def test_authenticate_refreshes_a_due_token_first(
    api: httpx.Client, linkvault_server: RunningServer, oidc_provider: OidcProvider, project: Project
) -> None:
    with langsmith(linkvault_server, project) as client:
        provider = create_provider(client, oidc_provider, project, api)
        # The same object's linkvault settings: consent every time, so the provider issues a refresh token.
        patched = api.patch(
            f"/v1/app-configurations/{provider['provider_id']}",
            json={"authorize_params": {"prompt": "consent"}},
            headers=project.headers,
        )
        assert patched.status_code == 200, patched.text
        oidc_provider.set_knobs(
            provider["client_id"], response_patch={"expires_in": 0}, only_grant_type="authorization_code"
        )
        ask = {
            "user_id": "due-user",
            "provider": provider["provider_id"],
            "scopes": ["openid", "offline_access"],
        }
        started = client.post("/authenticate", json=ask).json()
        redirect = query_of(oidc_provider.authorize(started["url"]))
        finished = client.post(
            f"/callback/{provider['provider_id']}",
            json={"code": redirect["code"], "state": redirect["state"]},
        )
        assert finished.status_code == 200, finished.text
        exchanged = oidc_provider.last_token_response(provider["client_id"])["access_token"]
        oidc_provider.reset_knobs(provider["client_id"])

        again = client.post("/authenticate", json=ask).json()
        waited = client.get(f"/wait/{started['auth_id']}?timeout=0").json()

    assert again["status"] == "completed"
    assert again["token"] != exchanged
    assert again["token"] == oidc_provider.last_token_response(provider["client_id"])["access_token"]
    assert waited == again
    assert oidc_provider.token_requests(provider["client_id"], "refresh_token") == 1


def test_an_invalid_user_id_is_named_as_the_caller_sent_it(
    api: httpx.Client, linkvault_server: RunningServer, oidc_provider: OidcProvider, project: Project
) -> None:
    """LangSmith's client sends ``user_id``; the engine calls it the owner id. The 422 names the
    field of the request, not one the client never sent."""
    with langsmith(linkvault_server, project) as client:
        provider = create_provider(client, oidc_provider, project, api)
        refused = client.post(
            "/authenticate",
            json={"user_id": "u" * 1000, "provider": provider["provider_id"], "scopes": ["openid"]},
        )

    assert refused.status_code == 422, refused.text
    (problem,) = refused.json()["detail"]
    assert problem["loc"] == ["body", "user_id"]
    assert problem["msg"].startswith("user_id must have 1 to ")


def test_new_endpoints_of_a_provider_with_an_issuer_are_refused_in_langsmiths_words(
    api: httpx.Client, linkvault_server: RunningServer, oidc_provider: OidcProvider, project: Project
) -> None:
    """A provider given an issuer through linkvault's own API keeps its issuer's checks: LangSmith's
    update cannot drop them (its body has no issuer), so the refusal names the field it sent and the
    operation that can."""
    with langsmith(linkvault_server, project) as client:
        provider = create_provider(client, oidc_provider, project, api)
        with_issuer = api.patch(
            f"/v1/app-configurations/{provider['provider_id']}",
            json={"issuer": oidc_provider.issuer},
            headers=project.headers,
        )
        assert with_issuer.status_code == 200, with_issuer.text
        refused = client.patch(
            f"/providers/{provider['provider_id']}", json={"auth_url": "https://elsewhere.example/authorize"}
        )

    assert refused.status_code == 422, refused.text
    (problem,) = refused.json()["detail"]
    assert problem["loc"] == ["body", "auth_url"]
    assert '"issuer": null' in problem["msg"]
    after = api.get(f"/v1/app-configurations/{provider['provider_id']}", headers=project.headers).json()
    assert after["issuer"] == oidc_provider.issuer
