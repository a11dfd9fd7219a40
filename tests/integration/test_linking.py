"""Linking through each of the four callback faces against the real test authorization server."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from linkvault.engine import app_configurations, linking
from linkvault.engine.services import Services
from linkvault.settings import Settings
from linkvault.store import database, linked_accounts
from support.faces import callback_path
from support.flows import FRONTEND_CALLBACK, consent, query_of, start_link
from support.inprocess import in_process
from support.projects import Project


def test_aci_callback_links_the_account_without_showing_a_token(
    api: httpx.Client, project: Project, make_app
):
    app = make_app(project)
    authorization_url = start_link(api, app, owner="user-42")
    query = query_of(authorization_url)
    assert query["response_type"] == "code"
    assert query["code_challenge_method"] == "S256"
    assert query["redirect_uri"] == app.redirect_uri

    redirect = consent(app, authorization_url)
    response = api.get(callback_path(redirect))

    assert response.status_code == 200, response.text
    account = response.json()
    assert account["app_name"] == app.app_name
    assert account["linked_account_owner_id"] == "user-42"
    assert account["project_id"] == project.id
    assert account["security_scheme"] == "oauth2"
    assert account["enabled"] is True
    assert "token" not in response.text.lower()
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert app.provider.token_requests(app.client.client_id) == 1
    listed = api.get("/v1/linked-accounts", params={"app_name": app.app_name}, headers=project.headers).json()
    assert [item["id"] for item in listed] == [account["id"]]


def test_aci_callback_redirects_to_the_stored_post_link_url(api: httpx.Client, project: Project, make_app):
    app = make_app(project, allowed_redirect_urls=["https://app.example/linked"])
    authorization_url = start_link(
        api, app, after_oauth2_link_redirect_url="https://app.example/linked/done?x=1"
    )

    response = api.get(callback_path(consent(app, authorization_url)))

    assert response.status_code == 302
    assert response.headers["location"] == "https://app.example/linked/done?x=1"
    assert api.get("/v1/linked-accounts", headers=project.headers).json()


def test_a_replayed_callback_is_refused_without_a_second_token_request(
    api: httpx.Client, project: Project, make_app
):
    app = make_app(project)
    callback = callback_path(consent(app, start_link(api, app)))
    assert api.get(callback).status_code == 200

    replay = api.get(callback)

    assert replay.status_code == 400
    assert replay.headers["content-type"] == "application/problem+json"
    assert replay.json()["code"] == "invalid_state"
    assert app.provider.token_requests(app.client.client_id) == 1


def test_a_denied_consent_is_reported_and_uses_up_the_state(api: httpx.Client, project: Project, make_app):
    app = make_app(project)
    redirect = consent(app, start_link(api, app), allow=False)
    assert query_of(redirect)["error"] == "access_denied"

    denied = api.get(callback_path(redirect))
    forged = api.get(
        "/v1/linked-accounts/oauth2/callback",
        params={"state": query_of(redirect)["state"], "code": "made-up", "iss": app.provider.issuer},
    )

    assert denied.status_code == 400
    assert denied.json()["code"] == "access_denied"
    assert forged.status_code == 400
    assert forged.json()["code"] == "invalid_state"
    assert app.provider.token_requests(app.client.client_id) == 0
    assert api.get("/v1/linked-accounts", headers=project.headers).json() == []


@pytest.mark.parametrize("iss", ["http://127.0.0.1:1/other-issuer", None])
def test_an_issuer_mismatch_is_refused_before_any_token_request(
    api: httpx.Client, project: Project, make_app, iss: str | None
):
    app = make_app(project)
    query = query_of(consent(app, start_link(api, app)))
    params = {"code": query["code"], "state": query["state"]}
    if iss is not None:
        params["iss"] = iss

    response = api.get("/v1/linked-accounts/oauth2/callback", params=params)

    assert response.status_code == 400
    assert response.json()["code"] == "issuer_mismatch"
    assert app.provider.token_requests(app.client.client_id) == 0


def test_langsmith_callback_finishes_a_bridged_link(api: httpx.Client, project: Project, make_app):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    query = query_of(consent(app, start_link(api, app, owner="ls-user")))

    response = api.post(
        f"/v2/auth/callback/{app.app_name}",
        json={"code": query["code"], "state": query["state"], "iss": query["iss"]},
        headers={"Authorization": f"Bearer {project.api_key}", "X-Tenant-Id": project.id},
    )

    assert response.status_code == 200, response.text
    assert response.json()["linked_account_owner_id"] == "ls-user"
    assert response.json()["app_name"] == app.app_name


def test_langsmith_callback_refuses_another_app_without_using_up_the_state(
    api: httpx.Client, project: Project, make_app
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    other = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    query = query_of(consent(app, start_link(api, app)))
    body = {"code": query["code"], "state": query["state"], "iss": query["iss"]}

    wrong = api.post(f"/v2/auth/callback/{other.app_name}", json=body, headers=project.headers)
    right = api.post(f"/v2/auth/callback/{app.app_name}", json=body, headers=project.headers)

    assert wrong.status_code == 400
    assert wrong.json()["code"] == "invalid_state"
    assert right.status_code == 200


def test_langsmith_callback_validation_errors_use_its_own_shape(api: httpx.Client, project: Project):
    # The state is the one member a callback cannot do without (an error response has no code).
    response = api.post("/v2/auth/callback/any", json={"code": "x"}, headers=project.headers)

    assert response.status_code == 422
    detail = response.json()["detail"]
    assert detail[0]["loc"][0] == "body"
    assert {"loc", "msg", "type"} <= set(detail[0])


def test_langsmith_callback_refuses_a_tenant_id_of_another_project(
    api: httpx.Client, project: Project, other_project: Project
):
    response = api.post(
        "/v2/auth/callback/any",
        json={"code": "c", "state": "s"},
        headers={**project.headers, "X-Tenant-Id": other_project.id},
    )
    tenant_alone = api.post(
        "/v2/auth/callback/any", json={"code": "c", "state": "s"}, headers={"X-Tenant-Id": project.id}
    )

    assert response.status_code == 401
    assert tenant_alone.status_code == 401
    # A valid key is told what is wrong; a tenant id alone gets the 401 of no key at all.
    assert response.json()["code"] == "tenant_mismatch"
    assert tenant_alone.json()["code"] == "unauthorized"


@pytest.mark.parametrize("as_url", [False, True])
def test_peaka_callback_takes_the_query_string_or_the_whole_url(
    api: httpx.Client, project: Project, make_app, as_url: bool
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    redirect = consent(app, start_link(api, app, owner="peaka-user"))
    query_parameters = redirect if as_url else urlsplit(redirect).query + "&param1=value1"

    response = api.post(
        f"/connections/{project.id}/oauth2",
        json={"queryParameters": query_parameters},
        headers={"Authorization": f"Bearer {project.api_key}"},
    )

    assert response.status_code == 200, response.text
    connection = response.json()
    assert connection["name"] == "peaka-user"
    assert connection["type"] == app.app_name
    assert connection["url"] == FRONTEND_CALLBACK
    account = api.get(f"/v1/linked-accounts/{connection['id']}", headers=project.headers)
    assert account.status_code == 200


def test_peaka_callback_refuses_a_fragment_and_leaves_the_state_usable(
    api: httpx.Client, project: Project, make_app
):
    """A frontend that passes ``location.hash`` sends the wrong half of the URL: refused as such, before
    the state is used, instead of read as a query with no code (which used the state up)."""
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    query = urlsplit(consent(app, start_link(api, app))).query
    bearer = {"Authorization": f"Bearer {project.api_key}"}

    fragments = [
        api.post(
            f"/connections/{project.id}/oauth2", json={"queryParameters": prefix + query}, headers=bearer
        )
        for prefix in ("#", "?#", " #", "\ufeff#", "/cb#", "&#", "//app.example/cb#")
    ]
    genuine = api.post(f"/connections/{project.id}/oauth2", json={"queryParameters": query}, headers=bearer)

    for fragment in fragments:
        assert fragment.status_code == 400, fragment.text
        assert fragment.headers["content-type"] == "application/problem+json"
        assert "fragment" in fragment.json()["detail"]
    assert genuine.status_code == 200, genuine.text


def test_peaka_callback_of_another_project_is_not_found(
    api: httpx.Client, project: Project, other_project: Project, make_app
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    redirect = consent(app, start_link(api, app))

    response = api.post(
        f"/connections/{project.id}/oauth2",
        json={"queryParameters": urlsplit(redirect).query},
        headers=other_project.headers,
    )

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert app.provider.token_requests(app.client.client_id) == 0


def test_quiva_callback_answers_the_tokens_to_the_caller(api: httpx.Client, project: Project, make_app):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    first = query_of(consent(app, start_link(api, app, owner="q-user")))
    second = query_of(consent(app, start_link(api, app, owner="q-user")))

    response = api.get(
        "/hub/integrations/oauth-callback",
        params={"code": first["code"], "state": first["state"], "iss": first["iss"]},
        headers=project.headers,
    )
    again = api.get(
        "/hub/integrations/oauth-callback",
        params={"code": second["code"], "state": second["state"], "iss": second["iss"]},
        headers={"Authorization": f"Bearer {project.api_key}"},
    )

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    tokens = response.json()
    assert tokens["access_token"] and tokens["refresh_token"]
    assert tokens["token_type"] == "Bearer"
    assert tokens["expires_in"] > 0
    assert tokens["sequence"] == 1
    assert tokens["subject"] == f"linkvault.oauth.{project.id}.{app.app_name}.q-user"
    # Linking the same owner again updates the one account: new credentials, next sequence number.
    assert again.status_code == 200
    assert again.json()["sequence"] == 2
    assert again.json()["access_token"] != tokens["access_token"]
    accounts = api.get(
        "/v1/linked-accounts", params={"linked_account_owner_id": "q-user"}, headers=project.headers
    )
    assert len(accounts.json()) == 1


def test_quiva_callback_errors_use_its_own_shape(
    api: httpx.Client, project: Project, other_project: Project, make_app
):
    app = make_app(project, redirect_uri=FRONTEND_CALLBACK)
    query = query_of(consent(app, start_link(api, app)))
    params = {"code": query["code"], "state": query["state"], "iss": query["iss"]}

    unauthenticated = api.get("/hub/integrations/oauth-callback", params=params)
    foreign = api.get("/hub/integrations/oauth-callback", params=params, headers=other_project.headers)
    # Neither a code nor an error: a broken authorization response, which uses up its own state.
    other = query_of(consent(app, start_link(api, app, owner="other")))
    missing_code = api.get(
        "/hub/integrations/oauth-callback",
        params={"state": other["state"], "iss": other["iss"]},
        headers=project.headers,
    )
    own = api.get("/hub/integrations/oauth-callback", params=params, headers=project.headers)

    assert unauthenticated.status_code == 401
    assert set(unauthenticated.json()) == {"error", "error_description"}
    assert unauthenticated.json()["error"] == "unauthorized"
    assert foreign.status_code == 400
    assert foreign.json()["error"] == "invalid_state"
    assert missing_code.status_code == 400
    assert missing_code.json() == {
        "error": "invalid_input",
        "error_description": "the callback carries no code",
    }
    # Neither the unauthenticated nor the foreign call used the state up.
    assert own.status_code == 200


@pytest.mark.parametrize(
    ("knobs", "status", "code"),
    [
        ({"fail_status": 400, "fail_body": '{"error":"invalid_grant"}'}, 400, "invalid_grant"),
        ({"fail_status": 503, "fail_body": "<html><body>down</body></html>"}, 502, "provider_error"),
        ({"response_patch": {"access_token": None}}, 502, "provider_error"),
        ({"response_patch": {"token_type": "MAC"}}, 502, "provider_error"),
        ({"delay_seconds": 5}, 504, "provider_timeout"),
    ],
)
def test_a_failing_token_endpoint_creates_no_account(
    api: httpx.Client, project: Project, make_app, knobs: dict, status: int, code: str
):
    app = make_app(project)
    callback = callback_path(consent(app, start_link(api, app)))
    app.provider.set_knobs(app.client.client_id, **knobs)

    response = api.get(callback)

    assert response.status_code == status, response.text
    assert response.json()["code"] == code
    assert "<html>" not in response.text
    assert app.provider.token_requests(app.client.client_id) == 1
    assert api.get("/v1/linked-accounts", headers=project.headers).json() == []
    # The state is used up by the failed attempt.
    app.provider.reset_knobs(app.client.client_id)
    assert api.get(callback).json()["code"] == "invalid_state"


def _driver_transaction(services: Services) -> Any:
    """The class of ``database.transaction``'s transactions on the services' database."""
    if services.db_engine.dialect.name == "sqlite":
        return database._SqliteTransaction
    return database._PostgresTransaction


def test_a_callback_whose_state_cannot_be_used_up_links_nothing_and_revokes_the_grant(
    api: httpx.Client, project: Project, make_app, migrated: Settings
):
    """The code goes to the provider while the state's use commits; when that commit fails, nothing is
    linked, the caller gets a 503, and the grant the exchange got is revoked (RFC 7009) rather than
    left live with nobody holding it."""
    app = make_app(project)
    callback = callback_path(consent(app, start_link(api, app)))
    with in_process(migrated) as linkvault:
        commits = 0

        def the_first_commit_fails(connection: Any) -> None:
            nonlocal commits
            commits += 1
            if commits == 1:
                raise ConnectionResetError("the database went away at commit")

        driver_transaction = _driver_transaction(linkvault.services)
        original_commit = driver_transaction.commit

        async def commit(self: Any) -> None:
            the_first_commit_fails(self)
            await original_commit(self)

        driver_transaction.commit = commit  # type: ignore[method-assign]
        try:
            failed = linkvault.http.get(callback)
        finally:
            driver_transaction.commit = original_commit  # type: ignore[method-assign]
        retried = linkvault.http.get(callback)

    assert failed.status_code == 503, failed.text
    assert failed.json()["code"] == "database_unavailable"
    assert app.provider.token_requests(app.client.client_id) == 2
    assert app.provider.revocation_requests(app.client.client_id) == 1
    revoked = app.provider.last_revocation_request(app.client.client_id)["form"]
    assert revoked["token_type_hint"] == "refresh_token"
    assert api.get("/v1/linked-accounts", headers=project.headers).json() == []
    # The state was not used up, but its code was: the provider honours a code once.
    assert retried.status_code == 400, retried.text
    assert retried.json()["code"] == "invalid_grant"
    assert api.get("/v1/linked-accounts", headers=project.headers).json() == []


def test_a_callback_cancelled_while_its_state_commits_revokes_the_grant_it_got(
    api: httpx.Client, project: Project, make_app, migrated: Settings, monkeypatch: pytest.MonkeyPatch
):
    """A callback cancelled (a shutdown, an embedder's timeout) while its state's use commits, its code
    already exchanged, leaves no live grant behind: it is revoked in the background."""
    app = make_app(project)
    redirect = query_of(consent(app, start_link(api, app)))
    original_exchange = linking._code_exchange

    async def cancelled_during_the_commit(services: Services) -> None:
        exchanged, cancelled = asyncio.Event(), asyncio.Event()

        def code_exchange(*args: Any) -> Any:
            async def exchange() -> Any:
                try:
                    return await original_exchange(*args)
                finally:
                    exchanged.set()

            return exchange()

        driver_transaction = _driver_transaction(services)
        original_commit = driver_transaction.commit

        async def commit_after_the_exchange(self: Any) -> None:
            # The cancellation lands while the commit waits: the state is not used up.
            await exchanged.wait()
            await cancelled.wait()
            await original_commit(self)

        monkeypatch.setattr(linking, "_code_exchange", code_exchange)
        monkeypatch.setattr(driver_transaction, "commit", commit_after_the_exchange)
        callback = linking.CallbackParameters(
            state=redirect["state"], code=redirect["code"], iss=redirect.get("iss")
        )
        finishing = asyncio.create_task(linking.finish_link(services, callback))
        await asyncio.wait_for(exchanged.wait(), 10)
        await asyncio.sleep(0)  # the commit's wait goes on
        finishing.cancel()
        cancelled.set()
        with pytest.raises(asyncio.CancelledError):
            await finishing
        await asyncio.sleep(0)  # the exchange's done callbacks run
        assert linking._REVOKING
        await asyncio.wait_for(asyncio.gather(*linking._REVOKING), 10)

    with in_process(migrated) as linkvault:
        linkvault.run(cancelled_during_the_commit)

    assert app.provider.token_requests(app.client.client_id) == 1
    assert app.provider.revocation_requests(app.client.client_id) == 1
    assert api.get("/v1/linked-accounts", headers=project.headers).json() == []


def test_a_link_whose_first_insert_loses_the_race_to_another_replica_updates_its_account(
    api: httpx.Client, project: Project, make_app, migrated: Settings, monkeypatch: pytest.MonkeyPatch
):
    """Two links of one owner finishing at once on two replicas: both find no account, and the insert
    that loses the race to the unique (project, app, owner) is tried again as an update of the winner's
    account (on SQLite the insert is put off until the commit, where the constraint then breaks)."""
    app = make_app(project)
    first = api.get(callback_path(consent(app, start_link(api, app, owner="racing"))))
    assert first.status_code == 200, first.text
    second = callback_path(consent(app, start_link(api, app, owner="racing")))
    find = linked_accounts.find_linked_account
    finds = 0

    async def not_yet_committed_at_first(statements: Any, **arguments: Any) -> Any:
        nonlocal finds
        finds += 1
        return None if finds == 1 else await find(statements, **arguments)

    monkeypatch.setattr(linked_accounts, "find_linked_account", not_yet_committed_at_first)
    with in_process(migrated) as linkvault:
        relinked = linkvault.http.get(second)
        after = linkvault.http.get(f"/v1/linked-accounts/{first.json()['id']}", headers=project.headers)

    assert relinked.status_code == 200, relinked.text
    assert finds == 2
    assert relinked.json()["id"] == first.json()["id"]
    assert after.status_code == 200, after.text
    listed = api.get("/v1/linked-accounts", params={"app_name": app.app_name}, headers=project.headers).json()
    assert [item["id"] for item in listed] == [first.json()["id"]]
    assert app.provider.token_requests(app.client.client_id) == 2


def test_a_link_whose_app_is_deleted_during_the_exchange_links_nothing_and_revokes_the_grant(
    api: httpx.Client, project: Project, make_app, migrated: Settings, monkeypatch: pytest.MonkeyPatch
):
    """An app with no account may be deleted; a link of it already past its state's use then fails
    as a state of a deleted app does (400 invalid_state, as the spec lists), not as a conflict, and
    the grant its exchange got is revoked (RFC 7009)."""
    app = make_app(project)
    callback = callback_path(consent(app, start_link(api, app)))
    subject = linking._subject

    async def app_deleted_first(services: Services, *arguments: Any) -> Any:
        await app_configurations.delete_app_configuration(
            services, project_id=uuid.UUID(project.id), app_name=app.app_name
        )
        return await subject(services, *arguments)

    monkeypatch.setattr(linking, "_subject", app_deleted_first)
    with in_process(migrated) as linkvault:
        failed = linkvault.http.get(callback)

    assert failed.status_code == 400, failed.text
    assert failed.json()["code"] == "invalid_state"
    assert app.provider.token_requests(app.client.client_id) == 1
    assert app.provider.revocation_requests(app.client.client_id) == 1
    assert api.get("/v1/linked-accounts", headers=project.headers).json() == []


def test_client_secret_post_is_used_when_configured(api: httpx.Client, project: Project, make_app):
    app = make_app(project, token_endpoint_auth_method="client_secret_post")

    response = api.get(callback_path(consent(app, start_link(api, app))))

    # The test provider refuses a client that authenticates with another method than it registered.
    assert response.status_code == 200, response.text


def test_unknown_and_malformed_states_are_refused(api: httpx.Client):
    for state in ["", "short", "A" * 43, "x" * 5000]:
        response = api.get("/v1/linked-accounts/oauth2/callback", params={"state": state, "code": "c"})
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_state"
    missing = api.get("/v1/linked-accounts/oauth2/callback")
    assert missing.status_code == 400
    assert missing.json()["code"] == "invalid_state"


def test_start_refuses_a_post_link_url_outside_the_allow_list(api: httpx.Client, project: Project, make_app):
    app = make_app(project, allowed_redirect_urls=["https://app.example/linked"])

    response = api.get(
        "/v1/linked-accounts/oauth2",
        params={
            "app_name": app.app_name,
            "linked_account_owner_id": "u",
            "after_oauth2_link_redirect_url": "https://app.example.evil.com/linked",
        },
        headers=project.headers,
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "after_oauth2_link_redirect_url"]


def test_start_validation_errors_use_the_aci_shape(api: httpx.Client, project: Project):
    response = api.get(
        "/v1/linked-accounts/oauth2", params={"linked_account_owner_id": "u"}, headers=project.headers
    )

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "app_name"]


def test_start_of_an_unknown_app_is_not_found(api: httpx.Client, project: Project):
    response = api.get(
        "/v1/linked-accounts/oauth2",
        params={"app_name": "nope", "linked_account_owner_id": "u"},
        headers=project.headers,
    )

    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["code"] == "not_found"


def test_the_authorization_url_carries_configured_parameters_and_no_secret(
    api: httpx.Client, project: Project, make_app
):
    app = make_app(project, authorize_params={"prompt": "consent", "access_type": "offline"})

    url = start_link(api, app)
    other_url = start_link(api, app)

    query = query_of(url)
    assert query["access_type"] == "offline"
    assert query["scope"] == "openid offline_access profile"
    assert query["client_id"] == app.client.client_id
    assert app.client.client_secret not in url
    assert query["state"] != query_of(other_url)["state"]
    assert query["code_challenge"] != query_of(other_url)["code_challenge"]


def test_callback_ignores_extra_provider_parameters(api: httpx.Client, project: Project, make_app):
    app = make_app(project)
    redirect = consent(app, start_link(api, app))

    response = api.get(callback_path(redirect, {"session_state": "abc", "hd": "example.com"}))

    assert response.status_code == 200, response.text


def test_the_server_log_shows_no_code_or_state(
    api: httpx.Client, project: Project, make_app, linkvault_server
):
    app = make_app(project)
    redirect = consent(app, start_link(api, app))
    query = query_of(redirect)

    assert api.get(callback_path(redirect)).status_code == 200

    log = linkvault_server.log_text()
    assert "/v1/linked-accounts/oauth2/callback?code=[redacted]&state=[redacted]" in log
    assert query["code"] not in log
    assert query["state"] not in log


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("HEAD", "/v1/linked-accounts/oauth2/callback?code=c&state=s", 405),
        ("POST", "/v1/linked-accounts/oauth2/callback?code=c&state=s", 405),
        ("GET", "/v1/linked-accounts/oauth2/callback/?code=c&state=s", 307),
        ("GET", "/v2/auth/callback/any?code=c&state=s", 405),
        ("DELETE", "/hub/integrations/oauth-callback?code=c&state=s", 405),
        ("GET", "/hub/integrations/oauth-callback/?code=c&state=s", 307),
        ("GET", "/v1/linked-accounts/oauth2/callback//?code=c&state=s", 307),
        ("POST", "/v2/auth/callback/any///?code=c&state=s", 307),
    ],
    ids=[
        "aci HEAD",
        "aci POST",
        "aci trailing slash",
        "langsmith GET",
        "quiva DELETE",
        "quiva trailing slash",
        "aci two slashes",
        "langsmith three slashes",
    ],
)
def test_answers_on_a_callback_path_that_no_operation_gives_carry_the_callback_headers(
    api: httpx.Client, project: Project, method: str, path: str, status: int
):
    """A 405 to another method, and the trailing slash's redirect (which repeats the query, code and
    state), on a callback's path are no callback operation's answers, but the URL holds what the
    callback's does: they are not cached and send no Referer either."""
    response = api.request(method, path, headers=project.headers)

    assert response.status_code == status, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["referrer-policy"] == "no-referrer"
